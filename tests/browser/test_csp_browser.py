"""The Content-Security-Policy in a real browser: admin pages (dashboard, change forms with their widgets,
history) and portal pages load without a single CSP violation in the console, and the admin's own
JavaScript still runs (the filter_horizontal and calendar widgets are built)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.security.world import build_world
from tests.tracker.workflow import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def _watched_page(browser: Any, problems: list[str]) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda m: problems.append(f"{page.url}: {m.text}")
            if m.type in ("error", "warning") and ("Content Security Policy" in m.text or "Refused" in m.text)
            else None)
    page.on("pageerror", lambda e: problems.append(f"{page.url}: {e}"))
    return page


def _login(page: Any, base: str, path: str, username: str, button: str) -> None:
    page.goto(f"{base}{path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click(button)
    page.wait_for_load_state()


def test_admin_and_portal_pages_load_without_csp_violations(
    chromium: Any, live_server: Any, artifacts: Path, settings: Any, tmp_path: Path
) -> None:
    settings.MEDIA_ROOT = tmp_path
    world = build_world(media_root=tmp_path)
    world.office.is_superuser = True  # group permissions are flushed between transactional tests
    world.office.save(update_fields=["is_superuser"])
    task, deadline = world.tasks_b[0], world.tasks_b[0].deadlines.order_by("pk").first()
    version = task.history.order_by("history_id").first().history_id
    problems: list[str] = []
    base = live_server.url

    page = _watched_page(chromium, problems)
    _login(page, base, "/admin/login/?next=/admin/", "office", "input[type=submit]")
    for path in ("/admin/", "/admin/tracker/dashboard/", "/admin/tracker/dashboard/tasks/",
                 f"/admin/tracker/dashboard/departments/{world.unit_b.pk}/", "/admin/tracker/task/",
                 f"/admin/tracker/task/{task.pk}/change/", f"/admin/tracker/task/{task.pk}/history/",
                 f"/admin/tracker/task/{task.pk}/history/{version}/", f"/admin/tracker/directive/{task.directive_id}/change/",
                 f"/admin/tracker/deadline/{deadline.pk}/change/", f"/admin/tracker/department/{world.unit_b.pk}/change/",
                 "/admin/tracker/directive/upload/", "/admin/tracker/loginlockout/",
                 "/admin/tracker/dashboard/assessment/", "/admin/tracker/issueddocument/", "/portal/assessment/",
                 f"/portal/tasks/{task.pk}/"):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
        if path.startswith(f"/admin/tracker/department/{world.unit_b.pk}"):
            assert page.locator("#id_members_from").count() == 1  # SelectFilter2.js ran
            page.screenshot(path=str(artifacts / "csp_department.png"), full_page=True)
        if path.startswith("/admin/tracker/deadline/"):
            page.click("#calendarlink0")  # DateTimeShortcuts.js ran and its calendar opens
            assert page.locator("#calendarbox0").is_visible()
        if path in ("/admin/tracker/dashboard/assessment/", "/admin/tracker/issueddocument/"):
            page.screenshot(path=str(artifacts / f"csp_{path.split('/')[-2]}.png"), full_page=True)
        if path == "/admin/tracker/dashboard/":
            assert page.locator("svg.chart").count() >= 5
            width = page.evaluate("document.querySelector('svg.chart').getBoundingClientRect().width")
            assert 0 < width <= 440
            page.screenshot(path=str(artifacts / "csp_dashboard.png"), full_page=True)

    page = _watched_page(chromium, problems)
    _login(page, base, "/portal/login/", "unit_b", "button[type=submit]")
    for path in ("/portal/", f"/portal/tasks/{task.pk}/", f"/portal/directives/{task.directive_id}/"):
        page.goto(f"{base}{path}")
        page.wait_for_load_state("networkidle")
    assert problems == []
