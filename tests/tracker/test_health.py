"""/healthz: 200 with {"database", "broker"} when both work, 503 naming the part that does not."""
from __future__ import annotations

import os

import pytest
from django.db import OperationalError, connection
from django.test import Client

from tests.conftest import in_ci

pytestmark = pytest.mark.django_db


def test_healthy_with_in_process_tasks():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "eager"}
    assert response["Cache-Control"] == "no-store"


def test_probes_by_ip_over_http_are_answered_despite_host_check_and_https_redirect(settings):
    settings.ALLOWED_HOSTS = ["duban.example.gov.cn"]
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/healthz", HTTP_HOST="10.0.0.5:8000")
    assert response.status_code == 200 and response.json()["database"] == "ok"
    assert Client().get("/portal/login/", HTTP_HOST="10.0.0.5:8000").status_code == 400  # the rest is still guarded


def test_broker_reachable(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "memory://"
    assert Client().get("/healthz").json() == {"database": "ok", "broker": "ok"}


def test_broker_unreachable_is_503(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "error"}


def test_database_unreachable_is_503_without_details(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("could not connect to server: Connection refused (password=secret)")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "error", "broker": "eager"}
    assert b"secret" not in response.content and b"refused" not in response.content


def test_only_get_and_head_are_health_checks():
    assert Client().head("/healthz").status_code == 200
    assert Client().post("/healthz").status_code == 404


@pytest.mark.redis
def test_real_redis_broker(settings):
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL not set")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = url
    report = Client().get("/healthz").json()
    if report["broker"] != "ok" and not in_ci():
        pytest.skip(f"Redis unreachable at {url}")
    assert report == {"database": "ok", "broker": "ok"}
