"""CAS (django-cas-ng): the CAS server validates the ticket; its attributes give name, roles and units."""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django_cas_ng.backends import CASBackend as BaseCASBackend

from tracker.services.accounts import user_external_sync
from tracker.sso.claims import external_account


class CASBackend(BaseCASBackend):
    def authenticate(self, request: HttpRequest, ticket: str, service: str) -> Any:
        user = super().authenticate(request, ticket, service)
        if user is not None:
            # django-cas-ng keeps the validated ticket's attributes in the session.
            attributes = (request.session.get("attributes") if request is not None else None) or {}
            user_external_sync(
                user=user,
                account=external_account(
                    attributes,
                    name_claim=settings.CAS_NAME_ATTRIBUTE,
                    email_claim=settings.CAS_EMAIL_ATTRIBUTE,
                    roles_claim=settings.CAS_ROLES_ATTRIBUTE,
                    role_map=settings.CAS_ROLE_MAP,
                    departments_claim=settings.CAS_DEPARTMENTS_ATTRIBUTE,
                ),
            )
        return user
