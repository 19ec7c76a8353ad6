"""The admin task list filters through TaskFilterSet (the dashboard's drill-down query strings for lights,
overdue, units and dates work there), and managers (领导) open the admin read-only."""
from __future__ import annotations

import re

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.tracker import dashboard_data
from tests.tracker.dashboard_data import AS_OF, PASSWORD, S, user
from tracker.models import Deadline, Task

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/tracker/task/"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dashboard_data.at(AS_OF), tick=False):
        yield


@pytest.fixture
def data():
    return dashboard_data.build()


def _login(username: str, group: str) -> Client:
    user(username, group, staff=True)
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def _listed(client: Client, params: dict | list | str) -> set[int]:
    """Task ids on the admin changelist (one page: the data set is small)."""
    response = client.get(f"{CHANGELIST}?{params}") if isinstance(params, str) else client.get(CHANGELIST, params)
    assert response.status_code == 200, response.content[:500]
    return {int(pk) for pk in re.findall(r'href="/admin/tracker/task/(\d+)/change/', response.content.decode())}


def _ids(data, *names):
    return {data.tasks[name].pk for name in names}


def test_admin_task_list_applies_the_task_filterset(data):
    client = _login("office", "督查室")
    assert len(_listed(client, {})) == 12  # the admin lists every task, drafts included
    assert _ids(data, "draft") <= _listed(client, {})
    assert _listed(client, {"overdue": "1"}) == _ids(data, "over_a1", "over_a2", "over_b")
    # 市水务局 is lead on over_b and behind, support on over_a2.
    assert _listed(client, {"overdue": "1", "department": data.b.pk}) == _ids(data, "over_a2", "over_b")
    assert _listed(client, {"light": "yellow"}) == _ids(data, "soon", "behind")
    assert _listed(client, [("status", S.SIGNED), ("status", S.ASSIGNED)]) == _ids(data, "over_a2", "over_b")
    assert _listed(client, {"due_after": "2024-06-14", "due_before": "2024-06-21", "status": S.IN_PROGRESS}) == _ids(
        data, "soon")
    assert _listed(client, {"directive": data.d2.pk, "status": S.SIGNED_OFF}) == _ids(
        data, "done_on_time", "done_late", "done_extended", "done_june")
    # The admin's own sidebar filters and search still combine with it.
    assert _listed(client, {"overdue": "1", "status__exact": S.ASSIGNED}) == _ids(data, "over_b")
    assert _listed(client, {"overdue": "1", "q": "商贸中心"}) == _ids(data, "over_a1")


def test_dashboard_drill_down_query_lists_the_same_tasks_in_the_admin(data):
    client = _login("office", "督查室")
    page = client.get(reverse("admin:tracker_dashboard")).content.decode()
    # The red-light figure's link on the dashboard, replayed on the admin changelist.
    query = re.search(r'href="[^"?]*\?(light=red[^"]*)"', page).group(1).replace("&amp;", "&")
    assert _listed(client, query) == _ids(data, "over_a1", "over_a2", "over_b")


def test_manager_views_the_admin_read_only(data):
    client = _login("leader", "领导")
    assert client.get(reverse("admin:tracker_dashboard")).status_code == 200
    assert client.get(reverse("admin:index")).status_code == 200
    task = data.tasks["over_a1"]
    assert _listed(client, {"overdue": "1"}) == _ids(data, "over_a1", "over_a2", "over_b")
    change_url = reverse("admin:tracker_task_change", args=[task.pk])
    page = client.get(change_url)
    assert page.status_code == 200 and 'name="title"' not in page.content.decode()  # read-only form
    assert client.post(change_url, {"title": "领导改的"}).status_code == 403
    assert client.post(reverse("admin:tracker_task_delete", args=[task.pk]), {"post": "yes"}).status_code == 403
    deadline = task.deadlines.get()
    assert client.post(reverse("admin:tracker_deadline_change", args=[deadline.pk]),
                       {"due_on": "2030-01-01"}).status_code == 403
    # No bulk actions are offered to a view-only user, and a forged one changes nothing.
    client.post(CHANGELIST, {"action": "confirm_and_assign", "_selected_action": [data.tasks["draft"].pk]})
    task.refresh_from_db()
    assert task.title != "领导改的"
    assert Task.objects.get(pk=data.tasks["draft"].pk).status == S.PENDING_REVIEW
    assert Deadline.objects.get(pk=deadline.pk).due_on == deadline.due_on


def test_demo_manager_account_is_staff_with_view_permissions_only():
    from tracker.services.demo import DEMO_PASSWORD, demo_workflow_seed

    demo_workflow_seed(as_of=AS_OF)
    leader = get_user_model().objects.get(username="lingdao")
    assert leader.is_staff and not leader.is_superuser
    assert leader.has_perm("tracker.view_task") and not leader.has_perm("tracker.change_task")
    assert not leader.has_perm("tracker.delete_deadline") and not leader.has_perm("tracker.add_sourcefile")
    client = Client()
    assert client.login(username="lingdao", password=DEMO_PASSWORD)
    assert client.get(reverse("admin:tracker_dashboard")).status_code == 200
