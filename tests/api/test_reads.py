"""Reads: a task's shape (codes with Chinese labels, 北京时间 +08:00, lights, deadlines, source lines, every
unit's part), pagination, and the portal's filters: the same query string counts the same rows."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.api.conftest import lead, token_client
from tests.factories import DirectiveFactory, SourceFileFactory
from tests.tracker.workflow import department_user, workflow_task
from tracker.models import Task
from tracker.services import lifecycle_unit
from tracker.services.register import task_register

pytestmark = pytest.mark.django_db
S = Task.Status
OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$")


def test_a_task_carries_what_another_system_needs(people):
    source = SourceFileFactory(text="关于医共体建设的通知\n一、推进紧密型县域医共体建设，\n年底前实现全覆盖。\n")
    directive = DirectiveFactory(title="关于医共体建设的通知", source=source, line_start=1, line_end=3)
    task = workflow_task(lead=people.unit_b, support=(people.unit_a,), status=S.ASSIGNED, due_on=date(2030, 6, 30),
                         directive=directive, text="推进紧密型县域医共体建设，年底前实现全覆盖。")
    Task.objects.filter(pk=task.pk).update(line_start=2, line_end=3)
    part = lead(task)
    lifecycle_unit.assignment_sign(assignment=part, actor=people.user_b)
    body = token_client(people.user_b).get(f"/api/v1/tasks/{task.pk}/").json()
    assert body["id"] == task.pk and body["directive"] == {"id": directive.pk, "doc_number": directive.doc_number,
                                                           "title": "关于医共体建设的通知"}
    assert (body["status"], body["status_label"]) == ("signed", "已签收")
    assert (body["source_kind"], body["source_kind_label"]) == ("directive", "文件")
    assert body["due"] == "2030-06-30" and (body["light"], body["light_label"]) == ("green", "正常")
    assert body["source_lines"] == [{"number": 2, "text": "一、推进紧密型县域医共体建设，"},
                                    {"number": 3, "text": "年底前实现全覆盖。"}]
    assert body["deadlines"] == [{"id": task.deadlines.get().pk, "text": "2030年06月30日前", "due": "2030-06-30",
                                  "recurrence": "", "recurrence_label": "一次性"}]
    units = {u["department"]["name"]: u for u in body["assignments"]}
    assert set(units) == {"市卫生健康委", "市教育局"}
    mine = units["市卫生健康委"]
    assert (mine["id"], mine["role"], mine["role_label"], mine["status"], mine["status_label"]) == (
        part.pk, "lead", "牵头", "signed", "已签收")
    assert OFFSET.match(mine["signed_at"]) and mine["due"] == "2030-06-30" and mine["light"] == "green"
    assert units["市教育局"]["role_label"] == "配合"
    assert (body["units_total"], body["units_accepted"]) == (1, 0)
    assert OFFSET.match(body["assigned_at"]) and OFFSET.match(body["created_at"])
    signed = timezone.localtime(part.__class__.objects.get(pk=part.pk).signed_at)
    assert mine["signed_at"] == signed.replace(microsecond=0).isoformat()
    assert body["portal_url"].endswith(f"/portal/tasks/{task.pk}/")


def test_a_task_registered_by_hand_has_its_source_and_no_directive(people):
    task = task_register(actor=people.office, as_of=date(2026, 3, 2), source_kind="meeting", text="研究推进老旧小区改造，6月底前完成方案。",
                         leads=[people.unit_a], source_ref="市政府常务会议纪要〔2026〕12号", deadline_text="6月底前",
                         instructed_on=date(2026, 3, 1), assign=True)
    body = token_client(people.user_a).get(f"/api/v1/tasks/{task.pk}/").json()
    assert body["directive"] is None and body["source_lines"] == []
    assert (body["source_kind"], body["source_kind_label"], body["source_ref"]) == (
        "meeting", "会议纪要", "市政府常务会议纪要〔2026〕12号")
    assert body["deadlines"][0]["text"] == "6月底前" and body["deadlines"][0]["due"] == "2026-06-30"
    assert body["status"] == "assigned" and body["assignments"][0]["department"]["name"] == "市教育局"


def test_lists_are_paginated_up_to_500(people):
    Task.objects.bulk_create([Task(directive=people.task_a.directive, text=f"批量任务{i}", status=S.ASSIGNED)
                              for i in range(501)])
    office = token_client(people.office)
    first = office.get("/api/v1/tasks/?page_size=2").json()
    assert first["count"] == 503 and len(first["results"]) == 2 and first["previous"] is None
    assert "page=2" in first["next"] and "page_size=2" in first["next"]
    second = office.get(first["next"]).json()
    assert second["previous"] is not None and not {r["id"] for r in second["results"]} & {
        r["id"] for r in first["results"]}
    capped = office.get("/api/v1/tasks/?page_size=1000").json()
    assert len(capped["results"]) == 500 and capped["next"] is not None
    assert len(office.get("/api/v1/tasks/").json()["results"]) == 50


@pytest.fixture
def spread(people):
    """Tasks in every state and light, for two units, one overdue, one due soon, one a draft."""
    today = timezone.localdate()
    unit_c = department_user(username="api_c", department_name="市住房和城乡建设局")[1]
    plan = [
        (people.unit_a, S.ASSIGNED, today - timedelta(days=3), "医共体 逾期一"),
        (people.unit_a, S.SIGNED, today + timedelta(days=1), "即将到期"),
        (people.unit_a, S.IN_PROGRESS, today + timedelta(days=200), "进展正常"),
        (people.unit_b, S.IN_PROGRESS, today - timedelta(days=10), "医共体 逾期二"),
        (people.unit_b, S.COMPLETION_REQUESTED, today + timedelta(days=30), "申请办结"),
        (people.unit_b, S.SIGNED_OFF, today - timedelta(days=40), "已销号"),
        (unit_c, S.PENDING_REVIEW, today + timedelta(days=60), "医共体 草稿"),
        (unit_c, S.RETURNED, today + timedelta(days=60), "已退回"),
    ]
    tasks = [workflow_task(lead=unit, status=status, due_on=due, text=f"{label}的工作任务，按期完成。")
             for unit, status, due, label in plan]
    workflow_task(lead=people.unit_a, support=(people.unit_b,), status=S.IN_PROGRESS, due_on=today - timedelta(days=1),
                  text="配合单位也在其中的逾期任务。")
    return tasks


QUERIES = ["", "status=in_progress", "status=pending_review", "status=assigned&status=signed", "overdue=true",
           "light=red", "light=yellow", "light=green", "q=医共体", "status=returned"]


def _portal_count(user, query: str) -> int:
    client = Client()
    client.force_login(user)
    response = client.get(f"/portal/tasks/?{query}")
    assert response.status_code == 200
    return response.context["filterset"].qs.count()


def test_the_offices_task_list_counts_what_the_portal_counts_for_the_same_query(people, spread):
    today = timezone.localdate()
    queries = [*QUERIES, f"department={people.unit_b.pk}", f"due_after={today}&due_before={today + timedelta(days=40)}",
               f"directive={spread[0].directive_id}"]
    office = token_client(people.office)
    seen = set()
    for query in queries:
        api = office.get(f"/api/v1/tasks/?{query}")
        assert api.status_code == 200, (query, api.content)
        assert api.json()["count"] == _portal_count(people.office, query), query
        seen.add(api.json()["count"])
    assert len(seen) >= 5  # the queries really filter


def test_a_units_parts_list_counts_what_its_portal_counts(people, spread):
    queries = [q.replace("status=pending_review", "status=accepted") for q in QUERIES] + ["role=support", "role=lead"]
    unit = token_client(people.user_b)
    for query in queries:
        api = unit.get(f"/api/v1/assignments/?{query}")
        assert api.status_code == 200, (query, api.content)
        assert api.json()["count"] == _portal_count(people.user_b, query), query
    results = unit.get("/api/v1/assignments/").json()["results"]
    assert {r["department"]["name"] for r in results} == {"市卫生健康委"}
    dues = [r["due"] for r in results]
    dated = sorted(d for d in dues if d)
    assert dues == dated + [None] * (len(dues) - len(dated))  # most urgent first, undated last, as the portal


def test_the_light_and_overdue_filters_select_what_they_say(people, spread):
    office = token_client(people.office)
    red = office.get("/api/v1/tasks/?light=red").json()["results"]
    assert red and all(r["light"] == "red" for r in red)
    overdue = office.get("/api/v1/tasks/?overdue=true").json()["results"]
    assert {r["id"] for r in overdue} == {r["id"] for r in red}
    assert all(r["due"] < str(timezone.localdate()) for r in overdue)


def test_an_invalid_filter_is_a_400_in_chinese(people):
    response = token_client(people.office).get("/api/v1/tasks/?due_after=tomorrow")
    assert response.status_code == 400 and "日期" in str(response.json())


def test_directives_list_and_detail_with_their_visible_tasks(people):
    a = token_client(people.user_a)
    listed = a.get("/api/v1/directives/").json()
    assert [d["id"] for d in listed["results"]] == [people.task_a.directive_id]
    detail = a.get(f"/api/v1/directives/{people.task_a.directive_id}/").json()
    assert [t["id"] for t in detail["tasks"]] == [people.task_a.pk] and detail["source"]["format"] == "txt"


def test_departments_never_carry_robot_credentials(people):
    people.unit_b.webhook_url = "https://oapi.dingtalk.com/robot/send?access_token=t0p5ecret"
    people.unit_b.webhook_secret = "SECsigning"
    people.unit_b.save(update_fields=["webhook_url", "webhook_secret"])
    office = token_client(people.office)
    body = office.get(f"/api/v1/departments/{people.unit_b.pk}/").content.decode()
    assert "t0p5ecret" not in body and "SECsigning" not in body and "webhook" not in body
    assert office.get("/api/v1/departments/?q=卫生").json()["count"] == 1
    mine = token_client(people.user_a).get("/api/v1/departments/").json()
    assert [d["name"] for d in mine["results"]] == ["市教育局"]


def test_a_task_registered_by_hand_opens_in_the_portal_the_admin_and_the_dashboard(people):
    """The API's 立项 makes tasks without a directive: every page that shows tasks copes with them."""
    task = task_register(actor=people.office, as_of=date(2026, 3, 2), source_kind="instruction",
                         text="研究推进校园食品安全专项整治。", leads=[people.unit_a], source_ref="市长批示〔2026〕8号",
                         instructed_by="张市长", due_on=date(2030, 5, 31), assign=True)
    unit, office = Client(), Client()
    unit.force_login(people.user_a)
    office.force_login(people.office)
    page = unit.get(f"/portal/tasks/{task.pk}/")
    assert page.status_code == 200 and "市长批示〔2026〕8号" in page.content.decode()
    for url in ("/portal/", "/portal/tasks/", "/admin/tracker/task/", f"/admin/tracker/task/{task.pk}/change/", "/admin/tracker/dashboard/"):
        assert office.get(url).status_code == 200, url
