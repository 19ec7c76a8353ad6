"""Login entry points of the organisation logins, and the one logout that ends each kind of session.

The providers' own views do the protocol; these wrappers answer 404 while a provider is off, so
the routes exist in every configuration and an installation that does not use them shows nothing.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps

import requests
from django.conf import settings
from django.contrib import auth
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.http import require_POST
from django_cas_ng import views as cas_views
from mozilla_django_oidc import views as oidc_views

from tracker.sso.oidc import provider_logout_url

logger = logging.getLogger(__name__)

OIDC_BACKEND = "tracker.sso.oidc.OIDCBackend"
CAS_BACKEND = "tracker.sso.cas.CASBackend"


def _enabled(flag: str) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            if not getattr(settings, flag):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


def _failed(request: HttpRequest, provider: str) -> HttpResponse:
    """A refused or broken provider answer: logged for the sysadmin, a Chinese message for the user."""
    logger.warning("%s login refused", provider, exc_info=True)
    return HttpResponseRedirect(settings.LOGIN_REDIRECT_URL_FAILURE)


class OIDCCallbackView(oidc_views.OIDCAuthenticationCallbackView):
    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except (SuspiciousOperation, requests.RequestException):  # bad signature/state/nonce, OP unreachable
            return _failed(request, "OIDC")


class CASLoginView(cas_views.LoginView):
    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            return super().get(request)
        except (PermissionDenied, requests.RequestException):  # ticket refused, CAS server unreachable
            return _failed(request, "CAS")


oidc_login = _enabled("OIDC_ENABLED")(oidc_views.OIDCAuthenticationRequestView.as_view())
oidc_callback = _enabled("OIDC_ENABLED")(OIDCCallbackView.as_view())
# GET: to the CAS server, or back from it with ?ticket=; POST: the server's single-logout request.
cas_login = _enabled("CAS_ENABLED")(CASLoginView.as_view())
_cas_logout = cas_views.LogoutView.as_view()


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    """End the session here, and at the provider the user came from (OIDC end_session, CAS /logout)."""
    backend = request.session.get(auth.BACKEND_SESSION_KEY, "")
    if backend == CAS_BACKEND and settings.CAS_ENABLED:
        return _cas_logout(request)  # also forgets the session's CAS ticket
    next_url = reverse("tracker:login")
    if backend == OIDC_BACKEND and settings.OIDC_ENABLED:
        next_url = provider_logout_url(request)  # before logout: it reads the id_token from the session
    auth.logout(request)
    return HttpResponseRedirect(next_url)
