"""Each role's whole day from /portal/ in a real browser, never through the admin, asserting on what the pages
show (issue 14: "each role does its whole day from /portal/ without the admin"). Each day starts on the
workbench (督办工作台): every to-do is reached from its inbox entry, whose count drops once it is done.

- The office reviews an imported directive (fixes a unit and a deadline, assigns), decides an extension, urges
  an overdue unit, reroutes a task handed back, rates and signs off (销号) a completed task, and issues and
  downloads the month's 督查通报.
- A department, on a phone, signs a task (签收), reports progress (反馈), answers an 催办 and reads its in-app
  messages (站内消息).
- A manager, on a phone, reads the 考评 and the 督查通报, and finds nothing to change.

Every step is screenshotted at 1366×768 and at 390×844 into tests/artifacts/ (git-ignored); a step whose page
scrolls sideways on the phone fails.
"""
from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import docx
import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.browser.conftest import ARTIFACTS
from tests.factories import DepartmentFactory
from tests.tracker.workflow import department_user, lead_of, manager_user, office_user, workflow_task
from tracker.models import Assignment, ExtensionRequest, Task, Urge
from tracker.services import lifecycle_office, lifecycle_unit
from tracker.services.deadlines import deadline_parse
from tracker.services.directives import directive_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-days-123"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
NOTICE = """阳泉市人民政府办公室
关于做好防汛和安全生产工作的通知
阳政办发〔{y}〕21号
各县（区）人民政府，市直各有关单位：
为做好防汛和安全生产工作，现将有关事项通知如下：
一、开展安全生产大检查。全面排查重点行业领域隐患，{due}前完成整改。（市应急管理局牵头，市公安局配合）
二、加强汛期隐患巡查。对地质灾害隐患点逐一落实监测责任人。
阳泉市人民政府办公室
{on}
"""


def _groups() -> None:
    for group in ("督查室", "承办单位", "领导"):
        Group.objects.get_or_create(name=group)


def _login(browser: Any, base_url: str, username: str, viewport: dict[str, int] = DESKTOP) -> Any:
    page = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True).new_page()
    page.goto(f"{base_url}/portal/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/portal/")
    return page


# Cells that must stay on one line: a status, a date, a unit's name in the 考评 (no "申请办/结", "2026-/12-20").
BROKEN_CELLS = """() => [...document.querySelectorAll(
    'table.tasks td.status, table.tasks td.due, table.assessment td:nth-child(2)')].filter(td => {
        const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT), lines = new Set();
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            const range = document.createRange(); range.selectNodeContents(node);
            for (const r of range.getClientRects()) if (r.width) lines.add(Math.round(r.bottom));
        }
        return lines.size > 1;
    }).map(td => td.innerText)"""
# Tables that scroll sideways inside their box.
CLIPPED_TABLES = """() => [...document.querySelectorAll('.table-wrap')].filter(w => w.scrollWidth > w.clientWidth + 1)
    .map(w => w.querySelector('table').id || w.querySelector('table').className)"""

# Columns hidden on a phone outside the task lists and the task page's units (which fold some away on purpose)
# and the messages (a card per message there).
HIDDEN_COLUMNS = """() => [...document.querySelectorAll('table:not(.task-list):not(.units):not(.messages-table) th')]
    .filter(th => th.offsetParent === null).map(th => th.innerText)"""


