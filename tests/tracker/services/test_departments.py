from __future__ import annotations

import pytest

from tests.factories import AssignmentFactory, DepartmentFactory, TaskFactory, UserFactory
from tracker.models import Assignment, Department, DepartmentAlias, DepartmentMembership
from tracker.services.departments import (
    MergeError,
    department_directory,
    department_merge,
    departments_seed,
    departments_seed_if_empty,
)

pytestmark = pytest.mark.django_db

ENTRIES = [
    {"name": "市发展和改革委员会", "kind": "city_department", "aliases": ["市发改委", "市发展改革委"]},
    {"name": "城区人民政府", "kind": "county_government", "aliases": []},
    {"name": "城区发展和改革局", "kind": "city_department", "aliases": ["区发改局"], "parent": "城区人民政府"},
    {"name": "各县区人民政府", "kind": "group", "aliases": [], "members": ["城区人民政府", "盂县人民政府"]},
]


def test_seed_creates_kinds_aliases_parents_and_group_members_idempotently():
    result = departments_seed(entries=ENTRIES)
    assert result.created == 4 and result.aliases == 3
    assert Department.objects.get(name="城区发展和改革局").parent.name == "城区人民政府"
    group = Department.objects.get(name="各县区人民政府")
    assert group.kind == "group" and set(group.members.values_list("name", flat=True)) == {"城区人民政府", "盂县人民政府"}
    again = departments_seed(entries=ENTRIES)
    assert (again.created, again.aliases) == (0, 0)
    assert departments_seed_if_empty(entries=ENTRIES) is None


def test_seed_verifies_a_unit_first_seen_as_unknown():
    Department.objects.create(name="城区人民政府", verified=False)
    departments_seed(entries=ENTRIES)
    assert Department.objects.get(name="城区人民政府").verified


def test_directory_from_the_database_matches_aliases_and_expands_groups():
    departments_seed(entries=ENTRIES)
    DepartmentAlias.objects.create(department=Department.objects.get(name="城区人民政府"), alias="城区政府")
    directory = department_directory()
    assert directory.match("市发改委") == "市发展和改革委员会"
    assert directory.match("城区政府") == "城区人民政府"
    names = {m.name for m in directory.mentions("各县区人民政府", "lead")}
    assert names == {"城区人民政府", "盂县人民政府"}


def test_merge_moves_aliases_assignments_and_memberships_and_keeps_lead():
    target = DepartmentFactory(name="市发展和改革委员会")
    source = Department.objects.create(name="发改部门", verified=False)
    DepartmentAlias.objects.create(department=source, alias="发改")
    only_source = AssignmentFactory(department=source, role="support")
    both = TaskFactory()
    Assignment.objects.create(task=both, department=source, role="lead")
    Assignment.objects.create(task=both, department=target, role="support")
    user = UserFactory()
    DepartmentMembership.objects.create(user=user, department=source)
    department_merge(source=source, target=target)
    assert not Department.objects.filter(pk=source.pk).exists()
    assert set(target.aliases.values_list("alias", flat=True)) == {"发改", "发改部门"}
    assert Assignment.objects.get(pk=only_source.pk).department == target
    assert list(both.assignments.values_list("department__name", "role")) == [("市发展和改革委员会", "lead")]
    assert DepartmentMembership.objects.get(user=user).department == target


def test_merge_into_itself_is_refused():
    unit = DepartmentFactory()
    with pytest.raises(MergeError):
        department_merge(source=unit, target=unit)
