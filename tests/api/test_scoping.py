"""Every route of the API's router, generated (a route added later is walked by itself): a unit's token gets
404 for another unit's objects, read or write, and changes nothing; the manager's token gets 403 on every
write and changes nothing; the office-only writes refuse a unit's token with 403."""
from __future__ import annotations

from datetime import date

import pytest
from django.urls import URLPattern

from tests.api.conftest import lead, token_client
from tests.security.walk import changed_tables, snapshot
from tests.tracker.workflow import workflow_task
from tracker.api.urls import router
from tracker.models import ExtensionRequest, Reminder, Task
from tracker.services import lifecycle_unit

pytestmark = pytest.mark.django_db

PREFIX = "/api/v1/"
# A body each write would accept if the caller were allowed: a refusal then comes from the scope or the role.
BODIES = {
    "sign": {}, "return": {"reason": "不属于本单位职责范围"}, "reports": {"text": "已完成现场排查并建立整改台账。", "percent": 30},
    "extension-requests": {"requested_due_on": "2030-09-30", "reason": "需等待省级批复后方可实施，无法按期完成。",
                           "current_progress": "已完成方案"},
    "completion-request": {"text": "已全部完成并通过验收，附验收报告。"}, "accept": {}, "send-back": {"reason": "佐证材料不全"},
    "assign": {}, "urge": {}, "decide": {"decision": "approve"}, "": {"source_kind": "meeting", "text": "会议议定事项",
                                                                      "leads": []},
    "import": {},
}
OFFICE_ONLY = {"accept", "send-back", "assign", "urge", "decide", "import", "tasks/"}


def _methods(pattern: URLPattern) -> set[str]:
    actions = getattr(pattern.callback, "actions", {}) or {}
    return set(actions)


def _patterns() -> list[tuple[URLPattern, str, bool, str]]:
    return [(p, str(p.pattern), "<int:pk>" in str(p.pattern), str(p.pattern).rstrip("/").rsplit("/", 1)[-1])
            for p in router.urls]


@pytest.fixture
def b_objects(people, settings, tmp_path):
    """Unit B's rows the guesser aims at: its task, its part, an extension request, a reminder, its directive."""
    settings.MEDIA_ROOT = tmp_path
    part = lead(people.task_b)
    lifecycle_unit.assignment_sign(assignment=part, actor=people.user_b)
    extension = lifecycle_unit.extension_request_create(
        assignment=part, actor=people.user_b, reason="需等待省级批复后方可实施，无法按期完成。",
        requested_due_on=date(2030, 9, 30), current_progress="已完成方案", as_of=date(2030, 6, 1))
    reminder = Reminder.objects.create(task=people.task_b, department=people.unit_b, kind=Reminder.Kind.OVERDUE,
                                       channel=Reminder.Channel.EMAIL, sent_on=date(2030, 7, 2), run_token="x")
    return {"tasks": people.task_b.pk, "assignments": part.pk, "extension-requests": extension.pk,
            "reminders": reminder.pk, "directives": people.task_b.directive_id, "departments": people.unit_b.pk}


def _url(pattern: str, pk: int | None) -> str:
    return PREFIX + pattern.replace("<int:pk>", str(pk))


def test_a_units_token_gets_404_for_another_units_objects_on_every_route(people, b_objects):
    guesser = token_client(people.user_a)
    before = snapshot()
    walked = set()
    for pattern, text, has_id, last in _patterns():
        if not has_id:
            continue
        resource = text.split("/", 1)[0]
        url = _url(text, b_objects[resource])
        methods = _methods(pattern)
        for method in methods:
            response = getattr(guesser, method)(url, BODIES.get(last, {}), format="json")
            if resource in ("departments",):
                assert response.status_code == 404, (method, url)  # a unit sees only its own units
            elif resource == "reminders" or last in OFFICE_ONLY:
                assert response.status_code == 403, (method, url, response.status_code)  # the office's, whoever's
            else:
                assert response.status_code == 404, (method, url, response.status_code, response.content[:200])
            walked.add((method, text))
    assert not changed_tables(before)
    assert {("post", "assignments/<int:pk>/sign/"), ("get", "tasks/<int:pk>/"),
            ("post", "assignments/<int:pk>/reports/"), ("get", "directives/<int:pk>/")} <= walked


def test_the_owner_reaches_the_same_objects(people, b_objects):
    owner = token_client(people.user_b)
    for resource in ("tasks", "assignments", "extension-requests", "directives", "departments"):
        assert owner.get(f"{PREFIX}{resource}/{b_objects[resource]}/").status_code == 200, resource


