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


# Each table's ids start at its own offset (1,000,001, 2,000,001, …): a test that mixes up a membership id
# and a department id, or an assignment id and a task id, then fails instead of passing by coincidence.
ID_OFFSET_STEP = 1_000_000


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):  # noqa: F811 - extends pytest-django's fixture
    from django.apps import apps
    from django.db import connection

    with django_db_blocker.unblock():
        models = [m for m in apps.get_models() if m._meta.app_label in ("tracker", "auth", "simple_history")
                  and m._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")]
        with connection.cursor() as cursor:
            for index, model in enumerate(sorted(models, key=lambda m: m._meta.db_table), 1):
                table, start = model._meta.db_table, index * ID_OFFSET_STEP
                if connection.vendor == "sqlite":
                    cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                    cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, start])
                elif connection.vendor == "postgresql":
                    column = model._meta.pk.column
                    cursor.execute("SELECT setval(pg_get_serial_sequence(%s, %s), %s, false)",
                                   [table, column, start + 1])
