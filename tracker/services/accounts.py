"""Accounts from an organisation login (统一身份认证): profile, roles and departments as the provider says.

Called by the OIDC, LDAP and CAS backends (tracker/sso/) after the provider vouched for the user,
and only for what the provider is configured to send: a field left as None is the office's to set,
and is never touched.
"""
from __future__ import annotations

import logging
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction
from django.db.models import Q

from tracker.memo import memo_clear
from tracker.models import Department, DepartmentMembership
from tracker.permissions import DEPARTMENT_GROUP, MANAGER_GROUP, OFFICE_GROUP

logger = logging.getLogger(__name__)

# Role keys of the *_ROLE_MAP settings → the role groups of tracker.permissions.
ROLE_GROUPS = {"office": OFFICE_GROUP, "manager": MANAGER_GROUP, "unit": DEPARTMENT_GROUP}
# Roles that use the admin (read-only for managers); department staff use the portal only.
STAFF_ROLES = {"office", "manager"}


@dataclass(frozen=True, slots=True)
class ExternalAccount:
    """What a provider said about a user; None means it said nothing (the office decides)."""

    full_name: str | None = None
    email: str | None = None
    roles: frozenset[str] | None = None  # keys of ROLE_GROUPS
    department_names: tuple[str, ...] | None = None


def roles_from_values(*, values: Iterable[str], role_map: Mapping[str, Collection[str]], casefold: bool = False) -> frozenset[str]:
    """The role keys whose mapped external values (group names, LDAP group DNs) the user has."""
    fold = (lambda v: v.strip().casefold()) if casefold else (lambda v: v.strip())
    held = {fold(v) for v in values}
    return frozenset(role for role, external in role_map.items() if role in ROLE_GROUPS and held & {fold(e) for e in external})


def _departments_named(names: Iterable[str]) -> tuple[list[Department], list[str]]:
    """Departments by name, short name or alias; and the names the directory does not know."""
    departments: dict[int, Department] = {}
    unknown: list[str] = []
    for name in dict.fromkeys(n.strip() for n in names if n and n.strip()):
        found = Department.objects.filter(Q(name=name) | Q(short_name=name) | Q(aliases__alias=name)).distinct().first()
        if found is None:
            unknown.append(name)
        else:
            departments[found.pk] = found
    return list(departments.values()), unknown


def _roles_sync(*, user: Any, roles: frozenset[str]) -> None:
    groups = {name: Group.objects.get_or_create(name=name)[0] for name in ROLE_GROUPS.values()}
    wanted = {groups[ROLE_GROUPS[role]] for role in roles}
    user.groups.remove(*(g for g in groups.values() if g not in wanted))
    user.groups.add(*wanted)
    is_staff = user.is_superuser or bool(roles & STAFF_ROLES)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    user._tracker_groups = None  # tracker.permissions caches a user's groups on the object
    memo_clear()  # and this request's memo, the user's units


def _departments_sync(*, user: Any, names: tuple[str, ...]) -> None:
    departments, unknown = _departments_named(names)
    if unknown:
        logger.warning("login of %s names units missing from the directory: %s", user.get_username(), ", ".join(unknown))
    keep = [d.pk for d in departments]
    DepartmentMembership.objects.filter(user=user).exclude(department_id__in=keep).delete()
    have = set(DepartmentMembership.objects.filter(user=user).values_list("department_id", flat=True))
    DepartmentMembership.objects.bulk_create(
        [DepartmentMembership(user=user, department=d) for d in departments if d.pk not in have]
    )
    memo_clear()  # the user's units as this request read them


@transaction.atomic
def user_external_sync(*, user: Any, account: ExternalAccount) -> None:
    """Bring a user's name, e-mail, role groups and department memberships in line with the provider."""
    changed = []
    if account.full_name is not None and user.first_name != account.full_name[:150]:
        user.first_name, user.last_name = account.full_name[:150], ""
        changed += ["first_name", "last_name"]
    if account.email is not None and user.email != account.email:
        user.email = account.email
        changed.append("email")
    if changed:
        user.save(update_fields=changed)
    if account.roles is not None:
        _roles_sync(user=user, roles=account.roles)
    if account.department_names is not None:
        _departments_sync(user=user, names=account.department_names)