def _shots(page: Any, name: str) -> None:
    """The page as it stands, on a desktop and on a phone. On a desktop no table scrolls sideways; on the phone
    the page does not either; on both no status, date or unit name breaks across lines."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    working_on = page.viewport_size
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(ARTIFACTS / f"{name}_1366x768.png"), full_page=True)
    assert page.evaluate(CLIPPED_TABLES) == [], f"{name}: a table does not fit 1366px"
    assert page.evaluate(BROKEN_CELLS) == [], f"{name}: cells broken across lines at 1366px"
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(50)
    page.screenshot(path=str(ARTIFACTS / f"{name}_390x844.png"), full_page=True)
    wide = page.evaluate("() => document.documentElement.scrollWidth")
    broken = page.evaluate(BROKEN_CELLS)
    hidden = page.evaluate(HIDDEN_COLUMNS)
    page.set_viewport_size(working_on)
    assert hidden == [], f"{name}: columns hidden on a 390px phone"
    assert wide <= PHONE["width"], f"{name}: the page is {wide}px wide on a 390px phone"
    assert broken == [], f"{name}: cells broken across lines at 390px"


def _submit(page: Any, button: str) -> str:
    page.click(button)
    page.wait_for_selector(".msg-success, .msg-error, .msg-info")
    assert page.locator(".msg-error").count() == 0, page.inner_text(".messages")
    return page.inner_text(".messages")


def _inbox(page: Any, key: str) -> int:
    """The count on a workbench entry."""
    return int(page.inner_text(f"#inbox-{key} .inbox-count"))


def _open_from_inbox(page: Any, base: str, key: str, text: str) -> None:
    """From the workbench, follow the entry's item that names `text`."""
    page.goto(f"{base}/portal/")
    page.locator(f"#inbox-{key} .inbox-items li", has_text=text).locator("a").first.click()


def _docx_text(download: Any) -> str:
    opened = docx.Document(io.BytesIO(Path(download.path()).read_bytes()))
    cells = [cell.text for table in opened.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in opened.paragraphs] + cells)


