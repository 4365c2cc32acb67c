"""`frontline` starts cheaply: the root command imports only Typer, each sub-command its own module when it runs
(mail-gate runs once per message). Timings are in benchmarks/footprint.py; here, what is (not) imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from frontline.cli.main import LAZY, app, load
from tests.jobs.support import REPO

HEAVY = ("sqlalchemy", "pydantic", "pydantic_settings", "rich", "numpy", "pandas", "sklearn", "ortools",
         "statsforecast", "scipy", "fastapi", "jinja2", "psycopg", "holidays")


def _loaded_after(code: str) -> set[str]:
    """Top-level module names (and frontline modules) in sys.modules after running `code` in a fresh process."""
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(REPO)}).stdout
    names = json.loads(out.splitlines()[-1])
    return {n.split(".")[0] for n in names} | {n for n in names if n.startswith("frontline.")}


def test_the_root_command_and_its_help_import_no_sub_command() -> None:
    loaded = _loaded_after("from frontline.cli.main import app\n"
                           "try:\n    app(['--help'])\nexcept SystemExit:\n    pass")
    assert not loaded & (set(HEAVY) - {"rich"}), sorted(loaded & set(HEAVY))  # Typer renders help with rich
    assert not {"frontline.cli.plan", "frontline.cli.mail", "frontline.cli.routing", "frontline.cli.worker",
                "frontline.kit.settings", "frontline.workforce"} & loaded


def test_the_mail_gate_command_loads_without_rich_or_the_planner() -> None:
    loaded = _loaded_after("from frontline.cli.main import load\nload('mail-gate')")
    assert not loaded & {"rich", "numpy", "pandas", "sqlalchemy", "frontline.cli.plan", "frontline.workforce"}


@pytest.mark.parametrize("name", sorted(LAZY))
def test_the_listed_help_is_the_commands_own(name: str) -> None:
    command = load(name)
    assert command.help is not None
    assert " ".join(command.help.split("\n\n")[0].split()) == LAZY[name][1]


def test_a_lazy_command_runs_and_an_unknown_one_is_a_usage_error() -> None:
    runner = CliRunner()
    listed = runner.invoke(app, ["--help"])
    assert listed.exit_code == 0 and all(name in listed.output for name in LAZY)
    shown = runner.invoke(app, ["plan", "--help"])
    assert shown.exit_code == 0 and "forecast" in shown.output
    assert runner.invoke(app, ["no-such-command"]).exit_code == 2
