"""LDAP / Active Directory (django-auth-ldap): bind as the user; group DNs give roles, an attribute gives units.

django-auth-ldap already copies name and e-mail (AUTH_LDAP_USER_ATTR_MAP); this adds the roles
and departments, mapped the way the OIDC and CAS logins map theirs.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django_auth_ldap.backend import LDAPBackend as BaseLDAPBackend

from tracker.services.accounts import ExternalAccount, roles_from_values, user_external_sync
from tracker.sso.claims import claim_values


class LDAPBackend(BaseLDAPBackend):
    def authenticate_ldap_user(self, ldap_user: Any, password: str) -> Any:
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        roles = None
        if settings.LDAP_ROLE_MAP:
            # DNs compare case-insensitively (django-auth-ldap lower-cases the ones it found).
            roles = roles_from_values(values=ldap_user.group_dns, role_map=settings.LDAP_ROLE_MAP, casefold=True)
        departments = claim_values(ldap_user.attrs, settings.LDAP_DEPARTMENTS_ATTRIBUTE)
        user_external_sync(
            user=user,
            account=ExternalAccount(roles=roles, department_names=None if departments is None else tuple(departments)),
        )
        return user
