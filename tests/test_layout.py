"""The architecture the README's Layout section draws holds: Streamlit only in
``landmap.app``, pages on the public API, no import cycles between modules."""

import ast
import subprocess
import sys

import landmap
from tests.conftest import ROOT

SRC = ROOT / "src" / "landmap"


def _module_name(path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _top_level_imports(path) -> set[str]:
    """Modules imported when ``path`` is imported (not those imported inside functions)."""
    found = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{a.name}" for a in node.names}
    return found


def test_no_import_cycles_between_landmap_modules():
    modules = {_module_name(p): p for p in SRC.rglob("*.py")}
    graph = {name: {m for m in _top_level_imports(path) if m in modules and m != name}
             for name, path in modules.items()}
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for nxt in sorted(graph[name]):
            if state.get(nxt) == "open":
                raise AssertionError("import cycle: " + " -> ".join([*trail, name, nxt]))
            if nxt not in state:
                visit(nxt, [*trail, name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])
    assert "landmap.survey" not in graph["landmap.effort"]


def test_only_the_app_package_imports_streamlit():
    offenders = [str(p.relative_to(SRC)) for p in SRC.rglob("*.py")
                 if "app" not in p.relative_to(SRC).parts[:1]
                 and any(m.split(".")[0] in ("streamlit", "streamlit_folium")
                         for m in _top_level_imports(p))]
    assert offenders == []


def test_the_public_api_and_every_analysis_load_without_streamlit():
    names = ", ".join(repr(n) for n in landmap.__all__)
    code = ("import sys, landmap\n"
            f"for name in [{names}]: getattr(landmap, name)\n"
            "import landmap.cli, landmap.bench, landmap.demo, landmap.io.postgis\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] == 'streamlit'))")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert run.stdout.strip() == "[]"


def test_pages_use_the_app_package_and_the_public_api_only():
    allowed = {"landmap", "landmap.io", "landmap.maps"}
    wrong = []
    for path in [*ROOT.glob("pages/*.py"), ROOT / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            modules = ([node.module] if isinstance(node, ast.ImportFrom) else
                       [a.name for a in node.names] if isinstance(node, ast.Import) else [])
            wrong += [f"{path.name}: {m}" for m in modules if m and m.startswith("landmap")
                      and m not in allowed and not m.startswith("landmap.app")]
    assert wrong == []


def test_public_names_resolve_and_unknown_ones_are_named():
    assert landmap.home_ranges.__module__ == "landmap.home_range"
    assert landmap.load_survey.__module__ == "landmap.io.sources"
    assert "summarise" in dir(landmap)
    try:
        landmap.home_range_maps  # noqa: B018
    except AttributeError as error:
        assert "module 'landmap' has no attribute 'home_range_maps'" in str(error)
    else:
        raise AssertionError("an unknown name must raise AttributeError")
