"""Reading a provider's claims (OIDC), attributes (CAS) or entry attributes (LDAP) into plain values."""
from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from tracker.services.accounts import ExternalAccount, roles_from_values


def claim_values(claims: Mapping[str, Any], name: str) -> list[str] | None:
    """A claim as a list of strings; None when it is not configured or the provider did not send it.

    Providers send a list, a single string or (LDAP) bytes; an absent claim says nothing, while
    an empty list says "none" (so a configured claim that the provider leaves out never strips
    roles set by the office).
    """
    if not name or name not in claims:
        return None
    value = claims[name]
    items = value if isinstance(value, list | tuple | set) else [value]
    return [v.decode() if isinstance(v, bytes) else str(v) for v in items if v not in (None, "")]


def first_value(claims: Mapping[str, Any], name: str) -> str | None:
    values = claim_values(claims, name)
    return values[0] if values else None


def external_account(
    claims: Mapping[str, Any],
    *,
    name_claim: str,
    email_claim: str,
    roles_claim: str,
    role_map: Mapping[str, Collection[str]],
    departments_claim: str,
    casefold_roles: bool = False,
) -> ExternalAccount:
    role_values = claim_values(claims, roles_claim)
    departments = claim_values(claims, departments_claim)
    return ExternalAccount(
        full_name=first_value(claims, name_claim),
        email=first_value(claims, email_claim),
        roles=None if role_values is None else roles_from_values(values=role_values, role_map=role_map, casefold=casefold_roles),
        department_names=None if departments is None else tuple(departments),
    )
