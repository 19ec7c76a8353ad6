"""A receiving server for webhook tests: an http.server thread on 127.0.0.1 that verifies each request's
HMAC-SHA256 signature as a receiving system would, and answers 500 for the first `fail_first` requests."""
from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    at: float
    headers: dict[str, str]
    body: bytes
    signature_ok: bool

    @property
    def json(self) -> Any:
        return json.loads(self.body)


def verify(*, secret: str, body: bytes, header: str) -> bool:
    """How a receiver checks X-Duban-Signature (README: API › Webhooks)."""
    expected = "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header)


class Receiver:
    def __init__(self, *, secret: str, fail_first: int = 0) -> None:
        self.secret, self.fail_first = secret, fail_first
        self.received: list[Received] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                ok = verify(secret=receiver.secret, body=body, header=self.headers.get("X-Duban-Signature", ""))
                with receiver.lock:
                    receiver.received.append(Received(time.monotonic(), dict(self.headers.items()), body, ok))
                    failing = len(receiver.received) <= receiver.fail_first
                self.send_response(500 if failing else 200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"ok": false}' if failing else b'{"ok": true}')

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/duban"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def close(self) -> None:
        self.server.shutdown()
