"""PostgreSQL dropping the connection in the middle of the daily scan: nothing lost, nothing doubled.

The scan runs in a subprocess (tests/faults/pg_probe.py) on a database of its own (tracker_faults_pg_<hex>),
connected through a TCP proxy in this process; the proxy cuts the connection — as a server restart does — when
the scan sends its second INSERT of reminder rows. The scan's one transaction rolls back, the Celery task retries
it (reminders_scan: autoretry on database errors), and the re-run records and sends every notice once; a later
scan of the same day records and sends nothing. The server is DATABASE_URL's, or FAULTS_POSTGRES_URL, or the
local one; skipped when none answers (a failure under CI when one was configured).
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.conftest import in_ci
from tests.faults.conftest import free_port, postgres_admin_url

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres
MARKER = b'INSERT INTO "tracker_reminder"'


class CuttingProxy:
    """Forwards 127.0.0.1:<port> to the server; cuts the live connection at the `cut_at`-th marker sent."""

    def __init__(self, upstream: tuple[str, int], cut_at: int) -> None:
        self.upstream, self.cut_at, self.seen, self.cuts = upstream, cut_at, 0, 0
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", free_port()))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            threading.Thread(target=self._pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, False), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, from_client: bool) -> None:
        try:
            while data := source.recv(65536):
                if from_client and MARKER in data:
                    with self.lock:
                        self.seen += 1
                        cut = self.seen == self.cut_at
                        self.cuts += cut
                    if cut:  # the server goes away mid-transaction
                        for end in (source, target):
                            end.shutdown(socket.SHUT_RDWR)
                            end.close()
                        return
                target.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, target):
                try:
                    end.close()
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def database() -> Iterator[str]:
    import psycopg

    admin, configured = postgres_admin_url()
    try:
        psycopg.connect(admin, connect_timeout=3).close()
    except Exception as exc:
        if in_ci() and configured:
            pytest.fail(f"PostgreSQL unreachable at {admin}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {admin}: {exc}")
    name = f"tracker_faults_pg_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = urlunsplit(urlsplit(admin)._replace(path=f"/{name}"))
    try:
        yield url
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(url: str, *args: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "REMINDER_SEND_WINDOW": "false", "REDIS_URL": ""}
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    return json.loads(lines[-1]) if lines else {}


def test_connection_dropped_mid_scan_loses_nothing_and_doubles_nothing(database):
    _run(database, "manage.py", "migrate", "--noinput", "-v0")
    units = _run(database, "tests/faults/pg_probe.py", "seed")["units"]
    parts = urlsplit(database)
    proxy = CuttingProxy((parts.hostname or "127.0.0.1", parts.port or 5432), cut_at=2)
    proxied = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))
    try:
        first = _run(proxied, "tests/faults/pg_probe.py", "scan")
        assert proxy.cuts == 1  # the connection really went away mid-scan
        again = _run(proxied, "tests/faults/pg_probe.py", "scan")
    finally:
        proxy.close()
    expected = sorted(f"unit{n}-unit@example.gov.cn" for n in range(units))
    # The retried scan recorded every notice and sent each unit one digest.
    assert first["state"] == "SUCCESS" and first["retried"] == 1
    assert first["result"]["created"] == {"due_today": 2 * units}
    assert first["sent_mail"] == expected
    assert first["rows"] == {"sent": 2 * units}
    # The same day's scan again: nothing recorded, nothing sent.
    assert again["retried"] == 0 and again["result"]["created"] == {}
    assert again["sent_mail"] == []
    assert again["rows"] == {"sent": 2 * units}
