"""Webhooks through real Celery workers on the real Redis: an action's delivery is sent by the worker after
commit, exactly once even when enqueued twice at the same moment to two worker processes, and a receiver that
fails twice is retried with growing delays until it answers. Same servers and policy as the reminder tests
(tests/tracker/test_reminders_celery.py): skipped without REDIS_URL, a failure under CI=true if unreachable."""
from __future__ import annotations

import json
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.api.webhook_receiver import Receiver
from tests.tracker.test_reminders_celery import (  # noqa: F401 - fixtures
    PYTHON,
    ROOT,
    Worker,
    _client,
    _django,
    _env,
    _settle,
    _wait_for,
    redis_url,
    worker_db,
)

pytestmark = pytest.mark.redis
SECRET = "celery-signing-secret-0123456789"

SEED = """
from datetime import date
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from tracker.models import (Assignment, Deadline, DeadlineOccurrence, Department, DepartmentMembership, Directive,
                            SourceFile, Task, WebhookEndpoint)
src = SourceFile.objects.create(name="seed.txt", sha256="1" * 64, size=1, encoding="utf-8", text="x")
directive = Directive.objects.create(source=src, doc_number="阳政办发〔2030〕1号", title="关于督办事项的通知",
                                     issuer="市政府办公室", line_start=1, line_end=2)
dept = Department.objects.create(name="市教育局")
user = get_user_model().objects.create_user(username="unit", password="x")
user.groups.add(Group.objects.get(name="承办单位"))
DepartmentMembership.objects.create(user=user, department=dept)
for i in range(N):
    task = Task.objects.create(directive=directive, ref=str(i), title=f"任务{i}", text="…", status="assigned",
                               assigned_at=timezone.now())
    part = Assignment.objects.create(task=task, department=dept, role="lead", status="assigned",
                                     assigned_at=timezone.now())
    deadline = Deadline.objects.create(task=task, text="x", due_on=date(2030, 6, 30))
    DeadlineOccurrence.objects.create(deadline=deadline, assignment=part, due_on=date(2030, 6, 30))
WebhookEndpoint.objects.create(name="OA", url="URL", secret="SECRET", events=["assignment.signed"])
"""

SIGN_ALL = """
from django.contrib.auth import get_user_model
from tracker.models import Assignment
from tracker.services.lifecycle_unit import assignment_sign
user = get_user_model().objects.get(username="unit")
for part in Assignment.objects.order_by("pk"):
    assignment_sign(assignment=part, actor=user)
"""


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver(secret=SECRET)
    yield r
    r.close()


def _seed(db_url: str, receiver: Receiver, tasks: int) -> None:
    _django(db_url, SEED.replace("URL", receiver.url).replace("SECRET", SECRET).replace("range(N)", f"range({tasks})"))


def _with_broker(db_url: str, redis: str, queue: str, code: str, **env: str) -> None:
    """Run code against the worker database with Celery on Redis (not in-process): enqueued for the workers."""
    done = subprocess.run([PYTHON, "-c", "import django\ndjango.setup()\n" + code], cwd=ROOT,
                          env={**_env(db_url, redis, queue), **env}, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]


def _rows(db_url: str) -> list[dict[str, object]]:
    out = _django(db_url, (
        "import json\nfrom tracker.models import WebhookDelivery\n"
        "print(json.dumps(list(WebhookDelivery.objects.order_by('pk').values('pk', 'status', 'attempts', "
        "'response_code', 'event_id'))))"))
    return json.loads(out.strip().splitlines()[-1])


def test_actions_are_delivered_by_the_worker_once_each_even_when_enqueued_twice(
    redis_url: str, worker_db: str, receiver: Receiver, tmp_path: Path  # noqa: F811
) -> None:
    _seed(worker_db, receiver, tasks=6)
    queue = f"it-{uuid.uuid4().hex[:8]}"
    worker = Worker(worker_db, redis_url, queue, tmp_path / "worker.log")
    client = _client(redis_url, queue)
    try:
        _with_broker(worker_db, redis_url, queue, SIGN_ALL)  # six signs: six rows, each enqueued after commit
        _wait_for(lambda: receiver.count() >= 6, 90, "the deliveries")
        for row in _rows(worker_db):  # every row enqueued twice more, at once: the claim lets one through
            for _ in range(2):
                client.send_task("tracker.tasks.webhook_deliver", args=[row["pk"]])
        _settle(receiver, 4.0)
    finally:
        worker.stop()
        client.close()
    assert receiver.count() == 6
    ids = [r.json["id"] for r in receiver.received]
    assert len(set(ids)) == 6 and all(r.signature_ok for r in receiver.received)
    assert {r.headers["X-Duban-Event"] for r in receiver.received} == {"assignment.signed"}
    rows = _rows(worker_db)
    assert [(r["status"], r["attempts"], r["response_code"]) for r in rows] == [("sent", 1, 200)] * 6
    assert sorted(ids) == sorted(r["event_id"] for r in rows)


def test_a_receiver_failing_twice_is_retried_with_backoff_until_it_answers(
    redis_url: str, worker_db: str, receiver: Receiver, tmp_path: Path, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    monkeypatch.setenv("WEBHOOK_RETRY_BASE_SECONDS", "1")  # the workers' environment (copied from ours)
    _seed(worker_db, receiver, tasks=1)
    receiver.fail_first = 2
    queue = f"it-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    worker = Worker(worker_db, redis_url, queue, log)
    try:
        _with_broker(worker_db, redis_url, queue, SIGN_ALL)
        _wait_for(lambda: receiver.count() >= 3, 90, "three attempts")
        _settle(receiver, 3.0)
    finally:
        worker.stop()
    assert receiver.count() == 3, log.read_text(errors="replace")[-3000:]
    first, second, third = (r.at for r in receiver.received)
    # WEBHOOK_RETRY_BASE_SECONDS=1 in the workers: 1 s, then 2 s (Celery's countdown is at least that)
    assert second - first >= 0.9 and third - second >= 1.9
    assert len({r.body for r in receiver.received}) == 1 and all(r.signature_ok for r in receiver.received)
    assert [(r["status"], r["attempts"], r["response_code"]) for r in _rows(worker_db)] == [("sent", 3, 200)]
