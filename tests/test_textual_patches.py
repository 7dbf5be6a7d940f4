"""Only tui/textual_patches/ reaches into Textual's private names.

Outside that package, tui/ neither imports a private Textual module
(`textual._x`, `textual.widgets._footer`) nor uses, by attribute or by
defining it in a class, a private name that Textual's own classes define
(`_display`, `_bindings_ready`, `_parse_rules`...). A new reach fails here
and belongs in tui/textual_patches/, with its test, figure and upstream text.
"""
from __future__ import annotations

import ast
from pathlib import Path

import textual.app
import textual.css.stylesheet
import textual.dom
import textual.screen
import textual.widget
import textual.widgets

TUI = Path(__file__).resolve().parent.parent / "tui"
PATCHES = TUI / "textual_patches"


def textual_private_names() -> set[str]:
    classes = [textual.app.App, textual.screen.Screen, textual.widget.Widget, textual.dom.DOMNode,
               textual.css.stylesheet.Stylesheet]
    classes += [getattr(textual.widgets, name) for name in textual.widgets.__all__]  # lazily loaded
    names = set()
    for cls in classes:
        for klass in cls.__mro__:
            if klass.__module__.startswith("textual."):
                names.update(n for n in vars(klass) if n.startswith("_") and not n.startswith("__"))
    return names


def reaches(path: Path, private: set[str]) -> list[str]:
    """Private Textual modules imported, and Textual's private names used
    (an attribute the file does not define itself, or a method of that name
    in a class of a file that uses Textual: an override)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    own = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))}
    own |= {t.attr for n in ast.walk(tree) if isinstance(n, (ast.Assign, ast.AnnAssign))
            for t in (n.targets if isinstance(n, ast.Assign) else [n.target]) if isinstance(t, ast.Attribute)}
    # textual_serve is another package (the browser door's server): its names are not Textual's.
    modules = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    modules += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    uses_textual = any(m == "textual" or m.startswith("textual.") for m in modules)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("textual"):
            if any(part.startswith("_") for part in node.module.split(".")):
                found.append(f"{node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Import):
            found += [f"{node.lineno}: import {a.name}" for a in node.names
                      if a.name.startswith("textual") and any(p.startswith("_") for p in a.name.split("."))]
        elif isinstance(node, ast.Attribute) and uses_textual and node.attr in private and node.attr not in own:
            found.append(f"{node.lineno}: .{node.attr}")
        elif isinstance(node, ast.ClassDef) and uses_textual:
            found += [f"{m.lineno}: def {node.name}.{m.name}" for m in node.body
                      if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef)) and m.name in private]
    return found


def test_no_private_textual_names_outside_textual_patches():
    private = textual_private_names()
    assert {"_display", "_bindings_ready", "_parse_rules"} <= private  # the scan sees what the patches use
    found = {}
    for path in sorted(TUI.rglob("*.py")):
        if PATCHES in path.parents:
            continue
        hits = reaches(path, private)
        if hits:
            found[str(path.relative_to(TUI.parent))] = hits
    assert found == {}


def test_the_scan_finds_a_reach(tmp_path):
    sample = tmp_path / "reach.py"
    sample.write_text(
        "from textual.app import App\nfrom textual.widgets._footer import FooterKey\n\n"
        "class Mine(App):\n    def _end_batch(self):\n        self._display(None, None)\n"
    )
    assert len(reaches(sample, textual_private_names())) == 3
