"""Organisation logins turned on per test through the settings their env vars set."""
from __future__ import annotations

import pytest

from tests.factories import DepartmentFactory
from tracker.models import DepartmentAlias

LOCAL = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture
def units(db):
    """Two units of the directory; the second is also known by an alias."""
    education = DepartmentFactory(name="市教育局", short_name="教育局")
    health = DepartmentFactory(name="市卫生健康委员会")
    DepartmentAlias.objects.create(department=health, alias="市卫健委")
    return education, health
