"""The department directory: seeding it, reading it for the parser, merging unverified units."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from parsing.departments import DepartmentDirectory
from tracker.models import Assignment, Department, DepartmentAlias, DepartmentMembership

KINDS = set(Department.Kind.values)


@dataclass(frozen=True, slots=True)
class SeedResult:
    created: int
    updated: int
    aliases: int


def _alias_add(*, department: Department, alias: str) -> bool:
    """Give `department` the alias unless it is its own name or already another unit's alias."""
    alias = alias.strip()
    if not alias or alias == department.name:
        return False
    _, created = DepartmentAlias.objects.get_or_create(alias=alias, defaults={"department": department})
    return created


@transaction.atomic
def departments_seed(*, entries: Iterable[Mapping[str, Any]]) -> SeedResult:
    """Create or update directory rows shaped like fixtures/departments.json (idempotent).

    Entries: {"name", "kind", "aliases": [...], "members": [...], "parent"}. Seeded units are
    verified; an existing unverified unit of the same name becomes verified. Contact details
    entered by the office are never touched.
    """
    entries = list(entries)
    created = updated = aliases = 0
    by_name: dict[str, Department] = {}
    for entry in entries:
        name = str(entry["name"]).strip()
        kind = str(entry.get("kind") or Department.Kind.OTHER)
        kind = kind if kind in KINDS else Department.Kind.OTHER
        department, was_created = Department.objects.get_or_create(name=name, defaults={"kind": kind})
        if was_created:
            created += 1
        elif department.kind != kind or not department.verified:
            department.kind, department.verified = kind, True
            department.save(update_fields=["kind", "verified"])
            updated += 1
        by_name[name] = department
        for alias in entry.get("aliases") or ():
            aliases += _alias_add(department=department, alias=str(alias))
    for entry in entries:
        department = by_name[str(entry["name"]).strip()]
        parent_name = entry.get("parent")
        parent = by_name.get(parent_name) or Department.objects.filter(name=parent_name).first() if parent_name else None
        if parent is not None and department.parent_id != parent.pk:
            department.parent = parent
            department.save(update_fields=["parent"])
        members = [by_name.get(m) or Department.objects.get_or_create(name=m)[0] for m in entry.get("members") or ()]
        if members:
            department.members.add(*members)
    return SeedResult(created=created, updated=updated, aliases=aliases)


def departments_seed_if_empty(*, entries: Iterable[Mapping[str, Any]]) -> SeedResult | None:
    """Seed the directory when it holds no verified unit yet (a fresh database); None otherwise."""
    if Department.objects.filter(verified=True).exists():
        return None
    return departments_seed(entries=entries)


def department_entries() -> list[dict[str, Any]]:
    """The directory as rows of the fixtures/departments.json shape, read from the database."""
    departments = list(
        Department.objects.filter(active=True).select_related("parent").prefetch_related("aliases", "members")
    )
    return [
        {
            "name": d.name,
            "kind": d.kind,
            "aliases": [a.alias for a in d.aliases.all()] + ([d.short_name] if d.short_name else []),
            "members": [m.name for m in d.members.all()],
            "parent": d.parent.name if d.parent else None,
        }
        for d in departments
    ]


def department_directory() -> DepartmentDirectory:
    """The parser's directory built from the database (verified units first, so they win aliases)."""
    entries = sorted(department_entries(), key=lambda e: e["kind"] == Department.Kind.OTHER)
    return DepartmentDirectory.from_entries(entries)


class MergeError(ValueError):
    """The merge is not allowed; the message is for users."""


@transaction.atomic
def department_merge(*, source: Department, target: Department) -> Department:
    """Fold `source` (typically an unverified unit) into `target`: its name and aliases become
    aliases of `target`, its assignments, memberships and records move, and `source` is deleted.

    Where both were assigned to the same task, the target keeps one assignment, as lead if either was.
    """
    if source.pk == target.pk:
        raise MergeError("不能将单位合并到其自身")
    source = Department.objects.select_for_update().get(pk=source.pk)
    target = Department.objects.select_for_update().get(pk=target.pk)
    DepartmentAlias.objects.filter(department=source).update(department=target)
    _alias_add(department=target, alias=source.name)
    # One by one (not bulk) so simple-history records each change.
    for assignment in Assignment.objects.filter(department=source):
        existing = Assignment.objects.filter(task_id=assignment.task_id, department=target).first()
        if existing is None:
            assignment.department = target
            assignment.save(update_fields=["department"])
            continue
        if assignment.role == Assignment.Role.LEAD and existing.role != Assignment.Role.LEAD:
            existing.role = Assignment.Role.LEAD
            existing.save(update_fields=["role"])
        assignment.delete()
    for membership in DepartmentMembership.objects.filter(department=source):
        DepartmentMembership.objects.get_or_create(user_id=membership.user_id, department=target)
        membership.delete()
    for relation in ("progress_reports", "extension_requests", "reminders", "events"):
        getattr(source, relation).update(department=target)
    for group in source.member_of.all():
        group.members.add(target)
    if source.members.exists():
        target.members.add(*source.members.all())
    Department.objects.filter(parent=source).update(parent=target)
    source.delete()
    return target


def departments_verify(*, departments: Iterable[Department]) -> int:
    """The office accepts unverified units as they are (a real unit the directory lacked)."""
    return Department.objects.filter(pk__in=[d.pk for d in departments], verified=False).update(verified=True)