def test_the_office_day(chromium: Any, live_server: Any) -> None:
    _groups()
    office_user(username="office", password=PASSWORD)
    unit_user, roads = department_user(username="roads", department_name="市交通运输局", password=PASSWORD)
    _, housing = department_user(username="housing", department_name="市住房和城乡建设局", password=PASSWORD)
    for name in ("市应急管理局", "市公安局"):
        DepartmentFactory(name=name)
    today = timezone.localdate()
    ahead = today + timedelta(days=60)
    notice = NOTICE.format(y=today.year, due=f"{ahead.year}年{ahead.month}月{ahead.day}日",
                           on=f"{today.year}年{today.month}月{today.day}日")
    directive_import(name="防汛通知.txt", data=notice.encode(), as_of=today)
    first, patrol = Task.objects.filter(ref__in=("一、", "二、")).order_by("ref")
    due = today + timedelta(days=15)
    asking = workflow_task(lead=roads, status=Task.Status.IN_PROGRESS, due_on=due,
                           text="实施国道208线改线工程，完成路基施工。（市交通运输局牵头）")
    part = lead_of(asking)
    lifecycle_unit.extension_request_create(
        assignment=part, actor=unit_user, reason="征地拆迁受阻，需等待省厅批复调整用地方案。",
        requested_due_on=due + timedelta(days=45), current_progress="路基完成70%，桥涵完成50%。", as_of=today)
    done = workflow_task(lead=housing, status=Task.Status.COMPLETION_REQUESTED, due_on=due,
                         text="完成城区12个老旧小区改造，同步实施雨污分流。（市住房和城乡建设局牵头）")
    late = workflow_task(lead=roads, status=Task.Status.SIGNED, due_on=today - timedelta(days=3),
                         text="完成国省干线公路安全隐患整治。（市交通运输局牵头）")
    misrouted = workflow_task(lead=roads, status=Task.Status.ASSIGNED, due_on=due,
                              text="推进保障性租赁住房筹集建设。（市交通运输局牵头）")
    lifecycle_unit.assignment_return(assignment=lead_of(misrouted), actor=unit_user,
                                     reason="保障性住房建设属住建部门职责，建议改由市住房和城乡建设局承办。")
    base = live_server.url

    # The day begins on the workbench: what waits for the office, counted.
    page = _login(chromium, base, "office")
    assert page.inner_text("h1").startswith("督办工作台")
    counts = {key: _inbox(page, key) for key in ("review", "extensions", "completions", "returned", "overdue")}
    assert counts == {"review": 1, "extensions": 1, "completions": 1, "returned": 1, "overdue": 1}, counts
    assert "防汛" in page.inner_text("#inbox-review")
    _shots(page, "day_office_01_workbench")

    # Review the directive: task 二 names no unit and no deadline.
    page.click("#inbox-review a.inbox-more")
    _shots(page, "day_office_02_review_list")
    page.click(f"a[href='/portal/review/directives/{first.directive_id}/']")
    assert page.inner_text("#review-summary").startswith("待审核 2 项")
    assert "未写明单位" in page.inner_text(f"#task-{patrol.pk} header")
    card = page.locator(f"#task-{patrol.pk}")
    card.locator("details.lazy > summary").click()
    card.locator(f"#tools-{patrol.pk}").wait_for()
    card.locator(f"#id_t{patrol.pk}-unit-department").press_sequentially("应急", delay=30)
    card.locator("ul.ac-list li[data-name='市应急管理局']").click()
    assert "已将市应急管理局设为牵头单位" in _submit(page, f"button[name=submit-t{patrol.pk}-unit]")
    for fallback in patrol.assignments.exclude(department__name="市应急管理局"):  # the 主送 groups it fell back to
        assert "已删除承办单位" in _submit(page, f"button[name=submit-a{fallback.pk}-remove]")
    units = page.inner_text(f"#task-{patrol.pk} .rtask-units")
    assert "市应急管理局" in units and "各县" not in units and "市直各有关单位" not in units
    card = page.locator(f"#task-{patrol.pk}")
    card.locator("details.lazy > summary").click()
    card.locator(f"#tools-{patrol.pk}").wait_for()
    card.locator(f"#id_t{patrol.pk}-deadline-text").press_sequentially("3个月内", delay=30)
    expected = deadline_parse(text="3个月内", reference=today)[0].due
    shown = f"{expected.year}年{expected.month}月{expected.day}日"
    card.locator(f"output[for='id_t{patrol.pk}-deadline-text']").filter(has_text=shown).wait_for()
    _shots(page, "day_office_03_review_deadline")
    _submit(page, f"button[name=submit-t{patrol.pk}-deadline]")
    assert shown in page.inner_text(f"#task-{patrol.pk} .rtask-deadlines")

    # … and assign both in bulk.
    page.click("#review-summary >> text=批量确认并交办")
    told = _submit(page, "button[name=submit-bulk]")
    assert "已确认并交办 2 项" in told, page.inner_text("#held")
    _shots(page, "day_office_04_review_assigned")
    assert set(Task.objects.filter(directive=first.directive).values_list("status", flat=True)) == {"assigned"}
    page.goto(f"{base}/portal/")
    assert _inbox(page, "review") == 0

    # Decide the extension, from its inbox entry: approved, the unit's deadline moves.
    _open_from_inbox(page, base, "extensions", "实施国道208线改线工程")
    extension = ExtensionRequest.objects.get(assignment=part)
    box = page.locator(f"#extension-{extension.pk}")
    assert "征地拆迁受阻" in box.inner_text()
    box.get_by_label("批准").check()
    box.get_by_label("审批说明（可不填）").fill("同意延期，请按新时限完成。")
    _shots(page, "day_office_05_extension")
    assert "延期申请已审批" in _submit(page, f"button[name=submit-decide-{extension.pk}]")
    new_due = due + timedelta(days=45)
    assert new_due.isoformat() in page.inner_text(f"#unit-{part.pk}")
    assert "已批准延期" in page.inner_text(f"#unit-{part.pk}")

    # The overdue unit, from its inbox entry: urged.
    _open_from_inbox(page, base, "overdue", "完成国省干线公路安全隐患整治")
    page.fill("#id_urge-note", "已逾期3天，请于明日前报送整治进展。")
    assert "已催办" in _submit(page, "button[name=submit-urge]")
    assert "已逾期3天，请于明日前报送整治进展" in page.inner_text("ol.history")
    assert list(Urge.objects.filter(task=late).values_list("assignment__department__name", flat=True)) == ["市交通运输局"]
    _shots(page, "day_office_06_urged")

    # The task handed back, from its inbox entry: rerouted to the unit it belongs to.
    _open_from_inbox(page, base, "returned", "推进保障性租赁住房筹集建设")
    returned = lead_of(misrouted)
    assert "建议改由市住房和城乡建设局承办" in page.inner_text("body")
    page.select_option(f"#id_reassign-{returned.pk}-departments", label="市住房和城乡建设局")
    _shots(page, "day_office_07_reassign")
    assert "已重新交办" in _submit(page, f"button[name=submit-reassign-{returned.pk}]")
    assert page.inner_text("#task-status") == "已交办"
    assert "市住房和城乡建设局" in page.inner_text("#units") and "市交通运输局" not in page.inner_text("#units")

    # Rate and sign off the completed task (销号), from its inbox entry: 良好, with the office's note.
    _open_from_inbox(page, base, "completions", "完成城区12个老旧小区改造")
    done_part = lead_of(done)
    form = page.locator("#form-sign_off")
    form.get_by_label("良好").check()
    form.get_by_label("销号意见").fill("改造任务全部完成，资料齐全，同意销号。")
    _shots(page, "day_office_08_sign_off")
    assert "已销号" in _submit(page, "button[name=submit-sign_off]")
    assert page.inner_text("#task-status") == "已销号"
    assert "良好" in page.inner_text(f"#unit-{done_part.pk} .unit-status")
    assert "同意销号" in page.inner_text("ol.history")
    _shots(page, "day_office_09_signed_off")

    # Every entry done; the month's 督查通报, from the workbench: issued (numbered) and downloaded.
    page.goto(f"{base}/portal/")
    counts = {key: _inbox(page, key) for key in ("review", "extensions", "completions", "returned", "overdue")}
    assert counts == {"review": 0, "extensions": 0, "completions": 0, "returned": 0, "overdue": 1}, counts
    page.click("#workbench-links >> text=考评与督查通报")
    assert "市住房和城乡建设局" in page.inner_text("#assessment-table")
    _shots(page, "day_office_10_assessment")
    with page.expect_download() as info:
        page.click("button[name=issue-bulletin]")
    assert info.value.suggested_filename.startswith("督查通报") and info.value.suggested_filename.endswith(".docx")
    text = _docx_text(info.value)
    assert "办理情况的通报" in text and "市住房和城乡建设局" in text
    page.reload()
    assert "下载督查通报（" in page.inner_text("#assessment-downloads")
    assert "/admin/" not in page.url


