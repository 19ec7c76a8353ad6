"""The manager (领导) reads everything and changes nothing, by any door: every admin page (changelist,
add, change, delete, history, history version, each custom view), every admin action, every portal
form, each POSTed as the page's own form would send it, edited, and as junk. Generated from the URL
conf, admin.site._registry and the rendered forms."""
from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.urls import reverse

from tests.security.conftest import logged_in
from tests.security.walk import (
    JUNK,
    changed_tables,
    crawl,
    dry_post,
    fill,
    html_of,
    id_pool,
    local_path,
    observed_slugs,
    page_forms,
    posts_from,
    routes,
    snapshot,
)
from tracker.models import Reminder, Task, TaskEvent

pytestmark = pytest.mark.django_db

def _client(user: Any) -> Client:
    return logged_in(user)


def test_manager_changes_nothing_through_any_admin_page(world):
    office, manager = _client(world.office), _client(world.manager)
    before = snapshot()
    admin_routes = [r for r in routes() if r.is_admin]
    urls = [url for route in admin_routes for url in fill(route, ids=id_pool(world), slugs={})]
    assert any("/history/" in u for u in urls) and any(u.endswith("/delete/") for u in urls)
    for url in urls:
        own = manager.get(url)
        assert own.status_code < 500, url
        for target, data in posts_from(url, office.get(url), own):
            assert manager.post(target, data).status_code < 500, (target, data)
        assert not changed_tables(before), f"the manager changed data through {url}"
    assert manager.get("/admin/").status_code == 200  # still logged in: the walk was not anonymous


def test_manager_can_run_no_admin_action(world):
    office, manager = _client(world.office), _client(world.manager)
    before = snapshot()
    walked = 0
    for model, model_admin in admin.site._registry.items():
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        selected = [str(pk) for pk in model._base_manager.values_list("pk", flat=True)]
        for _func, name, _description in model_admin._get_base_actions():
            data = {"action": name, ACTION_CHECKBOX_NAME: selected, "index": "0"}
            # The office's next page (a confirmation or target form), seen and rolled back.
            for target, payload in [(changelist, data), *posts_from(changelist, dry_post(office, changelist, data))]:
                manager.post(target, {**data, **payload} if target == changelist else payload)
            assert not changed_tables(before), f"the manager ran {model._meta.label}.{name}"
            walked += 1
    assert walked >= 6


def test_manager_changes_nothing_through_any_portal_form_or_route(world):
    manager = _client(world.manager)
    pages: list[tuple[str, Any]] = []
    for user in (world.office, world.user_b):
        pages += list(crawl(_client(user), ["/portal/"], prefix="/portal/"))
    paths = [path for path, _ in pages]
    for path, page in pages:
        paths += [local_path(f.action) or "" for f in page_forms(html_of(page), f"http://testserver{path}")]
    slugs = observed_slugs(paths)
    before = snapshot()
    posts = [post for path, page in pages for post in posts_from(path, page)]
    posts += [(url, JUNK) for route in routes() if not route.is_admin
              for url in fill(route, ids=id_pool(world), slugs=slugs)]
    assert any("/urge/" in target for target, _ in posts) and any("/decide/" in target for target, _ in posts)
    for target, data in posts:
        assert manager.post(target, data).status_code < 500, target
        assert not changed_tables(before), f"the manager changed data through POST {target}"
    assert manager.get("/portal/").status_code == 200


# --- the probes of issue 12, one by one -------------------------------------------------------------


def _version_url(task: Task) -> str:
    old = task.history.order_by("history_id").first()
    return reverse("admin:tracker_task_simple_history", args=[task.pk, old.history_id])


def test_history_version_page_shows_the_old_values_read_only(world):
    task = world.tasks_b[0]
    response = _client(world.manager).get(_version_url(task))
    assert response.status_code == 200
    html = response.content.decode()
    assert "历史版本只读" in html and "推进紧密型县域医共体建设" in html
    post_forms = [f for f in page_forms(html, "http://testserver/") if f.method == "post"
                  and "logout" not in f.action]
    assert post_forms == []


@pytest.mark.parametrize("who", ["manager", "office"])
def test_nobody_reverts_a_task_through_its_history(world, who):
    """Issue 12: the manager took a task from 办理中 to 待审核 and changed its title; the office took a
    已销号 task back to 办理中. Both by POSTing the history version form; neither wrote an event."""
    task = world.tasks_b[2] if who == "office" else world.tasks_b[0]
    task.refresh_from_db()
    url = _version_url(task)
    before = (task.status, task.title, task.signed_off_at, task.events.count(), task.history.count())
    data = {"ref": "1.", "title": "改过的标题", "text": "改过的内容，由历史页面提交。", "category": "ordinary",
            "line_start": "1", "line_end": "1", "flags": "[]", "status": "pending_review", "_save": "恢复"}
    response = _client(getattr(world, who)).post(url, data)
    assert response.status_code == 403
    task.refresh_from_db()
    assert (task.status, task.title, task.signed_off_at, task.events.count(), task.history.count()) == before


def test_nobody_reverts_a_deadline_through_its_history(world):
    deadline = world.tasks_b[0].deadlines.order_by("pk").first()
    old = deadline.history.order_by("history_id").first()
    url = reverse("admin:tracker_deadline_simple_history", args=[deadline.pk, old.history_id])
    for user in (world.manager, world.office):
        assert _client(user).post(url, {"due_on": "2031-12-31", "note": "改"}).status_code == 403
    deadline.refresh_from_db()
    assert deadline.due_on != __import__("datetime").date(2031, 12, 31) and deadline.corrected_by is None


def test_manager_cannot_resend_reminders_and_the_office_can(world):
    failed = Reminder.objects.get(status=Reminder.Status.FAILED)
    data = {"action": "retry_failed", ACTION_CHECKBOX_NAME: [str(failed.pk)], "index": "0"}
    url = reverse("admin:tracker_reminder_changelist")
    _client(world.manager).post(url, data)
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (Reminder.Status.FAILED, 5)
    _client(world.office).post(url, data)
    failed.refresh_from_db()
    assert failed.attempts == 0


def test_office_corrections_through_the_admin_record_an_event(world):
    task = world.tasks_b[0]
    events = TaskEvent.objects.filter(task=task, action=TaskEvent.Action.EDIT).count()
    office = _client(world.office)
    url = reverse("admin:tracker_task_change", args=[task.pk])
    form = next(f for f in page_forms(office.get(url).content.decode(), f"http://testserver{url}")
                if "task_form" in f.action or f.action.endswith("/change/"))
    payload = form.payload()
    payload["title"] = "推进医共体建设（督查室更正）"
    assert office.post(url, payload).status_code == 302
    task.refresh_from_db()
    assert task.title == "推进医共体建设（督查室更正）"
    assert TaskEvent.objects.filter(task=task, action=TaskEvent.Action.EDIT).count() == events + 1
