"""Imports go one way: pages → mmplay.ui → mmplay.labs → core. Streamlit only in mmplay/ui."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module if node.module.startswith("mmplay") else node.module.split(".")[0])
    return names


def test_core_never_imports_streamlit():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "mmplay").rglob("*.py")
        if "ui" not in p.relative_to(ROOT / "mmplay").parts[:1] and "streamlit" in imported_modules(p)
    ]
    assert offenders == []


def test_pages_import_no_torch_numpy_math():
    offenders = [
        str(p.relative_to(ROOT))
        for p in [*(ROOT / "app_pages").glob("*.py"), ROOT / "app.py"]
        if imported_modules(p) & {"torch", "numpy", "scipy", "sklearn"}
    ]
    assert offenders == []


def test_core_does_not_import_ui():
    offenders = [
        str(p.relative_to(ROOT))
        for p in (ROOT / "mmplay").rglob("*.py")
        if p.relative_to(ROOT / "mmplay").parts[0] not in ("ui",)
        and any(m.startswith("mmplay.ui") for m in imported_modules(p))
    ]
    assert offenders == []


def test_the_checker_sees_a_streamlit_import(tmp_path):
    sample = tmp_path / "bad.py"
    sample.write_text("from streamlit import session_state\nimport torch.nn\n")
    assert {"streamlit", "torch"} <= imported_modules(sample)
