"""What `redline` imports at start: every command pays for the command modules, so they must
not pull in what only some commands need (the core, storage, Spark, Parquet, plotting...).

Each check runs in a fresh interpreter and looks at `sys.modules`: a behaviour check of what is
imported, not a timing.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from redline.cli import COMMAND_MODULES

ADAPTER_MODULES = (
    "redline.ledger",
    "redline.store",
    "redline.web",
    "redline.link_report",
    "redline.spark",
    "sqlalchemy",
    "alembic",
    "fastapi",
    "uvicorn",
    "cryptography",
    "nacl",
    "pyspark",
    "pandas",
    "sklearn",
    "matplotlib",
    "networkx",
)
"""Modules of other command families and their extras: no scan or explain needs one."""

CORE_MODULES = ("redline.pipeline", "redline.policy", "redline.run", "numpy", "pyarrow")
"""What screening needs, and only commands that screen should load."""


def _modules_after(code: str) -> set[str]:
    """The top-level and dotted names in `sys.modules` after running `code` in a new process."""
    probe = (
        f"import json, sys\n{code}\nsys.__stdout__.write('\\n' + json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def _loaded(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


def _main(*args: str) -> str:
    """Code that runs `redline ARGS` in-process (stdout and stderr not a terminal)."""
    return (
        "from redline.cli import main\n"
        f"sys.argv = ['redline', *{list(args)!r}]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass"
    )


def test_importing_the_app_registers_commands_without_their_dependencies() -> None:
    modules = _modules_after("from redline.cli import app")
    assert "redline.cli.ledger" in modules  # the probe really imported every command module
    assert _loaded(modules, ADAPTER_MODULES + CORE_MODULES) == []
    assert _loaded(modules, ("rich.console", "rich.progress", "rich.table")) == []


def test_help_loads_no_core() -> None:
    modules = _modules_after(_main("--help"))
    assert "redline.cli.screen" in modules
    assert _loaded(modules, ADAPTER_MODULES + CORE_MODULES) == []


def test_jsonl_scan_off_a_terminal_loads_no_adapter_parquet_or_progress_bar(
    tmp_path: Path, tiny_model_path: Path
) -> None:
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(json.dumps({"id": "1", "text": "hello"}) + "\n", encoding="utf-8")
    modules = _modules_after(
        _main("scan", str(source), "-o", str(output), "--model", str(tiny_model_path))
    )
    assert output.read_text(encoding="utf-8").count("\n") == 1  # the scan did run
    assert "redline.run.scan" in modules
    assert _loaded(modules, (*ADAPTER_MODULES, "pyarrow", "rich.progress", "rich.table")) == []
    assert _loaded(modules, ("rich.console",)) == []  # the summary goes to stderr as plain text
    others = {f"redline.cli.{m}" for m in COMMAND_MODULES.values()} - {"redline.cli.screen"}
    assert sorted(others & modules) == []  # only the scan's own command module


def test_command_modules_name_every_command_and_only_their_own() -> None:
    """`main` imports one module by the command's name: the table must match what each module
    registers, or a command would be missing (or run without its siblings) at its own start."""
    probe = (
        "from importlib import import_module\n"
        "import typer.main\n"
        "from redline.cli import COMMAND_MODULES\n"
        "from redline.cli.root import app\n"
        "found = {}\n"
        "for module in sorted(set(COMMAND_MODULES.values())):\n"
        "    before = set(typer.main.get_command(app).commands)\n"
        "    import_module(f'redline.cli.{module}')\n"
        "    found[module] = sorted(set(typer.main.get_command(app).commands) - before)\n"
        "print(json.dumps(found))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", f"import json\n{probe}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    found = json.loads(done.stdout.splitlines()[-1])
    expected: dict[str, list[str]] = {}
    for command, module in COMMAND_MODULES.items():
        expected.setdefault(module, []).append(command)
    assert found == {module: sorted(commands) for module, commands in expected.items()}


@pytest.mark.parametrize("command", sorted(COMMAND_MODULES))
def test_each_command_runs_registered_alone(command: str) -> None:
    """With only its own module imported, a command still parses as a subcommand (typer runs
    a lone command without its name unless the app is a group)."""
    done = subprocess.run(
        [sys.executable, "-m", "redline.cli", command, "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert f" redline.cli {command} [OPTIONS]" in " ".join(done.stdout.split())
