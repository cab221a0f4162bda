"""The house: folders by stage, imports pointing one way (designer -> publish -> checks and render ->
resolve -> load -> vocabulary), no cycles, a handful of modules at the top, none over 600 lines."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "handoutpress"
LAYER = {"vocabulary": 0, "load": 1, "resolve": 2, "checks": 3, "render": 3, "qa": 3, "publish": 4, "designer": 5}
MAX_TOP_LEVEL, MAX_LINES = 8, 600


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = ("handoutpress",) + path.relative_to(PACKAGE).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


MODULES = _modules()


def stage(module: str) -> str:
    parts = module.split(".")[1:]
    if parts and parts[0] in LAYER and (len(parts) > 1 or (PACKAGE / parts[0]).is_dir()):
        return parts[0]
    return "vocabulary"


def imports_of(module: str, path: Path) -> set[str]:
    """Every module of the package this one imports, at the top or inside a function."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            for alias in node.names:
                found.add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
    return {m for m in found if m in MODULES and m != module}


GRAPH = {m: imports_of(m, p) for m, p in MODULES.items()}


def test_no_upward_or_sideways_import():
    wrong = [f"{a} ({stage(a)}) imports {b} ({stage(b)})" for a, targets in GRAPH.items() for b in sorted(targets)
             if stage(a) != stage(b) and LAYER[stage(b)] >= LAYER[stage(a)]]
    assert not wrong, "imports must point down the pipeline:\n" + "\n".join(wrong)


def test_no_import_cycle():
    state, stack, cycles = {}, [], []

    def visit(m):
        state[m] = 1
        stack.append(m)
        for t in sorted(GRAPH[m]):
            if state.get(t) == 1:
                cycles.append(stack[stack.index(t):] + [t])
            elif t not in state:
                visit(t)
        stack.pop()
        state[m] = 2

    for m in sorted(GRAPH):
        if m not in state:
            visit(m)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_a_handful_of_modules_at_the_top():
    top = sorted(p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py")
    assert len(top) <= MAX_TOP_LEVEL, top


def test_no_module_over_600_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in MODULES.values()
            if (n := len(p.read_text("utf-8").splitlines())) > MAX_LINES}
    assert not long, long


def test_each_stage_says_in_one_line_what_it_takes_and_gives():
    for init in sorted(PACKAGE.glob("*/__init__.py")) + sorted(PACKAGE.glob("*/*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text("utf-8")))
        assert doc and "\n" not in doc.strip() and "takes" in doc and "gives" in doc, init
