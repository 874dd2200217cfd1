"""The core imports nothing from the adapters: screening stays a pure engine that any worker,
service or notebook can call without storage, a web stack or a CLI.

Read from the source with `ast`, so an import inside a function (a lazy one) counts too: it is
a dependency all the same, only deferred.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import redline

SOURCE = Path(redline.__file__).parent

CORE = ("types", "normalize", "recognizers", "policy", "pipeline", "link")
"""The core as the brief names it; what it imports from redline is checked too (below)."""

ADAPTERS = ("redline.store", "redline.run", "redline.web", "redline.cli")
EXTRAS = ("sqlalchemy", "alembic", "fastapi", "starlette", "uvicorn", "pyspark", "playwright")
"""Adapters' heavy dependencies, behind extras: the core must not need them either."""


def _module_files(name: str) -> list[Path]:
    """The source files of `redline.<name>` (a module or a package)."""
    package = SOURCE / name
    return sorted(package.rglob("*.py")) if package.is_dir() else [SOURCE / f"{name}.py"]


def _module_name(path: Path) -> str:
    parts = path.relative_to(SOURCE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module the file at `path` imports, at any depth."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    return _imports_in(path.read_text(encoding="utf-8"), package)


def _imports_in(source: str, package: str) -> set[str]:
    """Every module `source` imports, relative imports resolved against `package`."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, module] if module else base)
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def _core_closure() -> dict[str, set[str]]:
    """Each source file the core reaches through redline imports, with what it imports."""
    pending = [path for name in CORE for path in _module_files(name)]
    seen: dict[str, set[str]] = {}
    while pending:
        path = pending.pop()
        key = str(path.relative_to(SOURCE))
        if key in seen:
            continue
        seen[key] = imports = _imports(path)
        for module in imports:
            parts = module.split(".")
            if parts[0] != "redline" or len(parts) < 2 or _is_under(module, ADAPTERS):
                continue  # an adapter is reported where it is imported, not followed
            for depth in range(len(parts), 1, -1):
                candidate = SOURCE.joinpath(*parts[1:depth])
                if candidate.with_suffix(".py").is_file():
                    pending.append(candidate.with_suffix(".py"))
                    break
                if (candidate / "__init__.py").is_file():
                    pending.append(candidate / "__init__.py")
                    break
    return seen


def _is_under(module: str, roots: tuple[str, ...]) -> bool:
    return any(module == root or module.startswith(f"{root}.") for root in roots)


def test_the_core_reaches_every_core_module() -> None:
    closure = _core_closure()
    for name in CORE:
        for path in _module_files(name):
            assert str(path.relative_to(SOURCE)) in closure


@pytest.mark.parametrize("forbidden", [ADAPTERS, EXTRAS], ids=["adapters", "extras"])
def test_the_core_imports_no_adapter(forbidden: tuple[str, ...]) -> None:
    offending = sorted(
        f"{path} imports {module}"
        for path, imports in _core_closure().items()
        for module in imports
        if _is_under(module, forbidden)
    )
    assert offending == []


def test_the_scanner_finds_lazy_and_relative_imports() -> None:
    """The check above is only as good as `_imports_in`: it must see imports inside functions
    and resolve relative ones, or an adapter could slip into the core unseen."""
    source = (
        "def later():\n    from redline.store import engine\n"
        "from ..run import scan\nfrom . import rules\nimport sqlalchemy.orm\n"
    )
    imports = _imports_in(source, "redline.policy")
    assert {"redline.store.engine", "redline.run.scan", "redline.policy.rules"} <= imports
    assert _is_under("sqlalchemy.orm", EXTRAS)
    assert _is_under("redline.run.scan", ADAPTERS)
    assert not _is_under("redline.runner", ADAPTERS)
