"""A unit guessing ids of another unit's objects in any URL gets 403/404 (or the login page), never a
page with the other unit's data and never a change. Generated from the resolver: every route with an
id parameter is filled with the id of every row unit B owns (tasks, directives, reports, attachments,
extension requests, urges, occurrences, deadlines, assignments, events, reminders, its department …);
string parameters take the values the pages themselves link to."""
from __future__ import annotations

import pytest

from tests.security.conftest import logged_in
from tests.security.walk import (
    JUNK,
    body,
    changed_tables,
    fill,
    int_params,
    portal_pages,
    routes,
    slugs_of,
    snapshot,
)
from tests.security.world import B_MARKERS

pytestmark = pytest.mark.django_db


def _refused(response) -> bool:
    if response.status_code in (403, 404, 405):
        return True
    return response.status_code == 302 and "login" in response["Location"]


def test_guessing_another_units_ids_in_every_url_shows_nothing_and_changes_nothing(world):
    guesser = logged_in(world.user_a)
    slugs = slugs_of(portal_pages(world.office, world.user_b))
    b_ids = sorted(obj.pk for obj in world.b_objects)
    before = snapshot()
    walked: set[str] = set()
    for route in routes():
        if not int_params(route):
            continue
        for url in fill(route, ids=b_ids, slugs=slugs):
            for method, data in (("get", None), ("post", JUNK)):
                response = getattr(guesser, method)(url, data)
                content = body(response)
                leaked = [marker for marker in B_MARKERS if marker.encode() in content]
                assert not leaked, f"{method.upper()} {url} showed {leaked}"
                assert _refused(response), f"{method.upper()} {url} → {response.status_code}"
            walked.add(route.name)
    assert not changed_tables(before)
    assert {"tracker:task_detail", "tracker:task_action", "tracker:attachment_download", "tracker:directive_detail",
            "tracker:extension_decide", "tracker:urge_reply", "tracker:occurrence_complete"} <= walked


def test_the_owner_reaches_the_same_urls(world):
    """The walk above means something: unit B itself opens its task, directive and attachment."""
    owner = logged_in(world.user_b)
    task = world.tasks_b[0]
    attachment = task.progress_reports.get().attachments.get()
    for url in (f"/portal/tasks/{task.pk}/", f"/portal/directives/{task.directive_id}/",
                f"/portal/attachments/{attachment.pk}/"):
        response = owner.get(url)
        assert response.status_code == 200
        content = body(response)
        assert any(marker.encode() in content for marker in B_MARKERS), url
