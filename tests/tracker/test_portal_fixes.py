"""Bugs the portal walks found (tests/tracker/test_portal_forms.py, tests/browser/test_days_browser.py), one test
each, so that each stays fixed on its own."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.tracker.workflow import department_user, lead_of, office_user, workflow_task
from tracker.models import Task
from tracker.services import lifecycle_office, lifecycle_unit

pytestmark = pytest.mark.django_db
S = Task.Status


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_no_extension_form_while_a_request_waits_for_the_office() -> None:
    """The 申请延期 form was shown while a request was pending, and every post of it was refused."""
    user, unit = department_user(username="ext_unit", department_name="市商务局")
    due = timezone.localdate() + timedelta(days=20)
    task = workflow_task(lead=unit, status=S.IN_PROGRESS, due_on=due, text="推进外贸企业稳订单拓市场。")
    client = _client(user)
    assert 'id="form-extension_request-' in client.get(f"/portal/tasks/{task.pk}/").content.decode()
    lifecycle_unit.extension_request_create(
        assignment=lead_of(task), actor=user, reason="受国际航运影响，部分展会推迟到明年举办。",
        requested_due_on=due + timedelta(days=60), current_progress="已完成70%", as_of=timezone.localdate())
    html = client.get(f"/portal/tasks/{task.pk}/").content.decode()
    assert 'id="form-extension_request-' not in html and "延期申请（待审批）" in html
    assert 'id="form-report-' in html  # the unit still reports meanwhile


def test_the_office_list_links_to_tasks_handed_back() -> None:
    """Tasks every lead unit handed back (已退回) wait for 重新交办 but were in no list the office reached."""
    office = office_user()
    _, unit = department_user(username="ret_unit", department_name="市统计局")
    task = workflow_task(lead=unit, status=S.RETURNED, due_on=timezone.localdate() + timedelta(days=30),
                         text="开展经济普查数据质量核查。")
    client = _client(office)
    html = client.get("/portal/tasks/").content.decode()
    assert "开展经济普查数据质量核查" not in html  # not in units' hands: left out of the default list
    assert '<a href="?status=returned" id="returned-link">已退回待重新交办 1 项</a>' in html
    assert f"/portal/tasks/{task.pk}/" in client.get("/portal/tasks/", {"status": "returned"}).content.decode()


def test_the_register_date_picker_offers_no_day_after_today() -> None:
    """A 批示 or meeting date after today is refused on submit; the picker now stops at today."""
    html = _client(office_user()).get("/portal/register/").content.decode()
    field = html.split('id="id_register-instructed_on"')[0].rsplit("<input", 1)[1]
    assert f'max="{timezone.localdate().isoformat()}"' in field


def test_each_pending_extension_and_urge_has_its_own_labelled_form() -> None:
    """The 审批 and 答复 forms were bare inputs sharing one id per page (two co-lead units' requests clashed),
    without a label or the form's one-time token."""
    office = office_user()
    user_a, roads = department_user(username="ext_a", department_name="市交通运输局")
    user_b, housing = department_user(username="ext_b", department_name="市住房和城乡建设局")
    due = timezone.localdate() + timedelta(days=20)
    task = workflow_task(lead=roads, co_leads=(housing,), status=S.IN_PROGRESS, due_on=due, text="推进片区综合改造。")
    requests = [lifecycle_unit.extension_request_create(
        assignment=lead_of(task, unit), actor=user, reason="拆迁安置房建设滞后，需同步调整工期安排。",
        requested_due_on=due + timedelta(days=30), current_progress="已完成60%", as_of=timezone.localdate())
        for user, unit in ((user_a, roads), (user_b, housing))]
    html = _client(office).get(f"/portal/tasks/{task.pk}/").content.decode()
    for extension in requests:
        form = html.split(f'id="form-decide-{extension.pk}"')[1].split("</form>")[0]
        assert f'<label for="id_e{extension.pk}_decide-note">审批说明（可不填）</label>' in form
        assert "<legend>审批意见</legend>" in form and 'name="decide-submission"' in form
    urge = lifecycle_office.task_urge(task=task, actor=office, note="请加快进度。")[0]
    html = _client(user_a).get(f"/portal/tasks/{task.pk}/").content.decode()
    form = html.split(f'id="form-reply-{urge.pk}"')[1].split("</form>")[0]
    assert f'<label for="id_u{urge.pk}_reply-reply">答复</label>' in form and 'name="reply-submission"' in form


def test_a_part_handed_back_shows_no_running_clock() -> None:
    """A part handed back (已退回) showed its 首次反馈 clock as 进行中 though nobody owes it until 重新交办."""
    office = office_user()
    user, unit = department_user(username="clock_unit", department_name="市交通运输局")
    task = workflow_task(lead=unit, status=S.ASSIGNED, due_on=timezone.localdate() + timedelta(days=30),
                         text="推进保障性租赁住房筹集建设。")
    client = _client(office)
    assert "首次反馈：应于" in client.get(f"/portal/tasks/{task.pk}/").content.decode()
    lifecycle_unit.assignment_return(assignment=lead_of(task), actor=user, reason="属住建部门职责，请改由住建局承办。")
    html = client.get(f"/portal/tasks/{task.pk}/").content.decode()
    assert "首次反馈：应于" not in html and 'id="form-reassign-' in html


def test_no_extension_form_once_the_date_has_passed_or_without_a_date() -> None:
    """The demo walk found the 申请延期 form on parts whose date had passed (every post refused: 办理时限已过)."""
    user, unit = department_user(username="late_unit", department_name="市审计局")
    today = timezone.localdate()
    late = workflow_task(lead=unit, status=S.IN_PROGRESS, due_on=today - timedelta(days=1), text="完成审计整改。")
    due_today = workflow_task(lead=unit, status=S.IN_PROGRESS, due_on=today, text="报送审计报告。")
    undated = workflow_task(lead=unit, status=S.IN_PROGRESS, due_on=None, text="常态化开展审计监督。")
    client = _client(user)
    for task, shown in ((late, False), (due_today, True), (undated, False)):
        html = client.get(f"/portal/tasks/{task.pk}/").content.decode()
        assert ('id="form-extension_request-' in html) is shown, task.text
        assert 'id="form-report-' in html
