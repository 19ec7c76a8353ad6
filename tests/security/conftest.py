"""Fixtures of the security suite: the two-department world and logged-in clients."""
from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.security.world import World, build_world


@pytest.fixture
def world(settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path
    return build_world(media_root=tmp_path)


def logged_in(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client