def test_the_department_day(chromium: Any, live_server: Any) -> None:
    _groups()
    office = office_user(username="office", password=PASSWORD)
    _, water = department_user(username="water", department_name="市水务局", password=PASSWORD)
    due = timezone.localdate() + timedelta(days=30)
    new = workflow_task(lead=water, status=Task.Status.PENDING_REVIEW, due_on=due,
                        text="完善城市排水防涝设施，汛前完成23处易涝点改造。（市水务局牵头）")
    lifecycle_office.task_assign(task=new, actor=office, as_of=timezone.localdate(), note="请于汛前完成。")
    urged = workflow_task(lead=water, status=Task.Status.IN_PROGRESS, due_on=due,
                          text="推进城乡供水一体化，完成6个乡镇管网联通。（市水务局牵头）")
    lifecycle_office.task_urge(task=urged, actor=office, note="进度滞后，请于本周内报送管网联通情况。")
    base = live_server.url

    # The workbench: the new task waits to be signed, the 催办 to be answered, two messages unread.
    page = _login(chromium, base, "water", PHONE)  # a unit's day on a phone
    assert (_inbox(page, "sign"), _inbox(page, "urges")) == (1, 1)
    assert page.inner_text("#unread-count") == "2"
    _shots(page, "day_unit_01_workbench")

    # 签收, then 反馈.
    _open_from_inbox(page, base, "sign", "完善城市排水防涝设施")
    part = lead_of(new)
    assert "已签收" in _submit(page, f"button[name=submit-sign-{part.pk}]")
    assert page.inner_text(f"#unit-{part.pk} .unit-status").startswith("已签收")
    _shots(page, "day_unit_02_signed")
    page.fill(f"#id_report-{part.pk}-text", "已完成23处易涝点的勘察设计，其中9处已开工，完成投资3600万元。")
    page.fill(f"#id_report-{part.pk}-percent", "40")
    assert "进展已反馈" in _submit(page, f"button[name=submit-report-{part.pk}]")
    assert page.inner_text(f"#unit-{part.pk} .unit-status").startswith("办理中")
    assert "已完成23处易涝点的勘察设计" in page.inner_text("body")
    _shots(page, "day_unit_03_reported")

    # The 催办 on the other task, from its inbox entry: answered.
    _open_from_inbox(page, base, "urges", "推进城乡供水一体化")
    urge = page.locator(".entry.urge")
    assert "进度滞后" in urge.inner_text()
    urge.get_by_label("答复").fill("已完成4个乡镇管网联通，其余2个乡镇本月底前完成。")
    _shots(page, "day_unit_04_urge")
    assert "已答复催办" in _submit(page, "button[name^=submit-reply-]")
    assert "已完成4个乡镇管网联通" in page.locator(".entry.urge").inner_text()
    _shots(page, "day_unit_05_urge_answered")
    page.goto(f"{base}/portal/")
    assert (_inbox(page, "sign"), _inbox(page, "urges")) == (0, 0)

    # The in-app messages: the 交办 and the 催办, each linking its task; all marked read.
    page.click("#nav-messages")
    table = page.inner_text("table.messages-table")
    assert "完善城市排水防涝设施" in table and "进度滞后" in table and table.count("未读") == 2
    _shots(page, "day_unit_06_messages")
    page.click("#form-read-all button")
    page.wait_for_selector(".msg-success")
    assert "未读" not in page.inner_text("table.messages-table")
    assert page.locator("#unread-count").count() == 0
    _shots(page, "day_unit_07_messages_read")
    assert "/admin/" not in page.url and page.locator("a[href='/admin/']").count() == 0