def test_the_managers_token_gets_403_on_every_write_and_changes_nothing(people, b_objects):
    manager = token_client(people.manager)
    before = snapshot()
    writes = 0
    for pattern, text, has_id, last in _patterns():
        resource = text.split("/", 1)[0]
        for method in _methods(pattern) - {"get", "head", "options"}:
            url = _url(text, b_objects[resource]) if has_id else PREFIX + text
            response = getattr(manager, method)(url, BODIES.get(last if has_id or last != resource else "", {}),
                                                format="json")
            assert response.status_code == 403, (method, url, response.status_code)
            assert response.json()["detail"] in ("领导账号只能查看，不能办理。", "只有督查室可以执行此操作。")
            writes += 1
    assert writes >= 12
    assert not changed_tables(before)
    for resource in ("tasks", "assignments", "extension-requests", "directives", "departments"):
        assert manager.get(f"{PREFIX}{resource}/{b_objects[resource]}/").status_code == 200  # reads everything


def test_office_only_writes_refuse_a_units_token_on_its_own_objects(people):
    owner = token_client(people.user_b)
    part = lead(people.task_b)
    before = snapshot()
    for url, body in ((f"{PREFIX}assignments/{part.pk}/accept/", {}),
                      (f"{PREFIX}assignments/{part.pk}/send-back/", {"reason": "佐证材料不全"}),
                      (f"{PREFIX}tasks/{people.task_b.pk}/urge/", {}),
                      (f"{PREFIX}tasks/{people.task_b.pk}/assign/", {}),
                      (f"{PREFIX}tasks/", {"source_kind": "meeting", "text": "会议议定事项", "leads": [1]}),
                      (f"{PREFIX}directives/import/", {})):
        response = owner.post(url, body, format="json")
        assert response.status_code == 403 and response.json()["detail"] == "只有督查室可以执行此操作。", url
    assert owner.get(f"{PREFIX}reminders/").status_code == 403
    assert not changed_tables(before)


def test_a_role_that_may_not_take_a_unit_action_gets_403_not_400(people):
    """The office signing for a unit, a support unit asking for completion: the role, not the status."""
    support_user, support = people.user_a, people.unit_a
    task = workflow_task(lead=people.unit_b, support=(support,), status=Task.Status.IN_PROGRESS,
                         due_on=date(2030, 6, 30))
    support_part = task.assignments.get(department=support)
    response = token_client(support_user).post(f"{PREFIX}assignments/{support_part.pk}/completion-request/",
                                               {"text": "已全部完成并通过验收，附验收报告。"}, format="json")
    assert response.status_code == 403 and response.json()["detail"] == "配合单位不能「申请办结」，由牵头单位办理。"
    signing = token_client(people.office).post(f"{PREFIX}assignments/{lead(people.task_b).pk}/sign/", {},
                                              format="json")
    assert signing.status_code == 403 and signing.json()["detail"] == "只有市卫生健康委可以执行「签收」。"


def test_a_co_leads_part_is_404_for_the_other_co_lead(people):
    task = workflow_task(lead=people.unit_a, co_leads=(people.unit_b,), status=Task.Status.ASSIGNED,
                         due_on=date(2030, 6, 30))
    b_part = task.assignments.get(department=people.unit_b)
    a = token_client(people.user_a)
    assert a.get(f"{PREFIX}tasks/{task.pk}/").status_code == 200  # the shared task is readable
    assert a.post(f"{PREFIX}assignments/{b_part.pk}/sign/", {}, format="json").status_code == 404
    b_part.refresh_from_db()
    assert b_part.status == "assigned"


def test_a_unit_decides_no_extension_even_its_own(people):
    part = lead(people.task_b)
    lifecycle_unit.assignment_sign(assignment=part, actor=people.user_b)
    extension = lifecycle_unit.extension_request_create(
        assignment=part, actor=people.user_b, reason="需等待省级批复后方可实施，无法按期完成。",
        requested_due_on=date(2030, 9, 30), current_progress="已完成方案", as_of=date(2030, 6, 1))
    response = token_client(people.user_b).post(f"{PREFIX}extension-requests/{extension.pk}/decide/",
                                                {"decision": "approve"}, format="json")
    assert response.status_code == 403
    extension.refresh_from_db()
    assert extension.status == ExtensionRequest.Status.PENDING
