from __future__ import annotations

from datetime import date

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import AssignmentFactory, DeadlineFactory, DepartmentFactory, TaskFactory, UserFactory
from tracker.models import Assignment, Deadline, Department, DepartmentAlias, Directive, HolidayOverride, Task

pytestmark = pytest.mark.django_db

GAZETTE = (
    "阳泉市人民政府办公室\n关于做好春耕备耕工作的通知\n阳政办发〔2023〕5号\n各县（区）人民政府，市直各单位：\n"
    "一、加强农资供应。市农业农村局要在4月底前完成农资储备。\n二、强化资金保障（市财政局负责）。\n"
    "阳泉市人民政府办公室\n2023年3月15日\n"
)


MGMT = {"occurrences-TOTAL_FORMS": 0, "occurrences-INITIAL_FORMS": 0}


@pytest.fixture
def client() -> Client:
    user = UserFactory(username="admin", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def task() -> Task:
    source_text = "标题\n一、重点任务\n（一）加快建设农产品加工园区，\n2030年底前建成。\n二、保障措施\n"
    task = TaskFactory(line_start=3, line_end=4, directive__source__text=source_text, directive__line_end=5)
    AssignmentFactory(task=task, department=DepartmentFactory(name="市农业农村局"))
    DeadlineFactory(task=task, due_on=date(2030, 12, 31), text="2030年底前")
    return task


@pytest.mark.parametrize("model", ["directive", "task", "department", "deadline", "holidayoverride", "sourcefile",
                                   "taskevent", "progressreport", "extensionrequest", "urge", "attachment",
                                   "reminder"])
def test_changelists_render(client, task, model):
    assert client.get(f"/admin/tracker/{model}/").status_code == 200


def test_directive_list_search_and_filters(client, task):
    number = task.directive.doc_number
    page = client.get("/admin/tracker/directive/", {"q": number}).content.decode()
    assert number in page
    assert client.get("/admin/tracker/directive/", {"year": "2023", "task_bearing__exact": "1"}).status_code == 200


def test_directive_page_shows_numbered_source_and_task_tree(client, task):
    html = client.get(f"/admin/tracker/directive/{task.directive.pk}/change/").content.decode()
    assert "加快建设农产品加工园区" in html and "保障措施" in html
    assert f"/admin/tracker/task/{task.pk}/change/" in html and "市农业农村局" in html


def test_directive_page_lists_recipients_as_words_not_json(client, task):
    Directive.objects.filter(pk=task.directive.pk).update(recipients=["各县（区）人民政府", "市直各单位"])
    html = client.get(f"/admin/tracker/directive/{task.directive.pk}/change/").content.decode()
    assert "各县（区）人民政府、市直各单位" in html


def test_task_page_shows_source_lines_assignments_and_deadlines(client, task):
    html = client.get(f"/admin/tracker/task/{task.pk}/change/").content.decode()
    assert "2030年底前建成" in html and "市农业农村局" in html and "2030年底前" in html


def test_confirm_action_assigns_through_the_service(client, task):
    response = client.post("/admin/tracker/task/", {"action": "confirm_and_assign", ACTION_CHECKBOX_NAME: [task.pk]})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == Task.Status.ASSIGNED and task.confirmed_at is not None
    assert task.events.filter(action="confirm").exists() and task.events.filter(action="assign").exists()


def test_editing_a_task_in_admin_marks_it_edited(client, task):
    url = f"/admin/tracker/task/{task.pk}/change/"
    assignment = task.assignments.get()
    data = {
        "ref": task.ref, "title": "改过的标题", "text": task.text, "parent": "", "category": "ordinary",
        "line_start": 3, "line_end": 4, "flags": ["no_unit"],  # check boxes in Chinese, not a JSON text box
        "assignments-TOTAL_FORMS": 1, "assignments-INITIAL_FORMS": 1,
        "assignments-0-id": assignment.pk, "assignments-0-task": task.pk,
        "assignments-0-department": assignment.department_id, "assignments-0-role": "lead",
        "deadlines-TOTAL_FORMS": 1, "deadlines-INITIAL_FORMS": 1,
        "deadlines-0-id": task.deadlines.get().pk, "deadlines-0-task": task.pk,
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    task.refresh_from_db()
    assert task.title == "改过的标题" and task.edited and task.flags == ["no_unit"]
    page = client.get(url).content.decode()
    assert '<input type="checkbox" name="flags" value="no_unit"' in page and "未写明单位" in page


def test_deadline_correction_keeps_text_and_parsed_date(client, task):
    deadline = task.deadlines.get()
    response = client.post(f"/admin/tracker/deadline/{deadline.pk}/change/", {"due_on": "2030-06-30", "note": "核实", **MGMT})
    assert response.status_code == 302
    deadline.refresh_from_db()
    assert deadline.due_on == date(2030, 6, 30) and deadline.parsed_due_on == date(2030, 12, 31)
    assert deadline.text == "2030年底前" and deadline.corrected_by.username == "admin"
    assert deadline.resolved_by == Deadline.ResolvedBy.PERSON


def test_merge_action_moves_assignments_and_aliases(client, task):
    unknown = Department.objects.create(name="农业局", verified=False)
    DepartmentAlias.objects.create(department=unknown, alias="农业部门")
    other = TaskFactory(directive=task.directive)
    AssignmentFactory(task=other, department=unknown)
    target = Department.objects.get(name="市农业农村局")
    page = client.post("/admin/tracker/department/", {"action": "merge_selected", ACTION_CHECKBOX_NAME: [unknown.pk]})
    assert page.status_code == 200 and "合并到" in page.content.decode()
    done = client.post("/admin/tracker/department/", {"action": "merge_selected", ACTION_CHECKBOX_NAME: [unknown.pk],
                                                      "apply": "1", "target": target.pk})
    assert done.status_code == 302
    assert not Department.objects.filter(pk=unknown.pk).exists()
    assert set(target.aliases.values_list("alias", flat=True)) >= {"农业局", "农业部门"}
    assert Assignment.objects.get(task=other).department == target


def test_upload_form_imports_a_file_and_refuses_an_empty_one(client):
    assert client.get("/admin/tracker/directive/upload/").status_code == 200
    ok = client.post("/admin/tracker/directive/upload/",
                     {"files": SimpleUploadedFile("g.txt", GAZETTE.encode("gb18030"))})
    assert ok.status_code == 302
    assert Directive.objects.filter(doc_number="阳政办发〔2023〕5号").exists()
    empty = client.post("/admin/tracker/directive/upload/", {"files": SimpleUploadedFile("e.txt", b" \n")},
                        follow=True)
    assert "e.txt" in empty.content.decode()


def test_holiday_override_can_be_added(client):
    response = client.post("/admin/tracker/holidayoverride/add/", {"day": "2031-10-08", "is_workday": "on",
                                                                   "note": "调休"})
    assert response.status_code == 302
    assert HolidayOverride.objects.get().is_workday


def test_reextract_action_keeps_edited_tasks(client, task):
    Task.objects.filter(pk=task.pk).update(edited=True, text="督查室改写")
    response = client.post("/admin/tracker/directive/", {"action": "reextract_selected",
                                                         ACTION_CHECKBOX_NAME: [task.directive.pk]}, follow=True)
    assert response.status_code == 200
    assert Task.objects.get(pk=task.pk).text == "督查室改写"
