"""Packets: several published handouts in one PDF for one visit.

A packet is a cover page listing the handouts, then each handout's own pages exactly as published
(its page numbers, furniture and DRAFT marks), and optionally a "what was given" slip for the chart
(titles, versions, review dates; no patient data ever passes through here). The cover and slip are
rendered by the ordinary pipeline (so they are tagged, PDF/A and in the clinic's layout); the
handouts' structure trees are merged under one new Document, each handout a Part, with the parent
tree, StructParents and annotation StructParent keys renumbered, and the role and ID maps merged.
Only files listed in out/manifest.json are ever read.
"""
from __future__ import annotations

import tempfile
from dataclasses import replace
from io import BytesIO
from pathlib import Path, PurePosixPath

from ..records import dataclass
from ..errors import Problem, PublishError
from .catalog import MAX_ITEMS  # the catalog page offers the same limit

MAX_BYTES = 80 * 1024 * 1024  # the published PDFs read into one packet, at most
PLACE = "packet"  # where a packet request's mistakes are placed (the command line or the served form)
USAGE = {"packet-unknown-handout", "packet-unknown-variant", "packet-draft", "packet-too-many",
         "packet-duplicate", "packet-empty"}  # the request's fault, not the content's: exit 2


@dataclass(frozen=True)
class Packet:
    data: bytes
    entries: list  # the manifest entries, in packet order
    pages: int


def _refuse(message: str, fix: str, code: str, where: str = "") -> Problem:
    return Problem(PLACE, None, None, where, message, fix, code=code)


def _safe(entry: dict) -> bool:
    path = str(entry.get("path", ""))
    return path.endswith(".pdf") and not path.startswith("/") and ".." not in PurePosixPath(path).parts \
        and "\\" not in path


def choose(outputs: list[dict], specs: list[str], include_drafts: bool = False) -> list[dict]:
    """The manifest entries that HANDOUT[:VARIANT] specs name, or every problem with them at once.

    A spec without a variant takes the handout's patient variant (else its first approved one)."""
    if not specs:
        raise PublishError(_refuse("no handouts named", "name at least one, e.g. benzodiazepines:patient",
                                   "packet-empty"))
    if len(specs) > MAX_ITEMS:
        raise PublishError(_refuse(f"{len(specs)} handouts asked for; a packet holds at most {MAX_ITEMS}",
                                   "split it into several packets", "packet-too-many"))
    by_handout: dict[str, list[dict]] = {}
    for e in outputs:
        if isinstance(e, dict) and _safe(e):
            by_handout.setdefault(str(e.get("handout", "")), []).append(e)
    chosen, problems, seen = [], [], set()
    for i, spec in enumerate(specs):
        handout, _, variant = str(spec).partition(":")
        where = f"HANDOUT[{i}] {spec!r}"[:120]
        entries = by_handout.get(handout)
        if not entries:
            problems.append(_refuse(f"no published handout '{handout}'", "use an id from the catalog: "
                                    + ", ".join(sorted(by_handout)[:12]), "packet-unknown-handout", where))
            continue
        if variant:
            entry = next((e for e in entries if e.get("variant") == variant), None)
        else:
            entry = next((e for e in entries if e.get("variant") == "patient"), None) or next(
                (e for e in entries if e.get("status") == "approved"), entries[0])
        if entry is None:
            problems.append(_refuse(f"handout '{handout}' has no published variant '{variant}'", "use one of: "
                                    + ", ".join(sorted(str(e.get("variant")) for e in entries)),
                                    "packet-unknown-variant", where))
            continue
        key = (entry["handout"], entry["variant"])
        if key in seen:
            problems.append(_refuse(f"{handout}:{entry['variant']} is named twice", "name each handout once",
                                    "packet-duplicate", where))
            continue
        seen.add(key)
        if entry.get("status") != "approved" and not include_drafts:
            problems.append(_refuse(f"{handout}:{entry['variant']} is a {entry.get('status') or 'draft'}, not "
                                    "approved for patients", "leave it out, or confirm that this packet is not for "
                                    "patients (--include-drafts; in the catalog, the confirmation box)",
                                    "packet-draft", where))
            continue
        chosen.append(entry)
    if problems:
        raise PublishError(problems)
    return chosen


# ---------------------------------------------------------------- cover and slip


