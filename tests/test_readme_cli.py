"""The README's command summary and the CLI agree: every command and option of the CLI is in the README's
"Command line" block, every option the block shows for a command exists, and every limit the README's
"Limits on work" table quotes is the one the code enforces."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer

from nuportal.budget import LIMITS
from nuportal.cli import app

README = Path(__file__).resolve().parents[1] / "README.md"


def _block() -> str:
    text = README.read_text()
    start = text.index("## Command line")
    return text[start: text.index("\n## ", start + 5)]


def _commands() -> dict[str, set[str]]:
    """'reach atm-upscatter' -> {'--experiment', ...} from the click tree of the app."""
    out = {}

    def walk(cmd, path):
        if hasattr(cmd, "commands"):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name])
            return
        out[" ".join(path)] = {o for p in cmd.params for o in getattr(p, "opts", []) if o.startswith("--")
                               and o != "--help"}

    walk(typer.main.get_command(app), [])
    return out


def _sections() -> dict[str, str]:
    """The README lines of each command: from 'nuportal <command>' to the next 'nuportal ' line."""
    lines = _block().splitlines()
    names = sorted(_commands(), key=len, reverse=True)
    out: dict[str, str] = {}
    current = None
    for line in lines:
        m = re.match(r"\s*nuportal (.*)", line)
        if m:
            current = next((n for n in names if m.group(1).startswith(n + " ") or m.group(1) == n), None)
        if current:
            out[current] = out.get(current, "") + line + "\n"
    return out


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_cli_option_is_in_the_readme(command):
    sections = _sections()
    assert command in sections, f"'nuportal {command}' is missing from the README's Command line block"
    text = sections[command]
    missing = {o for o in _commands()[command] if not re.search(re.escape(o) + r"(?![\w-])", text)}
    assert not missing, f"README lacks {sorted(missing)} for 'nuportal {command}'"


@pytest.mark.parametrize("command", sorted(_commands()))
def test_every_readme_option_exists(command):
    text = _sections().get(command, "")
    shown = set(re.findall(r"(?<![\w-])--[a-z][a-z0-9-]*", text))
    unknown = shown - _commands()[command] - {"--help", "--version", "--verbose", "--allow-large"}
    assert not unknown, f"README shows {sorted(unknown)} for 'nuportal {command}', which it does not take"


def test_readme_work_limits_match_the_code():
    text = README.read_text()
    table = text[text.index("### Limits on work"):]
    for kind, lim in LIMITS.items():
        row = re.search(rf"\| `{kind}` \| ([^|]+) \|", table)
        assert row, f"limit {kind} is missing from the README table"
        assert float(row.group(1).replace(",", "")) == lim.limit, kind
