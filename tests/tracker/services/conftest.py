"""The people most service tests act as: the office and two units (tests/tracker/workflow.py makes them)."""
from __future__ import annotations

import pytest

from tests.tracker.workflow import department_user, office_user


@pytest.fixture
def office():
    return office_user()


@pytest.fixture
def unit_a():
    return department_user(username="unit_a", department_name="市住房和城乡建设局")


@pytest.fixture
def unit_b():
    return department_user(username="unit_b", department_name="市自然资源局")