def _cover_yaml(entries: list[dict], slip: bool) -> dict:
    """The cover (or the slip) as a handout: rendered by the pipeline like any other."""
    def reviewed(e):
        return e.get("reviewed") or "not reviewed"

    rows = [[str(e.get("title") or e["handout"]), f"{e['variant']} ({e.get('status') or 'unknown'})",
             str(e.get("version") or ""), reviewed(e)] for e in entries]
    newest = max((e.get("reviewed") or "" for e in entries), default="") or "2000-01-01"
    drafts = [e for e in entries if e.get("status") != "approved"]
    if slip:
        body = [{"paragraph": "For the chart: the handouts given at this visit. Write the patient's name and "
                              "the date by hand; this slip was made without any patient information."},
                {"table": {"header": ["Handout", "Variant", "Version", "Reviewed"], "rows": rows}},
                {"paragraph": "Given by: ______________________    Date: ______________"}]
        title, subtitle = "What was given", "A record for the chart"
    else:
        body = [{"paragraph": f"This packet holds {len(entries)} handout{'s' if len(entries) != 1 else ''}, "
                              "each with its own page numbers, in this order:"},
                {"table": {"header": ["Handout", "Variant", "Version", "Reviewed"], "rows": rows}}]
        if drafts:
            body.append({"callout": {"heading": "Contains drafts", "tone": "emergency", "body": [
                {"paragraph": f"{len(drafts)} of these handouts {'is a draft' if len(drafts) == 1 else 'are drafts'}"
                              ", not approved: this packet is not for patients or families."}]}})
        title, subtitle = "Handout packet", "Handouts for this visit"
    layout = str(entries[0].get("layout") or "maple-mountain")
    return {"id": "packet-slip" if slip else "packet", "title": title, "subtitle": subtitle, "language": "en",
            "version": "1", "review": {"status": "approved", "reviewer": "handoutpress"},
            "body": body, "variants": {"packet": {"layout": layout}}}


def render_page(root: Path, entries: list[dict], slip: bool = False) -> bytes:
    """The cover (or slip) PDF, tagged and finished like every published PDF."""
    import yaml

    from ..load.content import load_clinic, load_handout
    from .build import Caches, check_variant, render_variant
    from .inputs import CLINIC_FILE

    clinic = load_clinic(root / "handouts" / CLINIC_FILE, f"handouts/{CLINIC_FILE}")
    with tempfile.TemporaryDirectory(prefix="handoutpress-packet-") as tmp:
        path = Path(tmp) / "packet.yaml"
        path.write_text(yaml.safe_dump(_cover_yaml(entries, slip), allow_unicode=True, sort_keys=False), "utf-8")
        handout = load_handout(path, clinic, "packet cover")
        variant, caches = replace(handout.variants[0], closing=False), Caches()
        checked = check_variant(handout, variant, root, caches)
        # the cover lists reviewed handouts and says nothing clinical: it has no review of its own
        checked.problems = [p for p in checked.problems if p.code != "review-incomplete"]
        return render_variant(handout, variant, root, caches, checked).data


# ---------------------------------------------------------------- merging


def _numbers(tree) -> dict[int, object]:
    """A number tree (a ParentTree) flattened: key -> value."""
    import pikepdf

    found = {}
    if tree is None:
        return found
    nums = tree.get("/Nums")
    if nums is not None:
        for i in range(0, len(nums) - 1, 2):
            found[int(nums[i])] = nums[i + 1]
    for kid in tree.get("/Kids", pikepdf.Array()):
        found.update(_numbers(kid))
    return found


def _names(tree) -> dict[str, object]:
    import pikepdf

    found = {}
    if tree is None:
        return found
    names = tree.get("/Names")
    if names is not None:
        for i in range(0, len(names) - 1, 2):
            found[bytes(names[i]).decode("latin-1")] = names[i + 1]
    for kid in tree.get("/Kids", pikepdf.Array()):
        found.update(_names(kid))
    return found


def _kids(k) -> list:
    import pikepdf

    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


