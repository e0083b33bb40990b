"""The wheel must contain every package: each directory of graphoid/ with Python files is listed
in pyproject.toml (graphoid.recheck was once missing, so `graphoid recheck` died when installed)."""
from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _listed() -> set[str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return set(data["tool"]["setuptools"]["packages"])


def test_every_package_directory_is_in_pyproject():
    found = set()
    for init in (ROOT / "graphoid").rglob("*.py"):
        if "__pycache__" in init.parts:
            continue
        rel = init.parent.relative_to(ROOT)
        found.add(".".join(rel.parts))
    missing = sorted(found - _listed())
    assert not missing, "add to [tool.setuptools] packages in pyproject.toml: %s" % missing
    assert "graphoid.grammar" in _listed()


def test_every_package_directory_has_an_init():
    # setuptools does not ship a directory without __init__.py when packages are listed
    for d in (ROOT / "graphoid").rglob("*"):
        if d.is_dir() and d.name != "__pycache__" and any(d.glob("*.py")):
            assert (d / "__init__.py").exists(), d
