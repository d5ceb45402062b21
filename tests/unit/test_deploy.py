"""The files in deploy/ name real `pokjanal` commands: a typo would show only on the server."""

from __future__ import annotations

import configparser
import shlex
from pathlib import Path
from typing import Any

import pytest
import typer

from bot.cli import app

DEPLOY = Path(__file__).parent.parent.parent / "deploy"


def _parses(args: list[str]) -> None:
    """Resolve the subcommand and parse its options exactly as the real command line would
    (an unknown option or a missing argument raises), without running it."""
    command: Any = typer.main.get_command(app)
    name, words = "pokjanal", list(args)
    while hasattr(command, "commands"):  # a group: the next word names its subcommand
        name, words = words[0], words[1:]
        if name not in command.commands:
            raise LookupError(f"pokjanal has no command {name!r}")
        command = command.commands[name]
    command.make_context(name, words)


def _pokjanal_args(line: str) -> list[str]:
    words = shlex.split(line)
    index = next(i for i, word in enumerate(words) if Path(word).name == "pokjanal")
    return words[index + 1 :]


def test_the_unit_runs_a_real_pokjanal_command() -> None:
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read(DEPLOY / "pokjanal.service")
    args = _pokjanal_args(unit["Service"]["ExecStart"])
    assert args[0] == "run", args
    _parses(args)
    assert unit["Service"]["EnvironmentFile"].endswith("pokjanal.env")
    assert (DEPLOY / "pokjanal.env.example").is_file()


def test_the_cron_lines_run_real_pokjanal_commands() -> None:
    lines = [
        line
        for line in (DEPLOY / "pokjanal-backup.cron").read_text().splitlines()
        if line.strip() and not line.startswith("#") and "=" not in line.split()[0]
    ]
    commands = []
    for line in lines:
        command = " ".join(line.split()[6:])  # minute hour day month weekday user command
        args = _pokjanal_args(command.split(";")[-1].replace("\\%", "%"))
        _parses(args)
        commands.append(args[:2])
    assert commands == [["backup", commands[0][1]], ["privacy", "purge"]], commands


def test_the_check_catches_a_wrong_command() -> None:
    with pytest.raises(Exception, match="No such option"):
        _parses(["run", "--webhok"])
    with pytest.raises(LookupError):
        _parses(["rn"])
    with pytest.raises(Exception, match="Missing"):
        _parses(["backup"])


def test_the_env_example_names_only_real_settings() -> None:
    from bot.settings import Settings

    known = {f"POKJANAL_{name.upper()}" for name in Settings.model_fields}
    names = [
        line.split("=", 1)[0].lstrip("# ").strip()
        for line in (DEPLOY / "pokjanal.env.example").read_text().splitlines()
        if "=" in line and line.lstrip("# ").startswith("POKJANAL_")
    ]
    assert names and set(names) <= known, set(names) - known