class _Merger:
    """One packet PDF grown part by part: pages appended, structure trees hung under one Document."""

    def __init__(self, cover: bytes):
        import pikepdf

        self.pdf = pikepdf.open(BytesIO(cover))
        self.root = self.pdf.Root.StructTreeRoot
        self.parents = _numbers(self.root.get("/ParentTree"))
        self.next_key = int(self.root.get("/ParentTreeNextKey", max(self.parents, default=-1) + 1))
        self.ids = _names(self.root.get("/IDTree"))
        self.document = self.pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem,
                                                                  S=pikepdf.Name.Document, P=self.root,
                                                                  K=pikepdf.Array()))
        self.outline = []  # (title, first page index, [(title, page index), ...])
        self.labels = []  # (first page index, label dict)
        self._adopt(_kids(self.root.get("/K")), "Handout packet", None)
        self.root.K = pikepdf.Array([self.document])
        self.outline.append(("Packet contents", 0, []))
        self.labels.append((0, pikepdf.Dictionary(P=pikepdf.String("Cover "), S=pikepdf.Name.D)))

    def _adopt(self, elements: list, title: str, lang: str | None) -> None:
        """The elements (a handout's top level) as one Part under the packet's Document."""
        import pikepdf

        part = self.pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.StructElem, S=pikepdf.Name.Part,
                                                         P=self.document, T=pikepdf.String(title),
                                                         K=pikepdf.Array()))
        if lang:
            part.Lang = pikepdf.String(lang)
        for element in elements:
            if isinstance(element, pikepdf.Dictionary) and element.get("/S") == pikepdf.Name.Document:
                # a handout's Document becomes a group inside its Part: one Document per file
                element.S = pikepdf.Name.Sect
            if isinstance(element, pikepdf.Dictionary):
                element.P = part
            part.K.append(element)
        self.document.K.append(part)

    def add(self, data: bytes, title: str, number: int, label: str | None = None) -> None:
        import pikepdf

        src = pikepdf.open(BytesIO(data))
        offset, first = self.next_key, len(self.pdf.pages)
        for page in src.pages:
            self.pdf.pages.append(page)
        for page in self.pdf.pages[first:]:
            if "/StructParents" in page.obj:
                page.obj.StructParents = int(page.obj.StructParents) + offset
            for annot in page.obj.get("/Annots", pikepdf.Array()):
                if "/StructParent" in annot:
                    annot.StructParent = int(annot.StructParent) + offset
        tree = src.Root.get("/StructTreeRoot")
        if tree is not None:
            copied = self.pdf.copy_foreign(tree)  # pages already copied: its /Pg refs land on the new pages
            for key, value in _numbers(copied.get("/ParentTree")).items():
                self.parents[key + offset] = value
            self.next_key = offset + int(copied.get("/ParentTreeNextKey",
                                                    max(_numbers(copied.get("/ParentTree")), default=-1) + 1))
            self._merge_maps(copied)
            lang = str(src.Root.get("/Lang", "")) or None
            self._adopt(_kids(copied.get("/K")), title, lang if lang != str(self.pdf.Root.get("/Lang", "")) else None)
        self._merge_form(src)
        self.outline.append((title, first, self._src_outline(src, first)))
        self.labels.append((first, pikepdf.Dictionary(S=pikepdf.Name.D, P=pikepdf.String(f"{label or number}-"))))

    def _merge_maps(self, copied) -> None:
        import pikepdf

        for key in ("/RoleMap", "/ClassMap"):
            theirs = copied.get(key)
            if theirs is None:
                continue
            ours = self.root.get(key)
            if ours is None:
                self.root[key] = ours = pikepdf.Dictionary()
            for name, value in theirs.items():
                if name not in ours:
                    ours[name] = value
        for name, element in _names(copied.get("/IDTree")).items():
            new = name
            while new in self.ids:
                new = "p" + new  # IDs are unique in the packet: a clash is renamed on the element too
            if new != name:
                element.ID = pikepdf.String(new)
            self.ids[new] = element

    def _merge_form(self, src) -> None:
        import pikepdf

        form = src.Root.get("/AcroForm")
        if form is None or not form.get("/Fields"):
            return
        ours = self.pdf.Root.get("/AcroForm")
        if ours is None:
            self.pdf.Root.AcroForm = ours = self.pdf.make_indirect(pikepdf.Dictionary(Fields=pikepdf.Array()))
            for key in ("/DA", "/DR"):
                if key in form:
                    value = form[key] if form[key].is_indirect else src.make_indirect(form[key])
                    ours[key] = self.pdf.copy_foreign(value)
        for field in form.Fields:
            ours.Fields.append(self.pdf.copy_foreign(field))  # the widgets already copied with their pages

    @staticmethod
    def _src_outline(src, first: int) -> list:
        import pikepdf

        found = []
        with src.open_outline() as outline:
            def walk(items, depth):
                for item in items:
                    dest = item.destination
                    if isinstance(dest, pikepdf.Array) and len(dest):
                        try:
                            found.append((item.title, first + src.pages.index(pikepdf.Page(dest[0])), depth))
                        except (ValueError, TypeError):
                            pass
                    walk(item.children, depth + 1)
            walk(outline.root, 0)
        return found

    def finish(self) -> bytes:
        import pikepdf
        from pikepdf import OutlineItem

        keys = sorted(self.parents)
        nums = pikepdf.Array()
        for key in keys:
            nums.append(key)
            nums.append(self.parents[key])
        self.root.ParentTree = self.pdf.make_indirect(pikepdf.Dictionary(Nums=nums))
        self.root.ParentTreeNextKey = self.next_key
        if self.ids:
            names = pikepdf.Array()
            for name in sorted(self.ids):
                names.append(pikepdf.String(name))
                names.append(self.ids[name])
            self.root.IDTree = self.pdf.make_indirect(pikepdf.Dictionary(Names=names))
        labels = pikepdf.Array()
        for index, label in self.labels:
            labels.append(index)
            labels.append(label)
        self.pdf.Root.PageLabels = pikepdf.Dictionary(Nums=labels)
        if "/Outlines" in self.pdf.Root:
            del self.pdf.Root["/Outlines"]
        with self.pdf.open_outline() as outline:
            for title, first, children in self.outline:
                top = OutlineItem(title, first)
                stack = [(top, -1)]
                for child_title, page, depth in children:
                    while stack[-1][1] >= depth:
                        stack.pop()
                    item = OutlineItem(child_title, page)
                    stack[-1][0].children.append(item)
                    stack.append((item, depth))
                outline.root.append(top)
        self.pdf.Root.PageMode = pikepdf.Name.UseOutlines
        buffer = BytesIO()
        self.pdf.save(buffer, deterministic_id=True, fix_metadata_version=False)
        return buffer.getvalue()


