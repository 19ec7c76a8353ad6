"""The demo (`make run`: ingest the sample gazettes, then demo_setup) walked as each of its accounts: every page
each role reaches is free of raw codes, `None` and UTC timestamps (tests/tracker/test_portal_forms.py's scan), and
every form on them works as rendered, on the data a new user first sees."""
from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

from tests.tracker.test_portal_forms import _check_every_form, _walk, page_problems

pytestmark = pytest.mark.django_db
GAZETTES = sorted(str(p) for p in (Path(__file__).resolve().parents[2] / "fixtures" / "gazettes").glob("*.txt"))


@pytest.fixture
def demo() -> dict[str, Client]:
    call_command("ingest", *GAZETTES, verbosity=0)
    call_command("demo_setup", verbosity=0)
    clients = {}
    for user in get_user_model().objects.filter(groups__name__in=["督查室", "领导", "承办单位"]).distinct():
        role = user.groups.values_list("name", flat=True).first()
        if role not in clients:
            client = Client()
            client.force_login(user)
            clients[role] = client
    return clients


def test_the_demo_reads_in_chinese_and_its_forms_work(demo: dict[str, Client]) -> None:
    assert set(demo) == {"督查室", "领导", "承办单位"}
    problems = []
    for role, client in demo.items():
        # The gazettes themselves hold English (CPI, WiFi, e-mail addresses): codes, None and timestamps only.
        problems += [f"{role} {p}" for p in page_problems(client, english=False)]
        found = _walk(client, units=["市发展和改革委员会", "市财政局"])
        problems += [f"{role} {p}" for p in _check_every_form(client, found, warnings_ok=True)]
    assert not problems, "\n".join(problems)
