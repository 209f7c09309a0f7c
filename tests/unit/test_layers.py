"""Import contracts: the layers of docs/ARCHITECTURE.md, checked on the source.

* nothing below ``ui/`` loads Textual or Rich (checked by really importing each module
  in a fresh interpreter, so a lazy import at module level is caught too);
* imports only point down the layer list below (``if TYPE_CHECKING:`` imports excluded:
  they never run);
* no module imports another module's private (``_name``) names;
* no import cycles between modules (lazy imports inside functions count too: a cycle
  hidden in a function is still a cycle a newcomer has to untangle).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PKG = Path(__file__).resolve().parents[2] / "logwatch_tui"

LAYERS: list[tuple[str, ...]] = [
    ("core",),
    ("sources", "notify", "config"),
    ("pipeline",),
    ("analysis", "history", "alerting", "ingest"),
    ("ui",),
    ("commands", "cli", "__main__"),
]
"""Lowest first. A module may import its own layer or lower ones."""


def _layer(module: str) -> int:
    part = module.split(".")[1] if "." in module else ""
    for i, names in enumerate(LAYERS):
        if part in names:
            return i
    raise AssertionError(f"{module} belongs to no layer: add it to LAYERS or move it")


def _modules() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for p in PKG.rglob("*.py"):
        rel = p.relative_to(PKG.parent).with_suffix("")
        name = ".".join(rel.parts)
        if name.endswith(".__init__"):
            name = name[: -len(".__init__")]
        out[name] = p
    return out


def _type_checking_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            for sub in node.body:
                for n in ast.walk(sub):
                    if hasattr(n, "lineno"):
                        lines.add(n.lineno)
    return lines


def _imports() -> dict[str, list[tuple[str, str | None]]]:
    """module -> [(imported module, imported name or None)], runtime imports only."""
    mods = _modules()
    out: dict[str, list[tuple[str, str | None]]] = {}
    for mod, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = _type_checking_lines(tree)
        pkg = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
        found: list[tuple[str, str | None]] = []
        for node in ast.walk(tree):
            if getattr(node, "lineno", None) in skip:
                continue
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = pkg.split(".")[: len(pkg.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module or ""
                if not target.startswith("logwatch_tui"):
                    continue
                for alias in node.names:
                    sub = f"{target}.{alias.name}"
                    if sub in mods:
                        found.append((sub, None))
                    else:
                        found.append((target, alias.name))
            elif isinstance(node, ast.Import):
                found.extend(
                    (a.name, None) for a in node.names if a.name.startswith("logwatch_tui.")
                )
        out[mod] = found
    return out


def test_nothing_below_ui_loads_textual_or_rich() -> None:
    below = sorted(
        m for m in _modules() if m != "logwatch_tui" and _layer(m) < _layer("logwatch_tui.ui")
    )
    code = (
        "import importlib, sys\n"
        f"for m in {below!r}: importlib.import_module(m)\n"
        "print(','.join(sorted({n.split('.')[0] for n in sys.modules} & {'textual', 'rich'})))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"loaded below ui/: {out.stdout.strip()}"


def test_imports_point_down() -> None:
    bad = [
        f"{mod} -> {target}"
        for mod, targets in _imports().items()
        if mod != "logwatch_tui"
        for target, _ in targets
        if target != "logwatch_tui" and _layer(target) > _layer(mod)
    ]
    assert not bad, "imports pointing up a layer:\n" + "\n".join(bad)


def test_no_private_names_across_modules() -> None:
    bad = [
        f"{mod} imports {target}.{name}"
        for mod, targets in _imports().items()
        for target, name in targets
        if name and name.startswith("_") and not name.startswith("__") and target != mod
    ]
    assert not bad, "private names imported:\n" + "\n".join(bad)


def test_no_import_cycles() -> None:
    edges = {m: {t for t, _ in ts if t != m} for m, ts in _imports().items()}
    # a package's __init__ re-exporting its modules is not a cycle with them
    for m in edges:
        edges[m] = {t for t in edges[m] if not (m.startswith(t + ".") and t in edges)}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                cycles.append(sorted(comp))

    for v in list(edges):
        if v not in index:
            visit(v)
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)