def test_the_manager_day(chromium: Any, live_server: Any) -> None:
    _groups()
    office = office_user(username="office", password=PASSWORD)
    leader = manager_user(username="leader", password=PASSWORD)
    leader.first_name = "王副市长"
    leader.save(update_fields=["first_name"])
    _, roads = department_user(username="roads", department_name="市交通运输局", password=PASSWORD)
    _, housing = department_user(username="housing", department_name="市住房和城乡建设局", password=PASSWORD)
    today = timezone.localdate()
    late = workflow_task(lead=roads, status=Task.Status.IN_PROGRESS, due_on=today - timedelta(days=6),
                         text="实施国道改线工程前期工作，完成可研批复。（市交通运输局牵头）")
    finished = workflow_task(lead=housing, status=Task.Status.COMPLETION_REQUESTED, due_on=today + timedelta(days=9),
                             text="推进城区老旧小区改造。（市住房和城乡建设局牵头）")
    lifecycle_office.assignment_accept(assignment=lead_of(finished), actor=office, rating=Assignment.Rating.EXCELLENT)
    base = live_server.url

    # The workbench: the late unit; then the list, where the overdue task is in red.
    page = _login(chromium, base, "leader", PHONE)  # a manager reads on a phone
    assert "市交通运输局" in page.inner_text("#inbox-overdue_units")
    assert page.locator("form[method=post]:not([action='/portal/logout/'])").count() == 0
    _shots(page, "day_manager_01_workbench")
    page.click("#workbench-links >> text=全部督办事项")
    row = page.locator("table.tasks tr", has_text="实施国道改线工程")
    assert "逾期" in row.inner_text()
    assert page.locator("form[method=post]:not([action='/portal/logout/'])").count() == 0
    _shots(page, "day_manager_02_list")

    # The task page: read-only.
    row.locator("a").first.click()
    assert page.locator("form[method=post]:not([action='/portal/logout/'])").count() == 0
    assert "市交通运输局" in page.inner_text("#units")
    _shots(page, "day_manager_03_task")

    # The 考评: one line per unit, the rating counted; the 督查通报 (a draft until the office issues it).
    page.goto(f"{base}/portal/")
    page.click("#workbench-links >> text=考评与督查通报")
    table = page.locator("#assessment-table")
    housing_line = table.locator(f"#assessment-{housing.pk}").inner_text().split("\t")
    assert housing_line[1] == "市住房和城乡建设局" and housing_line[9] == "1"  # 优秀 1
    assert table.locator(f"#assessment-{roads.pk} td.overdue").inner_text() == "1"
    assert page.locator("button[name=issue-bulletin]").count() == 0  # issuing is the office's
    _shots(page, "day_manager_04_assessment")
    with page.expect_download() as info:
        page.click("#bulletin-draft")
    text = _docx_text(info.value)
    assert "办理情况的通报" in text and "市交通运输局" in text and "未编号" in info.value.suggested_filename
    with page.expect_download() as info:
        page.click("#assessment-xlsx")
    assert info.value.suggested_filename.endswith(".xlsx")
    assert late.pk and "/admin/" not in page.url
