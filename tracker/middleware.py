"""Deployment middleware: the health endpoint for probes, and request context for the logs."""
from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse

from tracker.health import health_report
from tracker.logcontext import request_context
from tracker.memo import request_memo

logger = logging.getLogger("tracker.request")

HEALTH_PATH = "/healthz"
# nginx's $request_id is 32 hex digits; accept any short token, never a header-injection vector.
REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class HealthCheckMiddleware:
    """GET /healthz → {"database": "ok", "broker": "ok"|"eager"} 200, or 503 naming the failing part.

    Answered before the host check and the HTTPS redirect: container probes and load balancers
    call it by IP over plain HTTP. No authentication, no details beyond ok/error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.rstrip("/") != HEALTH_PATH or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        report, healthy = health_report()
        response = JsonResponse(report, status=200 if healthy else 503)
        response["Cache-Control"] = "no-store"
        return response


class RequestMemoMiddleware:
    """One memo per request (tracker.memo): the user's units and the holiday table are read once."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_memo():
            return self.get_response(request)


class RequestLogMiddleware:
    """Request id (from nginx's X-Request-ID or new), user and path on every log line of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if REQUEST_ID_RE.match(incoming) else uuid.uuid4().hex
        user = request.user.get_username() if request.user.is_authenticated else ""
        token = request_context.set({"request_id": request_id, "user": user, "path": request.path})
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            if settings.LOG_REQUESTS:
                logger.info(
                    "%s %s %s", request.method, request.path, response.status_code,
                    extra={"method": request.method, "status": response.status_code,
                           "duration_ms": round((time.monotonic() - started) * 1000)},
                )
            return response
        finally:
            request_context.reset(token)
