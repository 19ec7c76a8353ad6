"""Login throttling on top of django-axes: one limit per rule, the Chinese lockout message with the
wait, and the login form both login pages use.

Axes records every failed `authenticate(request=...)` and refuses a locked-out one before any
backend checks the password. Its rules are AXES_LOCKOUT_PARAMETERS: the (user, address) pair is held
to AXES_FAILURE_LIMIT, the wider rules ("username" alone, "ip_address" alone) to their own limits in
LOGIN_FAILURE_LIMITS. Any login endpoint (the API token view too) gets the same throttle by calling
`authenticate(request=request, ...)` and, when it returns None, `lockout_message(request, username)`.
"""
from __future__ import annotations

import math
from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_credentials, get_failure_limit, get_lockout_parameters
from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet, Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone

INVALID_LOGIN = "用户名或密码不正确，请重新输入。"


class LoginThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per lockout rule (axes itself has one limit for all)."""

    def rule_limits(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> list[int]:
        base = get_failure_limit(request, credentials)
        extra = getattr(settings, "LOGIN_FAILURE_LIMITS", {})
        return [extra.get(rule, base) if isinstance(rule, str) else base
                for rule in get_lockout_parameters(request, credentials)]

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # Axes compares this one number with AXES_FAILURE_LIMIT: scale each rule's count to it, so that
        # the result reaches the limit exactly when some rule's count reaches that rule's own limit.
        base = get_failure_limit(request, credentials)
        attempts = self.get_user_attempts(request, credentials)
        return max(
            (_failures(rows) * base // limit for rows, limit in zip(attempts, self.rule_limits(request, credentials),
                                                                     strict=True)),
            default=0,
        )

    def lockout_wait(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> timedelta:
        """How long until no rule holds the client locked (zero when none does)."""
        cool_off = get_cool_off(request) or timedelta(0)
        now = getattr(request, "axes_attempt_time", None) or timezone.now()
        wait = timedelta(0)
        for rows, limit in zip(self.get_user_attempts(request, credentials), self.rule_limits(request, credentials),
                               strict=True):
            total = 0
            # The rule releases when its failures newer than `cool_off` fall below the limit: at the time
            # the newest attempts that still make up the limit leave the window.
            for attempt_time, failures in rows.order_by("-attempt_time").values_list(
                    "attempt_time", "failures_since_start"):
                total += failures
                if total >= limit:
                    wait = max(wait, attempt_time + cool_off - now)
                    break
        return wait


def _failures(rows: QuerySet[Any]) -> int:
    return rows.aggregate(n=Sum("failures_since_start"))["n"] or 0


def lockout_minutes(request: HttpRequest, username: str | None) -> int:
    """Whole minutes (at least 1) until the login of `username` from this client is accepted again."""
    AxesProxyHandler.update_request(request)
    handler = AxesProxyHandler.get_implementation()
    if isinstance(handler, LoginThrottleHandler):
        wait = handler.lockout_wait(request, get_credentials(username))
    else:
        wait = get_cool_off(request) or timedelta(0)
    return max(1, math.ceil(wait.total_seconds() / 60))


def lockout_message(request: HttpRequest, username: str | None) -> str:
    return f"登录失败次数过多，请在 {lockout_minutes(request, username)} 分钟后再试。"


def is_locked_out(request: HttpRequest) -> bool:
    """True after `authenticate(request=...)` failed because of (or into) a lockout."""
    return bool(settings.AXES_ENABLED and getattr(request, "axes_locked_out", False))


class ThrottledLoginMixin:
    """A login form that says "locked, try again in N minutes" instead of "wrong password"."""

    request: HttpRequest | None
    error_messages: dict[str, str]

    def get_invalid_login_error(self) -> forms.ValidationError:
        if self.request is not None and is_locked_out(self.request):
            username = self.cleaned_data.get("username")  # type: ignore[attr-defined]
            return forms.ValidationError(lockout_message(self.request, username), code="locked_out")
        return forms.ValidationError(INVALID_LOGIN, code="invalid_login")


class PortalLoginForm(ThrottledLoginMixin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    pass


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: the login page as rendered (it carries the message) with status 429;
    JSON callers get {"detail": message}."""
    if original_response is not None and original_response.get("Content-Type", "").startswith("text/html"):
        original_response.status_code = 429
        return original_response
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD) or request.POST.get("username")
    message = lockout_message(request, username)
    if original_response is not None and "json" in original_response.get("Content-Type", ""):
        return JsonResponse({"detail": message}, status=429)
    return HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
