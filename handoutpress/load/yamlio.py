"""Safe YAML loading that remembers the line and column of every value."""
from __future__ import annotations

import stat
from dataclasses import field
from pathlib import Path

import yaml

from ..records import dataclass
from ..errors import Problem, PublishError

MAX_BYTES = 1_000_000  # a handout is a few KB; anything this large is a mistake or an attack
MAX_DEPTH = 100  # lists and mappings inside each other; deeper would overflow the recursive composer
_PLAIN_TAGS = (None, "!", "tag:yaml.org,2002:str")  # no tag, a quoted scalar, or !!str

Path_ = tuple  # a YAML path: ("body", 3, "rows", 2)


def format_path(path: Path_) -> str:
    """("body", 3, "text") -> "body[3].text"."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


@dataclass
class Doc:
    """A loaded YAML file: plain Python data plus the place of every value."""

    file: str
    data: object
    marks: dict = field(default_factory=dict)  # path tuple -> (line, column), 1-based
    written: dict = field(default_factory=dict)  # path -> the text of a number YAML reads differently (1.10 -> 1.1)
    folded: list = field(default_factory=list)  # (path, line, column, text): a '- ' line read as part of plain text

    def where(self, path: Path_) -> tuple[int | None, int | None]:
        """The line and column of the value at path, or of its nearest parent."""
        path = tuple(path)
        while path not in self.marks and path:
            path = path[:-1]
        return self.marks.get(path, (None, None))

    def problem(self, path: Path_, message: str, fix: str = "", code: str = "") -> Problem:
        line, col = self.where(path)
        return Problem(self.file, line, col, format_path(path), message, fix, code)


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader, with LibYAML's C parser where PyYAML has it (about ten times faster);
    only its events are used: aliases, tags and depth are checked before anything is built."""


def _mark(node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _convert(doc: Doc, node, path: Path_, problems: list[Problem]):
    """Turn a composed node into plain data, recording marks along the way."""
    doc.marks[path] = _mark(node)
    if isinstance(node, yaml.MappingNode):
        out = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(doc.file, *_mark(key_node), _fmt(path), "a key must be plain text", code="yaml-key"))
                continue
            key = key_node.value
            if key == "<<":
                problems.append(Problem(doc.file, *_mark(key_node), _fmt(path),
                                        "merge keys (<<) are not supported", "write the values out in full", code="yaml-merge-key"))
                continue
            if key in out:
                problems.append(Problem(doc.file, *_mark(key_node), _fmt(path + (key,)),
                                        f"duplicate key '{key}'", "remove one of the two entries", code="yaml-duplicate-key"))
                continue
            out[key] = _convert(doc, value_node, path + (key,), problems)
            doc.marks.setdefault(path + (key,), _mark(value_node))
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(doc, item, path + (i,), problems) for i, item in enumerate(node.value)]
    if not node.style and node.end_mark.line > node.start_mark.line:  # plain text over several lines
        doc.folded.append((path, node))  # its lines are read once the whole file is composed (_folded_dashes)
    if node.tag == _STR:  # most values: text, as PyYAML's constructor would give it, without its bookkeeping
        return node.value
    if node.tag == "tag:yaml.org,2002:value":  # a bare '=' (YAML 1.1's "value" key): text to an author
        return node.value
    try:
        value = _SCALARS.construct_object(node)
    except ValueError:  # looks like a date but is none (2026-02-30): keep the text, say so
        problems.append(Problem(doc.file, *_mark(node), _fmt(path), f"'{node.value}' is not a real date",
                                "write an existing date as YYYY-MM-DD", code="schema-date"))
        value = node.value
    finally:
        _SCALARS.constructed_objects.clear()  # the shared constructor must not keep nodes alive
    if isinstance(value, (int, float)) and not isinstance(value, bool) and str(value) != node.value:
        doc.written[path] = node.value  # where text is expected, the author meant what they typed
    return value


def _fmt(path: Path_) -> str:
    return format_path(path)


_SCALARS = yaml.SafeLoader("")  # only its constructor is used, for typed scalars


