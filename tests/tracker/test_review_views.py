"""The review screen, 立项 and 增加时限 over HTTP: office only, every form posted through the fields it renders,
the unit autocomplete (aliases) and the deadline phrase parsed as it is typed; tasks without a directive shown
by their source wherever a directive would be."""
from __future__ import annotations

import io
from datetime import date, timedelta

import lxml.html
import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tests.factories import DepartmentFactory, DirectiveFactory, SourceFileFactory, TaskFactory
from tests.tracker.workflow import department_user, manager_user, office_user
from tracker.models import Assignment, Attachment, Deadline, DepartmentAlias, Task, TaskEvent
from tracker.services.register import task_register

pytestmark = pytest.mark.django_db
SOURCE = ("阳泉市人民政府办公室\n关于做好防汛工作的通知\n\n"
          "一、加强隐患巡查。主汛期前完成巡查，\n同时建立监测台账。\n"
          "二、严格值班值守。各单位落实值班制度。\n"
          "三、做好宣传引导。（市融媒体中心负责）\n")


def _client(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def office():
    return office_user()


@pytest.fixture
def draft_directive():
    """A directive awaiting review: one task without unit and with an unresolved deadline, one that is not a
    task, one whose unit is not verified."""
    directive = DirectiveFactory(source=SourceFileFactory(text=SOURCE), line_start=1, line_end=7,
                                 issued_on=date(2026, 5, 20))
    patrol = TaskFactory(directive=directive, ref="一、", text="加强隐患巡查。主汛期前完成巡查，同时建立监测台账。",
                         title="加强隐患巡查", line_start=4, line_end=5, flags=["no_unit", "deadline_unresolved"])
    Deadline.objects.create(task=patrol, text="主汛期前", kind="holiday", flags=["unresolved"])
    duty = TaskFactory(directive=directive, ref="二、", text="严格值班值守。各单位落实值班制度。", title="严格值班值守",
                       line_start=6, line_end=6)
    media = TaskFactory(directive=directive, ref="三、", text="做好宣传引导。（市融媒体中心负责）", title="做好宣传引导",
                        line_start=7, line_end=7)
    Assignment.objects.create(task=media, department=DepartmentFactory(name="市融媒体中心", verified=False))
    return directive, patrol, duty, media


def _forms(html: str) -> dict[str, tuple[str, dict[str, list[str]]]]:
    """Every form of the page by id: its action and what a browser would send as rendered."""
    doc = lxml.html.fromstring(html)
    found = {}
    for form in doc.forms:
        data: dict[str, list[str]] = {}
        for name, value in form.form_values():
            data.setdefault(name, []).append(value)
        button = form.xpath(".//button[@type='submit'][@name]")
        if button:
            data[button[0].get("name")] = [""]
        found[form.get("id") or form.get("action")] = (form.get("action"), data)
    return found


def _post(client, html, form_id, **typed):
    """POST the form as rendered, with what the user types into the fields named `<prefix>-<key>`."""
    action, data = _forms(html)[form_id]
    for key, value in typed.items():
        names = [n for n in data if n.endswith(f"-{key}")] or [f"{form_id.removeprefix('form-')}-{key}"]
        data[names[0]] = value if isinstance(value, list) else [value]
    return client.post(action, data, follow=True)


def _ok(response):
    html = response.content.decode()
    assert 'class="msg-success"' in html, html[html.find("<main>"):][:1500]
    return html


# --- who may come in ------------------------------------------------------------------------------------


def test_departments_and_managers_are_refused_every_review_page_and_change_nothing(draft_directive):
    directive, patrol, duty, media = draft_directive
    user, _ = department_user(username="u1")
    part = media.assignments.get()
    urls = ["/portal/review/", f"/portal/review/directives/{directive.pk}/", f"/portal/review/tasks/{patrol.pk}/",
            "/portal/register/", "/portal/review/departments/?q=市", "/portal/review/deadline-parse/?text=6月底前"]
    posts = [f"/portal/review/tasks/{patrol.pk}/dismiss/", f"/portal/review/units/{part.pk}/remove/",
             f"/portal/review/directives/{directive.pk}/assign/", "/portal/register/",
             f"/portal/tasks/{patrol.pk}/deadlines/add/", f"/portal/review/deadlines/{patrol.deadlines.get().pk}/remove/"]
    for who in (user, manager_user()):
        client = _client(who)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 403, url
            assert "只有督查室" in response.content.decode()
        for url in posts:
            assert client.post(url, {"text": "6月底前", "reason": "x"}).status_code == 403, url
    assert Task.objects.filter(status=Task.Status.PENDING_REVIEW).count() == 3 and not TaskEvent.objects.exists()
    assert Client().get("/portal/review/")["Location"].startswith("/portal/login/")


# --- the screen -----------------------------------------------------------------------------------------


def test_the_screen_shows_numbered_source_lines_beside_the_tasks_with_flags_in_chinese(office, draft_directive):
    directive, patrol, duty, media = draft_directive
    html = _client(office).get(f"/portal/review/directives/{directive.pk}/").content.decode()
    doc = lxml.html.fromstring(html)
    lines = doc.xpath("//ol[@id='source-lines']/li")
    assert [li.get("id") for li in lines] == [f"L{n}" for n in range(1, 8)]
    assert lines[4].text_content() == "5同时建立监测台账。"
    card = doc.get_element_by_id(f"task-{patrol.pk}")
    assert (card.get("data-line-start"), card.get("data-line-end")) == ("4", "5")
    flags = [f.text_content() for f in card.xpath(".//header//span[@class='flag']")]
    assert flags == ["未写明单位", "时限无法解析", "无明确时限"]
    media_card = doc.get_element_by_id(f"task-{media.pk}")
    assert [f.text_content() for f in media_card.xpath(".//header//span[@class='flag']")] == ["单位未核实", "无明确时限"]
    for raw in ("no_unit", "deadline_unresolved", "unresolved", "None", "pending_review"):
        assert raw not in doc.text_content()
    # The editing panel is a page of its own too (review.js loads it into the card when opened).
    panel = _client(office).get(f"/portal/review/tasks/{patrol.pk}/?fragment=1").content.decode()
    assert f'id="form-t{patrol.pk}-split"' in panel and "<html" not in panel


def test_every_review_form_posts_through_its_rendered_fields(office, draft_directive):
    directive, patrol, duty, media = draft_directive
    DepartmentAlias.objects.create(department=DepartmentFactory(name="市水利局"), alias="市水务局")
    client = _client(office)
    page = f"/portal/review/tasks/{patrol.pk}/"

    html = client.get(page).content.decode()
    _ok(_post(client, html, f"form-t{patrol.pk}-unit", department="市水务局"))  # by its alias
    html = _ok(_post(client, client.get(page).content.decode(), f"form-t{patrol.pk}-deadline", text="6月底前"))
    deadline = patrol.deadlines.get(text="6月底前")
    assert deadline.due_on == date(2026, 6, 30)  # counted from the directive's issue date
    old = patrol.deadlines.get(text="主汛期前")
    _ok(_post(client, client.get(page).content.decode(), f"form-d{old.pk}-set", text="7月15日前"))
    assert Deadline.objects.get(pk=old.pk).due_on == date(2026, 7, 15)
    _ok(_post(client, client.get(page).content.decode(), f"form-d{old.pk}-remove"))
    assert not Deadline.objects.filter(pk=old.pk).exists()
    _ok(_post(client, client.get(page).content.decode(), f"form-t{patrol.pk}-edit",
              text="加强隐患巡查。6月底前完成巡查，同时建立监测台账。"))
    _ok(_post(client, client.get(page).content.decode(), f"form-t{patrol.pk}-split", second_starts="同时建立"))
    patrol.refresh_from_db()
    second = Task.objects.get(ref="一、之二")
    assert patrol.text == "加强隐患巡查。6月底前完成巡查，" and second.text == "同时建立监测台账。"
    assert list(second.assignments.values_list("department__name", flat=True)) == ["市水利局"]
    assert patrol.flags == []  # 未写明单位 and 时限无法解析 were settled by the office

    screen = f"/portal/review/directives/{directive.pk}/"
    part = patrol.assignments.get()
    _ok(_post(client, client.get(screen).content.decode(), f"form-a{part.pk}-role"))  # the card's own forms
    assert Assignment.objects.get(pk=part.pk).role == "support"
    _ok(_post(client, client.get(screen).content.decode(), f"form-a{part.pk}-role"))
    html = client.get(f"/portal/review/tasks/{second.pk}/").content.decode()
    action, data = _forms(html)[f"form-t{second.pk}-merge"]
    assert data[f"t{second.pk}-merge-other"] == [str(duty.pk)]  # the one after is offered first
    _ok(_post(client, html, f"form-t{second.pk}-merge", other=str(patrol.pk)))  # 一、 takes its part back
    assert not Task.objects.filter(pk=second.pk).exists()
    assert Task.objects.get(pk=patrol.pk).text == "加强隐患巡查。6月底前完成巡查，同时建立监测台账。"
    _ok(_post(client, client.get(f"/portal/review/tasks/{duty.pk}/").content.decode(), f"form-t{duty.pk}-dismiss",
              reason="属日常要求"))
    assert Task.objects.get(pk=duty.pk).status == Task.Status.DISMISSED
    _ok(_post(client, client.get(screen).content.decode(), f"form-t{duty.pk}-restore"))
    _ok(_post(client, client.get(f"/portal/review/tasks/{duty.pk}/").content.decode(), f"form-t{duty.pk}-dismiss"))
    media_part = media.assignments.get()
    _ok(_post(client, client.get(screen).content.decode(), f"form-a{media_part.pk}-remove"))
    assert not media.assignments.exists()
    assert TaskEvent.objects.filter(task=patrol, action="edit", note__contains="市水利局").exists()


def test_bulk_assign_through_the_screen_shows_what_was_held_back_and_why(office, draft_directive):
    directive, patrol, duty, media = draft_directive
    client = _client(office)
    screen = f"/portal/review/directives/{directive.pk}/"
    roads = DepartmentFactory(name="市水利局")
    Assignment.objects.create(task=patrol, department=roads)
    Deadline.objects.filter(task=patrol).update(due_on=timezone.localdate() + timedelta(days=30))
    html = _ok(_post(client, client.get(screen).content.decode(), "form-bulk"))
    assert Task.objects.get(pk=patrol.pk).status == Task.Status.ASSIGNED
    held = lxml.html.fromstring(html).get_element_by_id("held").text_content()
    assert "暂未交办的事项（2 项）" in held
    assert "二、 严格值班值守：没有明确的办理时限" in held and "三、 做好宣传引导：没有明确的办理时限" in held
    # Deciding "长期" for the undated ones assigns the one with a lead unit; 值班值守 has none.
    html = _post(client, client.get(screen).content.decode(), "form-bulk", undated="ongoing").content.decode()
    # Nothing assigned this time: said as a warning, not as a green "done".
    page = lxml.html.fromstring(html)
    assert page.xpath("string(//li[@class='msg-warning'])") == "已确认并交办 0 项，2 项暂未交办（原因见下）"
    assert not page.xpath("//li[@class='msg-success']")
    held = page.get_element_by_id("held").text_content()
    assert "二、 严格值班值守：该事项尚未指定牵头单位，不能交办" in held
    assert "三、 做好宣传引导：「市融媒体中心」尚未核实或已停用" in held
    assert Task.objects.filter(status=Task.Status.PENDING_REVIEW).count() == 2


def test_the_review_list_pages_through_directives_awaiting_review(office, draft_directive):
    for n in range(51):
        TaskFactory(directive=DirectiveFactory(title=f"第{n}号通知"))
    client = _client(office)
    first = client.get("/portal/review/").content.decode()
    assert "共 52 件" in first and "第 1 / 2 页" in first
    second = client.get("/portal/review/?page=2").content.decode()
    assert second.count("/portal/review/directives/") == 2


# --- the JSON endpoints --------------------------------------------------------------------------------


def test_the_unit_autocomplete_matches_names_short_names_and_aliases_closest_first(office):
    health = DepartmentFactory(name="市卫生健康委员会")
    DepartmentAlias.objects.create(department=health, alias="市卫健委")
    DepartmentFactory(name="市卫健委员会办公室")
    DepartmentFactory(name="市卫生监督所", active=False)
    DepartmentFactory(name="中国人民银行阳泉市中心支行", short_name="人行阳泉中支")
    DepartmentFactory(name="市卫生培训中心", verified=False)
    client = _client(office)
    results = client.get("/portal/review/departments/", {"q": "卫健委"}).json()["results"]
    assert results == [{"name": "市卫生健康委员会", "hint": "别名：市卫健委"}, {"name": "市卫健委员会办公室", "hint": ""}]
    results = client.get("/portal/review/departments/", {"q": "市卫生"}).json()["results"]
    assert results == [{"name": "市卫生健康委员会", "hint": ""}, {"name": "市卫生培训中心", "hint": "未核实"}]
    assert client.get("/portal/review/departments/", {"q": "人行"}).json()["results"] == [
        {"name": "中国人民银行阳泉市中心支行", "hint": "简称：人行阳泉中支"}]
    assert client.get("/portal/review/departments/", {"q": ""}).json() == {"results": []}


def test_the_deadline_phrase_is_parsed_as_typed_in_chinese(office, draft_directive):
    directive, patrol, *_ = draft_directive
    client = _client(office)
    data = client.get("/portal/review/deadline-parse/", {"text": "6月底前", "task": patrol.pk}).json()
    assert data["reference"] == "按发文日期 2026-05-20 推算"
    assert data["deadlines"] == [{"text": "6月底前", "due": "2026-06-30", "summary": "2026年6月30日（星期二）",
                                  "recurrence": "", "flags": []}]
    data = client.get("/portal/review/deadline-parse/", {"text": "每季度末", "on": "2026-01-05"}).json()
    assert data["reference"] == "按批示（会议）日期 2026-01-05 推算"
    assert data["deadlines"][0]["summary"] == "每季度，首次 2026年3月31日（星期二）"
    data = client.get("/portal/review/deadline-parse/", {"text": "尽快"}).json()
    assert data["deadlines"] == [] and "未能识别时限" in data["message"]
    data = client.get("/portal/review/deadline-parse/", {"text": "2026年10月1日", "on": "2026-01-05"}).json()
    assert data["deadlines"][0]["flags"] == ["当天不是工作日"]


# --- 立项 and 增加时限 ------------------------------------------------------------------------------------


def test_register_form_posts_through_its_rendered_fields_and_assigns(office):
    leader = manager_user()
    leader.first_name = "李副市长"
    leader.save()
    _, unit = department_user(username="u1", department_name="市住房和城乡建设局")
    DepartmentAlias.objects.create(department=unit, alias="市住建局")
    DepartmentFactory(name="市财政局")
    client = _client(office)
    html = client.get("/portal/register/").content.decode()
    assert "李副市长" in html
    action, data = _forms(html)["form-register"]
    typed = {"source_kind": "meeting", "source_ref": "会议纪要〔2026〕12号", "instructed_by": "王市长",
             "instructed_on": str(timezone.localdate()), "text": "加快推进城区老旧小区改造，年内完成供热管网改造。",
             "leads": "市住建局、", "supports": "市财政局", "deadline_text": "3个月内",
             "leader": str(leader.pk), "category": "major", "assign_now": "on"}
    for key, value in typed.items():
        data[f"register-{key}"] = [value]
    data["register-files"] = SimpleUploadedFile("会议纪要.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    html = _ok(client.post(action, data, follow=True))
    task = Task.objects.get()
    assert "已立项并交办" in html and task.status == Task.Status.ASSIGNED
    assert (task.source_kind, task.source_ref, task.leader, task.directive) == ("meeting", "会议纪要〔2026〕12号",
                                                                                leader, None)
    deadline = task.deadlines.get()
    assert deadline.text == "3个月内" and deadline.due_on > timezone.localdate() + timedelta(days=80)
    page = lxml.html.fromstring(html)
    assert page.get_element_by_id("task-source").text_content() == "会议纪要 · 会议纪要〔2026〕12号"
    assert "会议纪要.pdf" in page.get_element_by_id("task-files").text_content()
    attachment = Attachment.objects.get(task=task)
    download = _client(department_user(username="u1b", department=unit)[0]).get(
        f"/portal/attachments/{attachment.pk}/")
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")


def test_register_form_says_what_is_wrong_and_keeps_what_was_typed(office):
    client = _client(office)
    action, data = _forms(client.get("/portal/register/").content.decode())["form-register"]
    data.update({"register-text": ["推进一件事情的具体工作。"], "register-leads": ["不存在的单位"],
                 "register-source_kind": ["instruction"]})
    html = client.post(action, data).content.decode()
    assert "单位目录中没有「不存在的单位」" in html and "推进一件事情的具体工作。" in html
    assert not Task.objects.exists()


def test_the_office_adds_a_deadline_to_an_assigned_task_from_its_page(office):
    from tests.tracker.workflow import workflow_task

    _, unit = department_user(username="u1")
    task = workflow_task(lead=unit, status=Task.Status.SIGNED, due_on=timezone.localdate() + timedelta(days=200))
    client = _client(office)
    html = client.get(f"/portal/tasks/{task.pk}/").content.decode()
    due = timezone.localdate() + timedelta(days=20)
    html = _ok(_post(client, html, "form-deadline_add", due_on=str(due)))
    assert task.deadlines.filter(due_on=due).exists()
    assert Task.objects.get(pk=task.pk).current_due == due
    unit_page = _client(department_user(username="u2", department=unit)[0]).get(f"/portal/tasks/{task.pk}/")
    assert "form-deadline_add" not in unit_page.content.decode()


# --- tasks without a directive, wherever a directive would show ---------------------------------------------


def test_a_registered_task_shows_its_source_in_lists_the_ledger_and_the_admin(office):
    user, unit = department_user(username="u1", department_name="市住房和城乡建设局")
    task = task_register(actor=office, as_of=timezone.localdate(), source_kind="instruction",
                         source_ref="市长批示〔2026〕3号", instructed_by="王市长", text="研究解决供热管网老化问题。",
                         leads=[unit], due_on=timezone.localdate() + timedelta(days=30), assign=True)
    office_client = _client(office)
    assert "市长批示〔2026〕3号" in office_client.get("/portal/tasks/").content.decode()
    assert "市长批示〔2026〕3号" in _client(user).get("/portal/tasks/").content.decode()
    sheet = openpyxl.load_workbook(io.BytesIO(office_client.get("/portal/export/ledger/xlsx/").content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    row = next(r for r in rows if "研究解决供热管网老化问题。" in r)
    assert row[1:4] == ["市长批示〔2026〕3号", "领导批示", "王市长"]
    admin = office_client.get("/admin/tracker/task/").content.decode()
    assert "市长批示〔2026〕3号" in admin
    assert office_client.get(f"/admin/tracker/task/{task.pk}/change/").status_code == 200
    filtered = office_client.get("/portal/tasks/", {"source_kind": "instruction"}).content.decode()
    assert "研究解决供热管网老化问题" in filtered
    assert "研究解决供热管网老化问题" not in office_client.get("/portal/tasks/", {"source_kind": "meeting"}).content.decode()
    # The dashboard's per-directive table leaves it out; its drill-down lists it by its reference.
    assert office_client.get("/admin/tracker/dashboard/").status_code == 200
    drill = office_client.get("/admin/tracker/dashboard/tasks/", {"department": unit.pk}).content.decode()
    assert "市长批示〔2026〕3号" in drill


def test_the_admin_shows_flags_as_chinese_words(office):
    TaskFactory(flags=["no_unit", "deadline_unresolved"])
    office.is_superuser = True
    office.save()
    html = _client(office).get("/admin/tracker/task/").content.decode()
    assert "未写明单位、时限无法解析" in html and "no_unit" not in html