def build_packet(root: Path, out_dir: Path, outputs: list[dict], specs: list[str], include_drafts: bool = False,
                 slip: bool = False) -> Packet:
    """The packet's bytes for specs (HANDOUT[:VARIANT]) from the published PDFs in out_dir; writes nothing."""
    entries = choose(outputs, specs, include_drafts)
    datas, total = [], 0
    for entry in entries:
        path = Path(out_dir) / entry["path"]
        try:
            data = path.read_bytes() if path.is_file() else None
        except OSError:
            data = None
        if data is None:
            raise PublishError(Problem(str(path), None, None, "", "the published PDF is missing",
                                       "run `python publish.py build` again", code="packet-missing-file"))
        total += len(data)
        if total > MAX_BYTES:
            raise PublishError(_refuse(f"the handouts are over {MAX_BYTES // (1024 * 1024)} MB together",
                                       "make a smaller packet", "packet-too-big"))
        datas.append(data)
    merger = _Merger(render_page(root, entries))
    for number, (entry, data) in enumerate(zip(entries, datas), 1):
        merger.add(data, f"{entry.get('title') or entry['handout']} ({entry['variant']})", number)
    if slip:
        merger.add(render_page(root, entries, slip=True), "What was given", len(entries) + 1, "Slip")
    data = merger.finish()
    return Packet(data, entries, len(merger.pdf.pages))


# ---------------------------------------------------------------- built for `serve`, in a child process

BUILD_SECONDS = 60  # a packet takes a second or two; a child still at it after this is stopped


def build_in_child(root: Path, out_dir: Path, specs: list[str], include_drafts: bool, slip: bool,
                   seconds: float = BUILD_SECONDS) -> bytes:
    """The packet built by a separate Python in a temporary folder, stopped after `seconds`; its bytes.

    Raises PublishError for the request's own mistakes, TimeoutError when it takes too long."""
    import json
    import subprocess
    import sys

    with tempfile.TemporaryDirectory(prefix="handoutpress-packet-") as tmp:
        target = Path(tmp) / "packet.pdf"
        job = json.dumps({"root": str(root), "out": str(out_dir), "target": str(target), "specs": list(specs),
                          "include_drafts": include_drafts, "slip": slip})
        try:
            done = subprocess.run([sys.executable, "-m", "handoutpress.publish.packet"], input=job, text=True,
                                  capture_output=True, timeout=seconds, cwd=tmp,
                                  env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
                                       "HOME": tmp, "TMPDIR": tmp})
        except subprocess.TimeoutExpired:
            raise TimeoutError(f"the packet took more than {seconds:g} seconds") from None
        if done.returncode != 0:
            try:
                problems = [Problem(**p) for p in json.loads(done.stdout or "[]")]
            except (ValueError, TypeError):
                problems = []
            raise PublishError(problems or [Problem(PLACE, None, None, "", "the packet could not be made: "
                                                    + (done.stderr.strip().splitlines() or ["no reason given"])[-1],
                                                    code="packet-failed")])
        return target.read_bytes()


def _child() -> int:
    """`python -m handoutpress.publish.packet` with a job on stdin (see build_in_child); problems as JSON on stdout."""
    import dataclasses
    import json
    import sys

    job = json.loads(sys.stdin.read())
    from .output import read_manifest, write_atomic

    try:
        packet = build_packet(Path(job["root"]), Path(job["out"]), read_manifest(Path(job["out"])), job["specs"],
                              bool(job["include_drafts"]), bool(job["slip"]))
    except PublishError as exc:
        print(json.dumps([dataclasses.asdict(p) for p in exc.problems]))
        return 2
    write_atomic(Path(job["target"]), packet.data)
    return 0


if __name__ == "__main__":
    raise SystemExit(_child())