def load(path: Path | str, display: str | None = None) -> Doc:
    """Load one YAML file; every problem is a PublishError with the file's place."""
    path = Path(path)
    name = display or str(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise PublishError(Problem(name, None, None, "", f"cannot read the file ({exc.strerror})",
                                   "check the file name and that it exists", code="file-missing"))
    size = info.st_size
    if size > MAX_BYTES:
        raise PublishError(Problem(name, None, None, "", f"the file is {size:,} bytes, over the {MAX_BYTES:,} limit",
                                   "split it or remove what does not belong", code="yaml-too-large"))
    if not stat.S_ISREG(info.st_mode):  # a FIFO or /dev/zero would block or never end
        raise PublishError(Problem(name, None, None, "", "not a regular file",
                                   "give the path of a YAML file", code="file-missing"))
    doc = Doc(name, None)
    problems: list[Problem] = []
    try:
        with open(path, "rb") as stream:
            loader = _Loader(stream)
            try:
                root = _compose_without_aliases(loader, name)
            finally:
                loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        what = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in what:  # LibYAML's own limit (1000 levels), met while it scans ahead of ours
            raise PublishError(Problem(name, line, col, "", f"lists and mappings are nested more than {MAX_DEPTH} deep",
                                       "flatten the structure", code="yaml-too-deep"))
        if opened := _unclosed_quote(path, exc):
            raise PublishError(Problem(name, *opened, "", "a quote opened here is not closed where the text ends "
                                       f"(YAML then fails at line {line}: {what})",
                                       "add the closing quote at the end of this text", code="yaml-syntax"))
        raise PublishError(Problem(name, line, col, "", f"YAML syntax error: {what}",
                                   "check indentation, colons and quotes on this line", code="yaml-syntax"))
    except yaml.reader.ReaderError as exc:
        raise PublishError(_reader_problem(path, name, exc))
    except yaml.YAMLError as exc:
        raise PublishError(Problem(name, None, None, "", f"YAML error: {exc}", "check the file's syntax", code="yaml-syntax"))
    except UnicodeDecodeError:
        raise PublishError(Problem(name, None, None, "", "the file is not UTF-8 text", "save it as UTF-8", code="yaml-encoding"))
    except OSError as exc:  # unreadable (permissions), or vanished since stat
        raise PublishError(Problem(name, None, None, "", f"cannot read the file ({exc.strerror})",
                                   "check the file's permissions", code="file-missing"))
    if root is None:
        raise PublishError(Problem(name, 1, 1, "", "the file is empty", "add the required keys", code="yaml-empty"))
    doc.data = _convert(doc, root, (), problems)
    doc.folded = _folded_dashes(path, doc.folded)
    if problems:
        raise PublishError(problems)
    return doc


def _folded_dashes(path: Path, texts: list) -> list:
    """In plain text that runs over several lines, each later line that starts with '- ': what a list item
    indented wrongly becomes (YAML folds it into the text above). (path, line, column, the text's start);
    checks/indentation.py says what it means. Only the source knows where the lines broke."""
    if not texts:
        return []
    try:
        lines = path.read_text("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []
    out = []
    for at, node in texts:
        for n in range(node.start_mark.line + 1, min(node.end_mark.line, len(lines) - 1) + 1):
            stripped = lines[n].lstrip()
            if stripped.startswith("- "):
                out.append((at, n + 1, len(lines[n]) - len(stripped) + 1, node.value[:60]))
    return out


def _unclosed_quote(path: Path, exc) -> tuple[int, int] | None:
    """Where the quote that caused a syntax error opened (1-based line, column), or None.

    A missing closing quote makes YAML read on until the next quote, lines later, and fail there:
    the mistake is at the quoted text that runs over several lines and ends where the error is."""
    if exc.context == "while scanning a quoted scalar" and exc.context_mark:  # never closed at all
        return exc.context_mark.line + 1, exc.context_mark.column + 1
    at = exc.problem_mark
    if at is None:
        return None
    last = None
    try:
        for token in yaml.scan(path.read_text("utf-8"), Loader=yaml.SafeLoader):
            if token.start_mark.index >= at.index:
                break
            if isinstance(token, yaml.ScalarToken) and not token.plain:
                last = token
    except (yaml.YAMLError, OSError, UnicodeDecodeError):
        pass  # the scan stops at the same error; the tokens before it are what counts
    if last and last.start_mark.line < last.end_mark.line == at.line:
        return last.start_mark.line + 1, last.start_mark.column + 1
    return None


def _reader_problem(path: Path, name: str, exc) -> Problem:
    """A byte that is not UTF-8, or a control character, placed at its line and column."""
    raw = path.read_bytes()
    if exc.encoding and exc.encoding != "unicode":  # not UTF-8: the position counts bytes
        text, at = raw, exc.position
        nl = b"\n"
        message, fix = "the file is not UTF-8 text", "save it as UTF-8 (in most editors: Save As, encoding UTF-8)"
    else:  # a control character: the position counts characters
        text, at = raw.decode("utf-8", "replace"), exc.position
        nl = "\n"
        message = f"the file holds a control character (U+{exc.character:04X}) that YAML does not allow"
        fix = "delete it or retype this line"
    line = text.count(nl, 0, at) + 1
    column = at - (text.rfind(nl, 0, at) + 1) + 1
    return Problem(name, line, column, "", message, fix, code="yaml-encoding")


def _compose_without_aliases(loader: _Loader, name: str):
    """Compose the single document, refusing anchors, aliases, tags and deep nesting event by event,
    before anything they describe is built (an alias bomb never expands).

    One pass over LibYAML's events builds the same node tree PyYAML's composer would (same tags,
    values, marks and styles; tests/test_yaml_compose.py compares the two), without its per-event
    method calls: the loader's largest cost."""
    scalar_event, seq_start, map_start = yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent
    ScalarNode, SequenceNode, MappingNode = yaml.ScalarNode, yaml.SequenceNode, yaml.MappingNode
    resolve = _RESOLVER.resolve
    root, stack, pending = None, [], []  # open collections; per open mapping, its key waiting for a value
    documents = 0

    def refuse(event, message, fix, code):
        m = event.start_mark
        raise PublishError(Problem(name, m.line + 1, m.column + 1, "", message, fix, code=code))

    while loader.check_event():
        event = loader.get_event()
        kind = type(event)
        if kind is scalar_event or kind is seq_start or kind is map_start:
            tag = event.tag
            if tag not in _PLAIN_TAGS:  # !foo, !!python/..., !!binary: data has no types
                refuse(event, f"YAML tags ({tag.replace('tag:yaml.org,2002:', '!!', 1)}) are not supported",
                       "remove the tag; write the value as plain text", "yaml-tag")
            if event.anchor:
                refuse(event, "YAML anchors and aliases (& and *) are not supported", "write the value out in full",
                       "yaml-alias")
            if kind is scalar_event:
                if tag is None or tag == "!":
                    tag = resolve(ScalarNode, event.value, event.implicit) if event.implicit[0] else _STR
                node = ScalarNode(tag, event.value, event.start_mark, event.end_mark, style=event.style)
            else:
                if len(stack) >= MAX_DEPTH:  # [[[[...]]]] 10000 deep would be a RecursionError, and slow to scan
                    refuse(event, f"lists and mappings are nested more than {MAX_DEPTH} deep", "flatten the structure",
                           "yaml-too-deep")
                if kind is seq_start:
                    node = SequenceNode(_SEQ if tag is None or tag == "!" else tag, [], event.start_mark, None,
                                        flow_style=event.flow_style)
                else:
                    node = MappingNode(_MAP if tag is None or tag == "!" else tag, [], event.start_mark, None,
                                       flow_style=event.flow_style)
            if not stack:
                root = node
            elif type(parent := stack[-1]) is SequenceNode:
                parent.value.append(node)
            elif pending[-1] is None:
                pending[-1] = node
            else:
                parent.value.append((pending[-1], node))
                pending[-1] = None
            if kind is not scalar_event:
                stack.append(node)
                pending.append(None)
        elif kind is yaml.SequenceEndEvent or kind is yaml.MappingEndEvent:
            stack.pop().end_mark = event.end_mark
            pending.pop()
        elif kind is yaml.AliasEvent:
            refuse(event, "YAML anchors and aliases (& and *) are not supported", "write the value out in full",
                   "yaml-alias")
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                refuse(event, "the file holds more than one YAML document", "keep one document per file",
                       "yaml-documents")
    return root


_RESOLVER = yaml.resolver.Resolver()  # the implicit tags of plain scalars (int, float, bool, null, timestamp)
_STR, _SEQ, _MAP = ("tag:yaml.org,2002:" + kind for kind in ("str", "seq", "map"))
