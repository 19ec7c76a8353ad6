"""Portal views: list with filters, task page content and forms shown only when legal, actions."""
from __future__ import annotations

from datetime import date

import pytest
from django.core import mail
from django.test import Client

from tests.tracker.workflow import PASSWORD, department_user, lead_of, office_user, workflow_task
from tracker.models import SourceFile, Task
from tracker.services import lifecycle_office, lifecycle_unit

pytestmark = pytest.mark.django_db

S = Task.Status


@pytest.fixture
def office():
    return office_user()


@pytest.fixture
def unit():
    return department_user(username="portal_unit", department_name="市农业农村局")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def test_login_page_logs_in_and_redirects_to_my_tasks(unit):
    client = Client()
    page = client.get("/portal/login/")
    assert page.status_code == 200 and "登录" in page.content.decode()
    response = client.post("/portal/login/", {"username": "portal_unit", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/portal/"
    assert client.get("/portal/").status_code == 200


def test_wrong_password_shows_a_chinese_error(unit):
    response = Client().post("/portal/login/", {"username": "portal_unit", "password": "nope"})
    assert "用户名或密码不正确" in response.content.decode()


def test_my_tasks_lists_only_my_departments_tasks_with_lights(unit):
    user, department = unit
    _, other = department_user(username="other", department_name="市林业局")
    mine = workflow_task(lead=department, status=S.SIGNED, due_on=date(2020, 1, 1), text="推进高标准农田建设任务。")
    workflow_task(lead=other, status=S.SIGNED, due_on=date(2030, 1, 1), text="推进国土绿化行动任务。")
    html = _client(user).get("/portal/tasks/").content.decode()
    assert "推进高标准农田建设任务" in html and "推进国土绿化行动任务" not in html
    assert "light-red" in html and "逾期" in html
    assert f"/portal/tasks/{mine.pk}/" in html


def test_my_tasks_filters_by_status(unit):
    user, department = unit
    workflow_task(lead=department, status=S.SIGNED, due_on=date(2030, 1, 1), text="甲事项：编制产业规划。")
    workflow_task(lead=department, status=S.IN_PROGRESS, due_on=date(2030, 1, 1), text="乙事项：建设冷链物流。")
    html = _client(user).get("/portal/tasks/", {"status": S.IN_PROGRESS}).content.decode()
    assert "乙事项" in html and "甲事项" not in html


def test_task_page_shows_excerpt_deadlines_and_only_legal_forms(unit):
    user, department = unit
    source = SourceFile.objects.create(
        name="gazette.txt", sha256="a" * 64, size=10, encoding="utf-8",
        text="标题\n一、重点任务\n（一）加快建设农产品加工园区，\n2030年底前建成。\n二、保障措施\n")
    task = workflow_task(lead=department, status=S.ASSIGNED, due_on=date(2030, 12, 31))
    Task.objects.filter(pk=task.pk).update(line_start=3, line_end=4)
    task.directive.source = source
    task.directive.save(update_fields=["source"])
    html = _client(user).get(f"/portal/tasks/{task.pk}/").content.decode()
    assert "加快建设农产品加工园区" in html and "2030年底前建成" in html and "保障措施" not in html
    assert "2030-12-31" in html
    pk = lead_of(task).pk
    assert f'name="submit-sign-{pk}"' in html and f'name="submit-return-{pk}"' in html
    assert f'name="submit-report-{pk}"' not in html and 'name="submit-sign_off"' not in html
    assert f'name="submit-urge-{pk}"' not in html and 'name="submit-urge"' not in html


def test_office_sees_office_forms(office, unit):
    task = workflow_task(lead=unit[1], status=S.COMPLETION_REQUESTED, due_on=date(2030, 12, 31))
    html = _client(office).get(f"/portal/tasks/{task.pk}/").content.decode()
    pk = lead_of(task).pk
    assert f'name="submit-accept-{pk}"' in html and f'name="submit-send_back-{pk}"' in html
    assert 'name="submit-sign_off"' in html and f'name="submit-sign-{pk}"' not in html
    # 销号 and 退办 carry the fields their services need (a note, a reason).
    assert 'name="sign_off-note"' in html and f'name="send_back-{pk}-reason"' in html


def test_sign_through_the_portal(unit):
    user, department = unit
    task = workflow_task(lead=department, status=S.ASSIGNED, due_on=date(2030, 12, 31))
    pk = lead_of(task).pk
    response = _client(user).post(f"/portal/assignments/{pk}/sign/", {f"sign-{pk}-note": ""}, follow=True)
    assert "已签收" in response.content.decode()
    task.refresh_from_db()
    assert task.status == S.SIGNED


def test_illegal_action_shows_the_transition_error(unit):
    user, department = unit
    task = workflow_task(lead=department, status=S.ASSIGNED, due_on=date(2030, 12, 31))
    pk = lead_of(task).pk
    response = _client(user).post(f"/portal/assignments/{pk}/completion_request/",
                                  {f"completion_request-{pk}-text": "已全部完成并通过验收，佐证材料见附件。"}, follow=True)
    assert "当前状态「已交办」不能执行「申请办结」" in response.content.decode()


def test_boilerplate_report_is_refused_with_a_message(unit):
    user, department = unit
    task = workflow_task(lead=department, status=S.SIGNED, due_on=date(2030, 12, 31))
    pk = lead_of(task).pk
    response = _client(user).post(f"/portal/assignments/{pk}/report/",
                                  {f"report-{pk}-text": "正在推进", f"report-{pk}-percent": "10"}, follow=True)
    assert "空话套话" in response.content.decode()
    assert not task.progress_reports.exists()


def test_extension_request_and_approval_through_the_portal(office, unit):
    user, department = unit
    task = workflow_task(lead=department, status=S.IN_PROGRESS, due_on=date(2099, 6, 30))
    pk = lead_of(task).pk
    _client(user).post(f"/portal/assignments/{pk}/extension_request/", {
        f"extension_request-{pk}-requested_due_on": "2099-09-30",
        f"extension_request-{pk}-reason": "受汛期影响，施工无法按期进行。",
        f"extension_request-{pk}-current_progress": "主体完成60%",
    })
    extension = task.extension_requests.get()
    html = _client(office).get(f"/portal/tasks/{task.pk}/").content.decode()
    assert f"/portal/extensions/{extension.pk}/decide/" in html
    _client(office).post(f"/portal/extensions/{extension.pk}/decide/",
                         {"decide-decision": "approve", "decide-note": "同意"})
    occurrence = lead_of(task).occurrences.get()
    assert (occurrence.due_on, occurrence.original_due_on) == (date(2099, 9, 30), date(2099, 6, 30))
    html = _client(user).get(f"/portal/tasks/{task.pk}/").content.decode()
    assert "原时限 2099-06-30" in html


def test_urge_from_the_task_page_notifies_and_the_unit_replies(
    office, unit, django_capture_on_commit_callbacks, settings
):
    settings.REMINDER_SEND_WINDOW = False
    user, department = unit
    task = workflow_task(lead=department, status=S.SIGNED, due_on=date(2099, 6, 30))
    with django_capture_on_commit_callbacks(execute=True):
        _client(office).post(f"/portal/tasks/{task.pk}/urge/", {"urge-note": "请本周内报送进展"})
    assert len(mail.outbox) == 1
    urge = task.urges.get()
    _client(user).post(f"/portal/urges/{urge.pk}/reply/", {"reply-reply": "已安排专人，周五前报送。"})
    urge.refresh_from_db()
    assert urge.reply == "已安排专人，周五前报送。"
    html = _client(office).get(f"/portal/tasks/{task.pk}/").content.decode()
    assert "请本周内报送进展" in html and "已安排专人" in html


def test_history_shows_events_with_actor_and_unit(office, unit):
    user, department = unit
    task = workflow_task(lead=department, status=S.PENDING_REVIEW, due_on=date(2099, 6, 30))
    lifecycle_office.task_assign(task=task, actor=office, as_of=date(2030, 1, 1))
    lifecycle_unit.assignment_sign(assignment=lead_of(task), actor=user)
    html = _client(user).get(f"/portal/tasks/{task.pk}/").content.decode()
    assert "办理记录" in html and "交办" in html and "签收" in html and "portal_unit" in html
    assert "（已交办 → 已签收）" in html and "· 市农业农村局" in html


def test_get_on_an_action_url_is_refused(unit):
    user, department = unit
    task = workflow_task(lead=department, status=S.ASSIGNED, due_on=date(2030, 12, 31))
    pk = lead_of(task).pk
    assert _client(user).get(f"/portal/assignments/{pk}/sign/").status_code == 405
    assert _client(user).post(f"/portal/assignments/{pk}/nonsense/").status_code == 404
    assert _client(user).post(f"/portal/tasks/{task.pk}/nonsense/").status_code == 404


def test_the_office_lists_tasks_with_each_units_share_done_and_units_list_their_own_parts(office, unit):
    user, department = unit
    _, other = department_user(username="portal_other", department_name="市林业局")
    task = workflow_task(lead=department, co_leads=(other,), status=S.COMPLETION_REQUESTED,
                         due_on=date(2030, 12, 31), text="共同牵头：推进林下经济发展。")
    lifecycle_office.assignment_accept(assignment=lead_of(task, department), actor=office, rating="good")
    html = _client(office).get("/portal/tasks/").content.decode()
    row = html.split("共同牵头：推进林下经济发展")[1].split("</tr>")[0]
    assert '<td class="done-share">1/2</td>' in row
    mine = _client(user).get("/portal/tasks/").content.decode()
    assert "共同牵头：推进林下经济发展" in mine and "已办结" in mine.split("共同牵头")[0].rsplit("<tr", 1)[1]


def test_drafts_are_left_out_of_the_office_list_unless_asked(office, unit):
    workflow_task(lead=unit[1], status=S.PENDING_REVIEW, due_on=date(2030, 12, 31), text="草稿：待审核事项。")
    workflow_task(lead=unit[1], status=S.SIGNED, due_on=date(2030, 12, 31), text="已交办：签收事项。")
    client = _client(office)
    html = client.get("/portal/tasks/").content.decode()
    assert "已交办：签收事项" in html and "草稿：待审核事项" not in html and "待审核 1 项" in html
    assert "草稿：待审核事项" in client.get("/portal/tasks/", {"status": S.PENDING_REVIEW}).content.decode()


def _form_fields(html: str, form_id: str) -> dict[str, list[str]]:
    """The inputs a rendered form posts as the browser would: checked boxes and radios, filled fields."""
    import re

    form = html.split(f'id="{form_id}"')[1].split("</form>")[0]
    fields: dict[str, list[str]] = {}
    radios: set[str] = set()  # radio groups: posted empty until the user picks one (see _typed)
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        kind = re.search(r'type="([^"]+)"', tag)
        if not name or name.group(1) == "csrfmiddlewaretoken":
            continue
        if kind and kind.group(1) == "radio":
            radios.add(name.group(1))
        if kind and kind.group(1) in ("checkbox", "radio") and "checked" not in tag:
            continue
        fields.setdefault(name.group(1), []).append(value.group(1) if value else "")
    for name in radios:
        fields.setdefault(name, [""])
    for name in re.findall(r'<textarea[^>]*name="([^"]+)"', form):
        fields.setdefault(name, [""])
    return fields


def test_the_assign_form_lists_group_members_to_untick_and_asks_for_a_past_date(office):
    from tests.factories import DepartmentFactory
    from tracker.models import Assignment

    counties = [DepartmentFactory(name=n, kind="county_government") for n in ("城区人民政府", "矿区人民政府", "郊区人民政府")]
    group = DepartmentFactory(name="各县区人民政府", kind="group")
    group.members.set(counties)
    task = workflow_task(lead=group, status=S.PENDING_REVIEW, due_on=date(2020, 10, 31), text="各县区开展专项整治。")
    client = _client(office)
    html = client.get(f"/portal/tasks/{task.pk}/").content.decode()
    form = html.split('id="form-assign"')[1].split("</form>")[0]
    assert "城区人民政府（牵头，来自「各县区人民政府」）" in form and "各县区人民政府（牵头）" not in form
    assert "按原时限（2020-10-31，交办即逾期）" in form
    fields = _form_fields(html, "form-assign")
    assert sorted(fields["assign-units"]) == sorted(str(c.pk) for c in counties)  # all ticked
    # As rendered, the past date is not yet decided: refused with the reason, nothing assigned.
    response = client.post(f"/portal/tasks/{task.pk}/assign/", fields, follow=True)
    assert "办理时限：这个字段是必填项。" in response.content.decode()
    assert Task.objects.get(pk=task.pk).status == S.PENDING_REVIEW
    # The office unticks 矿区 and sets a new date.
    fields["assign-units"] = [str(counties[0].pk), str(counties[2].pk)]
    fields["assign-due_choice"] = ["new"]
    fields["assign-new_due_on"] = ["2031-03-31"]
    response = client.post(f"/portal/tasks/{task.pk}/assign/", fields, follow=True)
    assert "已交办" in response.content.decode()
    parts = Assignment.objects.filter(task=task)
    assert set(parts.values_list("department__name", flat=True)) == {"城区人民政府", "郊区人民政府"}
    assert {p.current_due for p in parts} == {date(2031, 3, 31)}


def _typed(fields: dict[str, list[str]], typed: dict[str, str]) -> dict[str, list[str]]:
    """The rendered fields with what a user types into the empty ones."""
    for name in fields:
        for key, value in typed.items():
            if name.endswith(f"-{key}") and fields[name] == [""]:
                fields[name] = [value]
    return fields


def test_every_form_on_the_task_page_posts_through_its_rendered_fields(office, unit):
    """Each form the page renders for a unit and for the office, posted as rendered (plus the text a user
    types), reaches its service: none is missing a field its service needs."""
    user, department = unit
    typed = {"text": "已完成项目立项和可研批复，正在开展施工招标。", "percent": "40", "reason": "该事项需补充材料后再办。",
             "current_progress": "已完成四成", "requested_due_on": "2031-06-30", "rating": "excellent"}
    task = workflow_task(lead=department, status=S.ASSIGNED, due_on=date(2031, 3, 31))
    client = _client(user)
    for action in ("sign", "report", "extension_request", "completion_request"):
        pk = lead_of(task).pk
        html = client.get(f"/portal/tasks/{task.pk}/").content.decode()
        fields = _typed(_form_fields(html, f"form-{action}-{pk}"), typed)
        response = client.post(f"/portal/assignments/{pk}/{action}/", fields, follow=True)
        assert 'class="msg-success"' in response.content.decode(), (action, response.content.decode()[-2000:])
        typed["text"] = "全部完成并通过验收，佐证材料已整理。"
    office_client = _client(office)
    for action in ("send_back", "completion_request", "accept"):
        pk = lead_of(task).pk
        who = client if action == "completion_request" else office_client
        html = who.get(f"/portal/tasks/{task.pk}/").content.decode()
        fields = _typed(_form_fields(html, f"form-{action}-{pk}"), typed)
        typed["text"] = "已补充竣工验收报告，申请办结。"
        response = who.post(f"/portal/assignments/{pk}/{action}/", fields, follow=True)
        assert 'class="msg-success"' in response.content.decode(), (action, response.content.decode()[-2000:])
    assert Task.objects.get(pk=task.pk).status == S.SIGNED_OFF
