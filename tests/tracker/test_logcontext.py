"""Structured logs: JSON lines with the request (id, user, path) or the Celery task they were written in."""
from __future__ import annotations

import io
import json
import logging
import os
import re
import subprocess
import sys
from logging.config import DictConfigurator
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from config.celery import app as celery_app
from tests.tracker.workflow import PASSWORD, office_user
from tracker.logcontext import ContextFilter

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_lines():
    """Attach the production JSON handler (formatter and filter from settings.LOGGING) to a logger."""
    attached = []
    buffer = io.StringIO()

    def capture(name: str) -> io.StringIO:
        handler = logging.StreamHandler(buffer)
        handler.setFormatter(DictConfigurator({}).configure_formatter(dict(django_settings.LOGGING["formatters"]["json"])))
        handler.addFilter(ContextFilter())
        logger = logging.getLogger(name)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        attached.append((logger, handler))
        return buffer

    yield capture
    for logger, handler in attached:
        logger.removeHandler(handler)
        logger.setLevel(logging.NOTSET)


def parse(buffer: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in buffer.getvalue().splitlines()]


@pytest.mark.django_db
def test_request_line_names_request_id_user_path_and_status(settings, json_lines):
    settings.LOG_REQUESTS = True
    office_user(username="office")
    client = Client()
    client.login(username="office", password=PASSWORD)
    buffer = json_lines("tracker.request")
    response = client.get("/portal/", HTTP_X_REQUEST_ID="0f1e2d3c4b5a69788796a5b4c3d2e1f0")
    (line,) = parse(buffer)
    assert response["X-Request-ID"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
    assert {k: line[k] for k in ("level", "logger", "request_id", "user", "path", "method", "status")} == {
        "level": "INFO", "logger": "tracker.request", "request_id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        "user": "office", "path": "/portal/", "method": "GET", "status": 200}
    assert isinstance(line["duration_ms"], int) and line["message"] == "GET /portal/ 200"


@pytest.mark.django_db
def test_a_request_without_a_usable_id_gets_a_fresh_one_and_no_line_unless_asked(json_lines):
    buffer = json_lines("tracker.request")
    response = Client().get("/portal/login/", HTTP_X_REQUEST_ID="bad id\r\nX-Injected: 1")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert parse(buffer) == []  # DJANGO_LOG_REQUESTS is off by default


@celery_app.task(name="tests.log_probe")
def log_probe() -> None:
    logging.getLogger("tracker.probe").info("inside a task")


def test_lines_written_inside_a_celery_task_name_the_task(json_lines):
    buffer = json_lines("tracker.probe")
    result = log_probe.apply()
    (line,) = parse(buffer)
    assert line["task"] == "tests.log_probe" and line["task_id"] == result.id
    assert "request_id" not in line


def test_json_format_writes_one_object_per_line_on_stdout_in_local_time():
    script = "import django, logging; django.setup(); logging.getLogger('tracker.x').warning('提醒 %s 条', 3)"
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DJANGO_LOG_FORMAT": "json"},
    )
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert {k: line[k] for k in ("level", "logger", "message")} == {"level": "WARNING", "logger": "tracker.x",
                                                                     "message": "提醒 3 条"}
    assert "提醒 3 条" in result.stdout  # not \u-escaped
    assert line["time"].endswith("+0800")  # Asia/Shanghai, with its offset
    assert result.stderr == ""
