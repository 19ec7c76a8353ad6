"""user_external_sync: what an organisation login may change on an account, and what it leaves alone."""
from __future__ import annotations

import logging

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tests.factories import DepartmentFactory
from tracker.models import DepartmentAlias, DepartmentMembership
from tracker.permissions import user_department_ids, user_is_manager, user_is_office
from tracker.services.accounts import ExternalAccount, roles_from_values, user_external_sync

pytestmark = pytest.mark.django_db
User = get_user_model()


def groups(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def test_roles_from_values_maps_each_role_it_finds():
    role_map = {"office": ["a", "b"], "manager": ["c"], "unit": ["d"], "bogus": ["e"]}
    assert roles_from_values(values=["b", "d", "e", "x"], role_map=role_map) == {"office", "unit"}
    assert roles_from_values(values=["C"], role_map=role_map) == frozenset()
    assert roles_from_values(values=["C "], role_map=role_map, casefold=True) == {"manager"}


def test_nothing_said_changes_nothing():
    user = User.objects.create_user("u1", email="old@example.gov.cn", first_name="旧名", is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="督查室")[0])
    unit = DepartmentFactory()
    DepartmentMembership.objects.create(user=user, department=unit)
    user_external_sync(user=user, account=ExternalAccount())
    user.refresh_from_db()
    assert (user.first_name, user.email, user.is_staff, groups(user)) == ("旧名", "old@example.gov.cn", True, {"督查室"})
    assert DepartmentMembership.objects.filter(user=user).count() == 1


def test_roles_replace_only_the_role_groups_and_set_admin_access():
    user = User.objects.create_user("u2")
    user.groups.add(Group.objects.get_or_create(name="督查室")[0], Group.objects.create(name="通报编辑"))
    assert user_is_office(user)  # caches the groups on the object
    user_external_sync(user=user, account=ExternalAccount(roles=frozenset({"manager"})))
    assert groups(user) == {"领导", "通报编辑"} and user.is_staff
    assert not user_is_office(user) and user_is_manager(user)  # the cache was reset
    user_external_sync(user=user, account=ExternalAccount(roles=frozenset()))
    user.refresh_from_db()
    assert groups(user) == {"通报编辑"} and not user.is_staff


def test_a_superuser_keeps_admin_access_whatever_the_roles():
    user = User.objects.create_superuser("root", password="x")
    user_external_sync(user=user, account=ExternalAccount(roles=frozenset({"unit"})))
    user.refresh_from_db()
    assert user.is_staff and user.is_superuser and groups(user) == {"承办单位"}


def test_departments_by_name_short_name_or_alias_replace_the_memberships(caplog):
    education = DepartmentFactory(name="市教育局", short_name="教育局")
    health = DepartmentFactory(name="市卫生健康委员会")
    water = DepartmentFactory(name="市水务局")
    DepartmentAlias.objects.create(department=health, alias="市卫健委")
    user = User.objects.create_user("u3")
    DepartmentMembership.objects.create(user=user, department=water)
    with caplog.at_level(logging.WARNING, logger="tracker.services.accounts"):
        user_external_sync(user=user, account=ExternalAccount(
            department_names=("教育局", "市卫健委", "市卫生健康委员会", "市外星局", " ")))
    assert user_department_ids(user) == {education.pk, health.pk}
    assert "市外星局" in caplog.text and "u3" in caplog.text
    user_external_sync(user=user, account=ExternalAccount(department_names=()))
    assert user_department_ids(user) == set()


def test_profile_fields_are_updated():
    user = User.objects.create_user("u4", first_name="x", last_name="y")
    user_external_sync(user=user, account=ExternalAccount(full_name="欧阳娜娜", email="ouyang@example.gov.cn"))
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.email, user.get_full_name()) == (
        "欧阳娜娜", "", "ouyang@example.gov.cn", "欧阳娜娜")
