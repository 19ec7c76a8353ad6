"""OpenID Connect (mozilla-django-oidc): users matched by username or e-mail, roles and units from claims."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from tracker.services.accounts import user_external_sync
from tracker.sso.claims import external_account, first_value


class OIDCBackend(OIDCAuthenticationBackend):
    """The code flow's backend; its user mapping also serves mozilla-django-oidc's DRF bearer authentication."""

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> Any:
        # Only the callback view passes a nonce: a password form posted to a URL carrying
        # ?code=&state= must not start a token exchange.
        if "nonce" not in kwargs:
            return None
        return super().authenticate(request, **kwargs)

    def _match_claim(self) -> str:
        return "email" if settings.OIDC_MATCH_USERS_BY == "email" else settings.OIDC_USERNAME_CLAIM

    def describe_user_by_claims(self, claims: dict[str, Any]) -> str:
        return f"{self._match_claim()} {first_value(claims, self._match_claim())}"

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        if claims.get("email_verified") is False and settings.OIDC_MATCH_USERS_BY == "email":
            return False
        return bool(first_value(claims, self._match_claim()))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> QuerySet[Any]:
        value = first_value(claims, self._match_claim())
        if not value:
            return self.UserModel.objects.none()
        if settings.OIDC_MATCH_USERS_BY == "email":
            return self.UserModel.objects.filter(email__iexact=value)
        return self.UserModel.objects.filter(username=value)

    def create_user(self, claims: dict[str, Any]) -> Any:
        email = first_value(claims, "email") or ""
        username = first_value(claims, settings.OIDC_USERNAME_CLAIM) or email
        if self.UserModel.objects.filter(username=username).exists():
            # Matching by e-mail found nobody, yet the name is taken: never merge two people.
            raise SuspiciousOperation(f"OIDC username {username!r} belongs to another account")
        user = self.UserModel.objects.create_user(username, email=email)  # no usable local password
        return self.update_user(user, claims)

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        user_external_sync(
            user=user,
            account=external_account(
                claims,
                name_claim=settings.OIDC_NAME_CLAIM,
                email_claim="email",
                roles_claim=settings.OIDC_ROLES_CLAIM,
                role_map=settings.OIDC_ROLE_MAP,
                departments_claim=settings.OIDC_DEPARTMENTS_CLAIM,
            ),
        )
        return user


def provider_logout_url(request: HttpRequest) -> str:
    """RP-initiated logout at the provider (end_session_endpoint), back to our login page afterwards."""
    back = request.build_absolute_uri(reverse("tracker:login"))
    if not settings.OIDC_OP_LOGOUT_ENDPOINT:
        return back
    params = {"post_logout_redirect_uri": back, "client_id": settings.OIDC_RP_CLIENT_ID}
    id_token = request.session.get("oidc_id_token")
    if id_token:
        params["id_token_hint"] = id_token
    return f"{settings.OIDC_OP_LOGOUT_ENDPOINT}?{urlencode(params)}"
