"""The web layer (okrs/web) sits on top: no module under okrs/ outside it imports from
`okrs.web`, so services, forms, selectors, tasks and the API work without the pages. What both
sides use lives beside the apps (`okrs.messages`, `okrs.labels`). The exceptions listed here are
pages themselves, each with why."""

from __future__ import annotations

import ast
from pathlib import Path

import okrs

ROOT = Path(okrs.__file__).parent
WEB = "okrs.web"

ALLOWED = {
    # allauth's URLs send logging in, out and the password pages to okrs.web's own views, so
    # there is one page for each
    "accounts/allauth_urls.py": "allauth's login, logout and password URLs are okrs.web's views",
    # the pages' CSV downloads read the `on` day of a page's link as the pages do
    "exports/views.py": "a page's CSV download parses the page's `on` day",
}


def _web_imports(path: Path) -> list[str]:
    """Where `path` imports `okrs.web` or a module under it, as `line: module`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
            if node.module == "okrs":  # from okrs import web
                names = [f"okrs.{alias.name}" for alias in node.names]
        else:
            continue
        found += [f"{node.lineno}: {n}" for n in names if n == WEB or n.startswith(WEB + ".")]
    return found


def test_no_module_outside_the_web_layer_imports_it() -> None:
    found = {}
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith("web/") or relative in ALLOWED:
            continue
        if imports := _web_imports(path):
            found[relative] = imports
    assert found == {}, f"imports of the web layer (move what they need out of okrs/web): {found}"


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    assert _web_imports(ROOT / "exports" / "views.py")  # the listed places still import it
    probe = tmp_path / "probe.py"
    probe.write_text("import okrs.web.words\nfrom okrs import web\nfrom okrs.webhooks import x\n")
    assert _web_imports(probe) == ["1: okrs.web.words", "2: okrs.web"]
