"""Imports go one way: pages → mmplay.ui → mmplay.labs → core. Streamlit only in mmplay/ui; labs draw no figures.

The checker reads ``import a.b.c``, ``from a.b import c`` (both ``a.b`` and ``a.b.c``), relative imports
resolved against the file's package, and ``importlib.import_module("...")`` with a literal name.
"""

import ast
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MMPLAY = ROOT / "mmplay"
NOT_CORE = {"labs", "ui", "cli.py", "__main__.py"}  # first path part under mmplay/


def resolve(name: str, level: int, package: str) -> str:
    """The absolute module of ``from {'.' * level}{name} import …`` inside ``package`` (``name`` may be '')."""
    if level == 0:
        return name
    parts = package.split(".") if package else []
    if level > len(parts):
        raise ValueError(f"relative import beyond the top-level package: level {level} in {package!r}")
    base = parts[: len(parts) - level + 1]
    return ".".join([*base, name] if name else base)


def _literal(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _import_module_target(call: ast.Call, package: str) -> str | None:
    """The module named by ``importlib.import_module("x"[, package])`` or ``import_module(...)``, if literal."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else None
    if name != "import_module" or not call.args or (target := _literal(call.args[0])) is None:
        return None
    anchor = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "package"), None)
    level = len(target) - len(target.lstrip("."))
    return resolve(target[level:], level, _literal(anchor) or package)


def _node_imports(node: ast.AST, package: str) -> Iterator[str]:
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names)
    elif isinstance(node, ast.ImportFrom):
        module = resolve(node.module or "", node.level, package)
        yield module
        yield from (f"{module}.{alias.name}" for alias in node.names if alias.name != "*")
    elif isinstance(node, ast.Call) and (target := _import_module_target(node, package)):
        yield target


def imported_modules(source: str, package: str = "") -> set[str]:
    """Every absolute dotted name the source imports (``from a import b`` gives ``a`` and ``a.b``)."""
    return {name for node in ast.walk(ast.parse(source)) for name in _node_imports(node, package)}


def package_of(path: Path) -> str:
    """``__package__`` of the file: ``mmplay/labs/x.py`` and ``mmplay/labs/__init__.py`` → ``mmplay.labs``."""
    return ".".join(path.relative_to(ROOT).parent.parts)


def file_imports(path: Path) -> set[str]:
    return imported_modules(path.read_text(encoding="utf-8"), package_of(path))


def imports_any(names: Iterable[str], prefixes: Iterable[str]) -> bool:
    """Whether a name is one of ``prefixes`` or a submodule/attribute of one."""
    return any(n == p or n.startswith(p + ".") for n in names for p in prefixes)


def offenders(paths: Iterable[Path], forbidden: Iterable[str]) -> list[str]:
    forbidden = tuple(forbidden)
    return sorted(str(p.relative_to(ROOT)) for p in paths if imports_any(file_imports(p), forbidden))


def under(*parts: str) -> list[Path]:
    return sorted((MMPLAY.joinpath(*parts)).rglob("*.py"))


def core_files() -> list[Path]:
    return [p for p in under() if p.relative_to(MMPLAY).parts[0] not in NOT_CORE]


def test_core_never_imports_streamlit():
    assert offenders([p for p in under() if p.relative_to(MMPLAY).parts[0] != "ui"], ["streamlit"]) == []


def test_pages_import_no_torch_numpy_math():
    pages = [*(ROOT / "app_pages").glob("*.py"), ROOT / "app.py"]
    assert offenders(pages, ["torch", "numpy", "scipy", "sklearn"]) == []


def test_core_does_not_import_ui():
    assert offenders([p for p in under() if p.relative_to(MMPLAY).parts[0] != "ui"], ["mmplay.ui"]) == []


def test_labs_do_not_import_viz():
    assert offenders(under("labs"), ["mmplay.viz"]) == []


def test_core_does_not_import_labs():
    assert offenders(core_files(), ["mmplay.labs"]) == []


def test_core_excludes_labs_ui_and_the_cli():
    parts = {p.relative_to(MMPLAY).parts[0] for p in core_files()}
    assert parts.isdisjoint(NOT_CORE) and {"experts.py", "viz", "robust"} <= parts


def test_the_checker_sees_plain_and_from_imports():
    names = imported_modules("from streamlit import session_state\nimport torch.nn\n")
    assert {"streamlit", "streamlit.session_state", "torch.nn"} <= names


def test_the_checker_sees_dotted_imports():
    names = imported_modules("import mmplay.labs.synergy\nimport numpy as np, mmplay.viz.style as s\n")
    assert {"mmplay.labs.synergy", "numpy", "mmplay.viz.style"} <= names
    assert imports_any(names, ["mmplay.viz"]) and not imports_any(names, ["mmplay.ui"])


@pytest.mark.parametrize(
    ("source", "package", "expected"),
    [
        ("from . import x", "mmplay.labs", {"mmplay.labs", "mmplay.labs.x"}),
        ("from .x import y", "mmplay.labs", {"mmplay.labs.x", "mmplay.labs.x.y"}),
        ("from ..viz import style", "mmplay.labs", {"mmplay.viz", "mmplay.viz.style"}),
        ("from .. import labs", "mmplay.ui", {"mmplay", "mmplay.labs"}),
        ("from ...data import xor", "mmplay.robust.sub", {"mmplay.data", "mmplay.data.xor"}),
    ],
)
def test_the_checker_resolves_relative_imports(source, package, expected):
    assert imported_modules(source, package) == expected


def test_relative_import_beyond_the_top_package_is_an_error():
    with pytest.raises(ValueError, match="beyond the top-level package"):
        imported_modules("from ... import x", "mmplay.labs")


def test_the_checker_sees_literal_import_module_calls():
    source = (
        "import importlib\n"
        "from importlib import import_module\n"
        "importlib.import_module('mmplay.viz.experts')\n"
        "import_module('.gating', 'mmplay.labs')\n"
        "import_module('..ui.page', package='mmplay.labs')\n"
        "importlib.import_module('.synergy', __package__)\n"
        "importlib.import_module(f'mmplay.labs.{name}')\n"
    )
    names = imported_modules(source, "mmplay.robust")
    expected = {"importlib", "importlib.import_module", "mmplay.viz.experts", "mmplay.labs.gating"}
    assert names == expected | {"mmplay.ui.page", "mmplay.robust.synergy"}


def test_package_of_a_module_and_of_an_init():
    assert package_of(MMPLAY / "labs" / "experts.py") == "mmplay.labs"
    assert package_of(MMPLAY / "labs" / "__init__.py") == "mmplay.labs"
    assert package_of(ROOT / "app.py") == ""
