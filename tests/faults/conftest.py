"""Servers the fault tests start, break and mend themselves: a Redis server of their own (never the shared one),
a fake SMTP server that refuses on demand, and an HTTP receiver that answers too late on demand."""
from __future__ import annotations

import base64
import json
import os
import shutil
import socket
import socketserver
import subprocess
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- Redis ------------------------------------------------------------------------------------------------


@dataclass
class RedisServer:
    """A redis-server on its own port and directory; stop() and start() simulate an outage."""

    port: int
    directory: Path
    process: subprocess.Popen | None = None  # type: ignore[type-arg]

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        import redis

        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def queued(self, queue: str = "celery") -> list[tuple[str, list[object]]]:
        """Take every message off the queue: (task name, positional args)."""
        import redis

        client, out = redis.Redis.from_url(self.url), []
        while (raw := client.lpop(queue)) is not None:
            message = json.loads(raw)
            args, _kwargs, _embed = json.loads(base64.b64decode(message["body"]))
            out.append((message["headers"]["task"], args))
        return out


@pytest.fixture(scope="module")
def redis_module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    # One port for the module: Celery's connection pools then never point at a previous test's server.
    if shutil.which("redis-server") is None:  # nothing configured to be reachable: a skip, under CI too
        pytest.skip("redis-server is not installed")
    server = RedisServer(port=free_port(), directory=tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_server(redis_module_server: RedisServer) -> RedisServer:
    """The module's Redis, running and empty at the start of the test."""
    if redis_module_server.process is None:
        redis_module_server.start()
    import redis

    redis.Redis.from_url(redis_module_server.url).flushdb()
    return redis_module_server


def _pools_reset(app) -> None:  # type: ignore[no-untyped-def]
    """Forget every broker connection and producer (app.close() keeps a producer pool made without a connection
    pool: it would go on publishing to the memory:// transport of the in-process tests)."""
    app.close()
    app._pool = None
    amqp = app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@pytest.fixture
def celery_on_redis(redis_server: RedisServer, settings) -> Iterator[RedisServer]:
    """The Celery app publishes to the test's own Redis (no worker: the test runs what was queued)."""
    from config.celery import app
    from tracker import tasks

    settings.CELERY_TASK_ALWAYS_EAGER = False
    before = (app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_connection_retry_on_startup)
    _pools_reset(app)
    app.conf.broker_url, app.conf.task_always_eager = redis_server.url, False
    tasks._broker_down_until = 0.0
    start = redis_server.start

    def start_again() -> None:
        # The sweep runs in a worker process, which has not seen the refused publishes of the web process.
        start()
        tasks._broker_down_until = 0.0

    redis_server.start = start_again  # type: ignore[method-assign]
    try:
        yield redis_server
    finally:
        redis_server.start = start  # type: ignore[method-assign]
        _pools_reset(app)
        app.conf.broker_url, app.conf.task_always_eager, app.conf.broker_connection_retry_on_startup = before
        tasks._broker_down_until = 0.0


# --- SMTP -------------------------------------------------------------------------------------------------


@dataclass
class FakeSmtp:
    """An SMTP server that accepts, or refuses at the greeting, at MAIL FROM or after DATA (`refuse`)."""

    port: int
    refuse: str = ""  # "" | "greeting" | "sender" | "data"
    messages: list[bytes] = field(default_factory=list)
    refusals: int = 0


def _smtp_handler(state: FakeSmtp) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def reply(self, line: str) -> None:
            self.wfile.write(f"{line}\r\n".encode())
            self.wfile.flush()

        def handle(self) -> None:
            if state.refuse == "greeting":
                state.refusals += 1
                self.reply("421 4.3.2 service not available, closing channel")
                return
            self.reply("220 fake.example ESMTP")
            while line := self.rfile.readline():
                verb = line.decode("ascii", "replace").strip().split(" ")[0].upper()
                if verb in ("EHLO", "HELO"):
                    self.reply("250 fake.example")
                elif verb == "MAIL" and state.refuse == "sender":
                    state.refusals += 1
                    self.reply("550 5.7.1 relaying refused")
                elif verb in ("MAIL", "RCPT", "RSET", "NOOP"):
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 end with <CRLF>.<CRLF>")
                    body = b""
                    while (chunk := self.rfile.readline()) not in (b".\r\n", b""):
                        body += chunk
                    if state.refuse == "data":
                        state.refusals += 1
                        self.reply("554 5.7.1 message refused")
                    else:
                        state.messages.append(body)
                        self.reply("250 queued")
                elif verb == "QUIT":
                    self.reply("221 bye")
                    return
                else:
                    self.reply("502 command not implemented")

    return Handler


@pytest.fixture
def fake_smtp(settings) -> Iterator[FakeSmtp]:
    state = FakeSmtp(port=free_port())
    server = socketserver.ThreadingTCPServer(("127.0.0.1", state.port), _smtp_handler(state))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", state.port, False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 5
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


# --- HTTP receiver ----------------------------------------------------------------------------------------


@dataclass
class Receiver:
    """Records every POST (headers, body); the first `slow` requests are answered after `delay` seconds, and the
    requests numbered in `refuse` (1-based) with a robot's error code."""

    port: int
    refuse: set[int] = field(default_factory=set)
    slow: int = 0
    delay: float = 0.0
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    state = Receiver(port=free_port())
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                state.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                late = len(state.requests) <= state.slow
                refused = len(state.requests) in state.refuse
            if late:
                time.sleep(state.delay)
            try:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"errcode": 45009, "errmsg": "busy"}' if refused else b'{"errcode": 0}')
            except OSError:  # the client gave up waiting
                pass

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", state.port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


def postgres_admin_url() -> tuple[str, bool]:
    """The PostgreSQL server the PostgreSQL fault test uses (a database of its own on it), and whether it was
    configured (DATABASE_URL or FAULTS_POSTGRES_URL) rather than guessed (the local default)."""
    from urllib.parse import urlsplit, urlunsplit

    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        return urlunsplit(urlsplit(base)._replace(path="/postgres")), True
    if url := os.environ.get("FAULTS_POSTGRES_URL", ""):
        return url, True
    return "postgres://postgres@127.0.0.1:5432/postgres", False
