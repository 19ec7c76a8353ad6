"""Real Celery workers on the real Redis: every notice is delivered exactly once.

The workers are separate processes, so they cannot see pytest-django's test database (in-memory on
SQLite, inside a rolled-back transaction otherwise). Each test therefore builds its own database the
workers can open: a fresh PostgreSQL database on the server of DATABASE_URL, or a SQLite file; it
is migrated and seeded by subprocesses and dropped afterwards. Deliveries are counted by a local
webhook receiver (an http.server thread on 127.0.0.1), one robot URL per department.

Policy: skipped without REDIS_URL; with REDIS_URL set and the server unreachable, a skip — except
under CI=true, where it fails.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
AS_OF = "2023-10-09"  # Monday, first working day after the 2023 国庆/中秋 holiday and the 调休 Saturday
DEPARTMENTS = 24

pytestmark = pytest.mark.redis


# ---------------------------------------------------------------- servers


@pytest.fixture(scope="module")
def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        pytest.skip("REDIS_URL not set")
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # connection refused, DNS, auth
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"REDIS_URL={url} is set under CI=true but the server is unreachable: {exc}")
        pytest.skip(f"Redis unreachable at {url}: {exc}")
    return url


@pytest.fixture
def worker_db(tmp_path: Path) -> Iterator[str]:
    """A database URL the worker processes can open, migrated; dropped afterwards."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        import psycopg

        parts = urlsplit(base)
        name = f"tracker_it_{uuid.uuid4().hex[:10]}"
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        url = urlunsplit(parts._replace(path=f"/{name}"))
        try:
            _manage(url, "migrate", "--noinput", "-v0")
            yield url
        finally:
            with psycopg.connect(admin_url, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        url = f"sqlite:///{tmp_path / 'worker.sqlite3'}"
        _manage(url, "migrate", "--noinput", "-v0")
        yield url


class Receiver:
    """Counts robot messages per URL path; can hold one request unanswered (to kill the worker then)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.hold_at: int | None = None
        self.holding = threading.Event()
        self.release = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                content = json.loads(body)["text"]["content"]
                with receiver.lock:
                    receiver.messages.append((self.path, content))
                    count = len(receiver.messages)
                if receiver.hold_at is not None and count == receiver.hold_at:
                    receiver.holding.set()
                    receiver.release.wait(60)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"errcode": 0, "errmsg": "ok"}')
                except OSError:
                    pass  # the worker was killed while waiting

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def count(self) -> int:
        with self.lock:
            return len(self.messages)

    def per_robot(self) -> Counter[str]:
        with self.lock:
            return Counter(path for path, _ in self.messages)

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


# ---------------------------------------------------------------- subprocess helpers


def _env(db_url: str, redis_url: str = "", queue: str = "celery") -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DATABASE_URL": db_url,
        "REDIS_URL": redis_url,
        "CELERY_BROKER_URL": redis_url or "memory://",
        "CELERY_TASK_ALWAYS_EAGER": "false" if redis_url else "true",
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "CELERY_VISIBILITY_TIMEOUT": "4",
        "CELERY_UNACKED_RESTORE_INTERVAL": "1",
        "CELERY_UNACKED_RESTORE_THROTTLE": "1",
        "REMINDER_SEND_WINDOW": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        "DJANGO_LOG_LEVEL": "WARNING",
    })
    return env


def _manage(db_url: str, *args: str) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=_env(db_url), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _django(db_url: str, code: str) -> str:
    """Run Python code with Django set up against the worker database; returns stdout."""
    script = "import django\ndjango.setup()\n" + code
    done = subprocess.run(
        [PYTHON, "-c", script], cwd=ROOT, env=_env(db_url), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


SEED = """
from datetime import date, timedelta
from django.utils import timezone
from tracker.models import Assignment, Deadline, DeadlineOccurrence, Department, Directive, SourceFile, Task
src = SourceFile.objects.create(name="seed.txt", sha256="0" * 64, size=1, encoding="utf-8", text="x")
directive = Directive.objects.create(source=src, doc_number="阳政办发〔2023〕9号", title="关于督办事项的通知",
                                     issuer="市政府办公室", line_start=1, line_end=2)
for i in range(N):
    dept = Department.objects.create(name=f"测试局{i:02d}", webhook_url=f"URL/robot/{i}", webhook_kind="wecom")
    # due today; overdue 3 working days (10-07 and 10-08 are 调休 working days, then 10-09)
    for j, due in enumerate((date(2023, 10, 9), date(2023, 9, 28))):
        task = Task.objects.create(directive=directive, ref=f"{i}.{j}", title=f"任务{i}-{j}", text="…",
                                   status="in_progress", assigned_at=timezone.now())
        part = Assignment.objects.create(task=task, department=dept, role="lead", status="in_progress",
                                         assigned_at=timezone.now(), signed_at=timezone.now(),
                                         first_report_at=timezone.now())
        deadline = Deadline.objects.create(task=task, text="x", due_on=due)
        DeadlineOccurrence.objects.create(deadline=deadline, assignment=part, due_on=due)
"""


def _seed(db_url: str, receiver: Receiver) -> None:
    _django(db_url, SEED.replace("URL", receiver.url).replace("range(N)", f"range({DEPARTMENTS})"))


def _statuses(db_url: str) -> dict[str, int]:
    out = _django(db_url, (
        "import json\nfrom django.db.models import Count\nfrom tracker.models import Reminder\n"
        "print(json.dumps(dict(Reminder.objects.values_list('status').annotate(n=Count('id')))))"
    ))
    return json.loads(out.strip().splitlines()[-1])


class Worker:
    def __init__(self, db_url: str, redis_url: str, queue: str, log: Path) -> None:
        self.log = log
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "config", "worker", "--concurrency=2", "-P", "prefork", "-Q", queue,
             "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "info", "-n", f"it-{queue}@%h"],
            cwd=ROOT, env=_env(db_url, redis_url, queue), stdout=log.open("ab"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while " ready." not in log.read_text(errors="replace"):
            assert self.proc.poll() is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "worker did not start"
            time.sleep(0.2)

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()


def _client(redis_url: str, queue: str):  # type: ignore[no-untyped-def]
    from celery import Celery

    app = Celery("probe", broker=redis_url, set_as_current=False)
    app.conf.task_default_queue = queue
    return app


def _wait_for(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def _settle(receiver: Receiver, seconds: float = 3.0) -> None:
    """Wait until no new message arrived for `seconds` (to catch late duplicates)."""
    last, since = receiver.count(), time.monotonic()
    while time.monotonic() - since < seconds:
        time.sleep(0.2)
        if receiver.count() != last:
            last, since = receiver.count(), time.monotonic()


# ---------------------------------------------------------------- tests


def test_two_concurrent_scans_deliver_each_digest_exactly_once(
    redis_url: str, worker_db: str, receiver: Receiver, tmp_path: Path
) -> None:
    _seed(worker_db, receiver)
    queue = f"it-{uuid.uuid4().hex[:8]}"
    worker = Worker(worker_db, redis_url, queue, tmp_path / "worker.log")
    client = _client(redis_url, queue)
    try:
        for _ in range(2):
            client.send_task("tracker.tasks.reminders_scan", args=[AS_OF])
        _wait_for(lambda: receiver.count() >= DEPARTMENTS, 90, "digests")
        _settle(receiver)
    finally:
        worker.stop()
        client.close()
    per_robot = receiver.per_robot()
    assert per_robot == Counter({f"/robot/{i}": 1 for i in range(DEPARTMENTS)})
    # One digest per department holds both its tasks: due today and overdue.
    for path, content in receiver.messages:
        i = int(path.rsplit("/", 1)[1])
        assert f"任务{i}-0" in content and f"任务{i}-1" in content
        assert "阳政办发〔2023〕9号" in content and "今日到期" in content and "已逾期3个工作日" in content
    assert _statuses(worker_db) == {"sent": 2 * DEPARTMENTS}


def test_killed_worker_mid_batch_loses_nothing_and_doubles_nothing(
    redis_url: str, worker_db: str, receiver: Receiver, tmp_path: Path
) -> None:
    _seed(worker_db, receiver)
    queue = f"it-{uuid.uuid4().hex[:8]}"
    log = tmp_path / "worker.log"
    receiver.hold_at = 6  # the 6th robot message is received, then the worker dies waiting for the reply
    worker = Worker(worker_db, redis_url, queue, log)
    client = _client(redis_url, queue)
    try:
        client.send_task("tracker.tasks.reminders_scan", args=[AS_OF])
        assert receiver.holding.wait(90), log.read_text(errors="replace")[-3000:]
        worker.kill()
        receiver.release.set()
        assert receiver.count() == 6
        statuses = _statuses(worker_db)
        assert statuses.get("pending", 0) > 0, statuses  # mid-batch: work was left over
        # A new worker picks up the unacknowledged batch once its visibility timeout has passed.
        worker = Worker(worker_db, redis_url, queue, log)
        _wait_for(lambda: receiver.count() >= DEPARTMENTS, 90, "the rest of the batch")
        _settle(receiver, 5.0)
    finally:
        worker.stop()
        client.close()
    assert receiver.per_robot() == Counter({f"/robot/{i}": 1 for i in range(DEPARTMENTS)})
    # The digest in flight at the kill stays "sending" (reached the robot, never resent); the rest sent.
    statuses = _statuses(worker_db)
    assert statuses == {"sent": 2 * (DEPARTMENTS - 1), "sending": 2}
