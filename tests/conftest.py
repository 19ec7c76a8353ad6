"""Shared fixtures. Server-backed tests run only where the server is configured, and under CI=true
a configured-but-unreachable server is a failure, never a skip."""
import os
from datetime import date

import pytest

ROOT = __import__("pathlib").Path(__file__).resolve().parent.parent
GAZETTES = ROOT / "fixtures" / "gazettes"


@pytest.fixture
def as_of() -> date:
    return date(2023, 6, 15)


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"
