"""The deployment files under deploy/, read as the tools that use them would read them."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"


def env_lines(*, commented: bool = False) -> list[str]:
    """The KEY=value lines of deploy/tracker.env.example; with `commented`, also the "# KEY=value" examples."""
    lines = []
    for line in (DEPLOY / "tracker.env.example").read_text(encoding="utf-8").splitlines():
        if commented and re.match(r"# [A-Z][A-Z0-9_]*=", line):
            line = line[2:]
        if line.strip() and not line.startswith("#"):
            lines.append(line)
    return lines


def env_template(*, commented: bool = False) -> dict[str, str]:
    """The template as docker compose and systemd read it: KEY=value, one pair of quotes stripped."""
    values = {}
    for line in env_lines(commented=commented):
        key, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        values[key] = value
    return values


@pytest.fixture
def template() -> dict[str, str]:
    return env_template()
