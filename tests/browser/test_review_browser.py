"""The office reviews an imported directive in a real browser: clicks a task and sees its source lines
highlighted, fixes a unit through the autocomplete (by an alias) and a deadline by typing "6月底前" and seeing the
date, splits a task, marks one as not a task, confirms and assigns in bulk and reads what was held back and why;
then registers a task from a 会议纪要 (立项) and assigns it at once. Screenshots at 1366×768 and 390×844 go to
var/screenshots/ (git-ignored)."""
from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from tests.factories import DepartmentFactory
from tests.tracker.workflow import manager_user, office_user
from tracker.models import DepartmentAlias, Directive, Task
from tracker.services.deadlines import deadline_parse
from tracker.services.directives import directive_import

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-browser-123"
DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
NOTICE = """阳泉市人民政府办公室
关于做好防汛和安全生产工作的通知
阳政办发〔{y}〕21号
各县（区）人民政府，市直各有关单位：
为做好防汛和安全生产工作，现将有关事项通知如下：
一、开展安全生产大检查。全面排查重点行业领域隐患，10月底前完成整改，
同时建立隐患整改台账，实行销号管理。（市应急管理局牵头，市公安局配合）
二、加强汛期隐患巡查。对地质灾害隐患点逐一落实监测责任人。
三、做好高温天气作业防护。督促用人单位落实防暑降温措施。（市人力资源和社会保障局负责）
四、强化安全宣传引导，每月25日前报送宣传工作进展。（市融媒体中心负责）
五、严格值班值守。各单位要严格落实24小时值班制度。
阳泉市人民政府办公室
{y}年1月5日
"""


def _login(browser: Any, base_url: str, viewport: dict[str, int]) -> Any:
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.goto(f"{base_url}/portal/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base_url}/portal/")
    return page


def _shot(page: Any, name: str, *, full_page: bool = True) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def _card(page: Any, task: Task) -> Any:
    return page.locator(f"#task-{task.pk}")


def _open_panel(page: Any, task: Task) -> Any:
    """Open a task's editing panel (loaded into the card when first opened)."""
    card = _card(page, task)
    card.locator("details.lazy > summary").click()
    card.locator(f"#tools-{task.pk}").wait_for()
    return card


def _submit(page: Any, button: Any) -> str:
    button.click()
    page.wait_for_selector(".msg-success, .msg-error")
    assert page.locator(".msg-error").count() == 0, page.inner_text(".messages")
    return page.inner_text(".msg-success")


def _line_in_view(page: Any, number: int) -> bool:
    return page.evaluate("""n => { const li = document.getElementById('L' + n), pane = document.getElementById('source');
        const a = li.getBoundingClientRect(), b = pane.getBoundingClientRect();
        return li.classList.contains('hl') && a.top >= b.top && a.bottom <= b.bottom; }""", number)


def test_the_office_reviews_a_directive_and_registers_a_meeting_task(chromium: Any, live_server: Any) -> None:
    for group in ("督查室", "承办单位", "领导"):
        Group.objects.get_or_create(name=group)
    office_user(username="office", password=PASSWORD)
    leader = manager_user(username="lingdao")
    leader.first_name = "李副市长"
    leader.save(update_fields=["first_name"])
    for name in ("市应急管理局", "市公安局", "市人力资源和社会保障局", "市住房和城乡建设局"):
        DepartmentFactory(name=name)
    DepartmentAlias.objects.create(department=DepartmentFactory(name="市水利局"), alias="市水务局")
    today = timezone.localdate()
    year = today.year if today.month <= 5 else today.year + 1  # so that "6月底前" and "10月底前" lie ahead
    directive_import(name="防汛通知.txt", data=NOTICE.format(y=year).encode(), as_of=today)
    directive = Directive.objects.get()
    tasks = {t.ref: t for t in directive.tasks.all()}
    first, patrol, heat, media, duty = (tasks[r] for r in ("一、", "二、", "三、", "四、", "五、"))
    assert (first.line_start, first.line_end) == (6, 7)

    # The office finds the directive from its list and opens the review screen.
    page = _login(chromium, live_server.url, DESKTOP)
    page.click("#review-links >> text=审核提取的任务")
    page.click(f"a[href='/portal/review/directives/{directive.pk}/']")
    page.wait_for_load_state()  # review.js (deferred) binds the task cards: a click before it does nothing
    assert page.inner_text("#review-summary").startswith("待审核 5 项")
    flags = page.inner_text(f"#task-{patrol.pk} header")
    assert "未写明单位" in flags and "无明确时限" in flags and "no_unit" not in page.content()

    # A click on task 一 highlights its two lines of the file and scrolls them into the source pane.
    _card(page, first).locator("button.locate").click()
    page.wait_for_function("() => document.querySelectorAll('#source li.hl').length === 2")
    page.wait_for_timeout(400)  # the pane scrolls smoothly
    assert _line_in_view(page, 6) and _line_in_view(page, 7)
    _shot(page, "review_01_directive_1366x768", full_page=False)  # what the screen shows, source beside tasks

    # Task 二 names no unit: the office types part of an alias and picks the unit it stands for.
    card = _open_panel(page, patrol)
    unit_input = card.locator(f"#id_t{patrol.pk}-unit-department")
    unit_input.press_sequentially("市水务", delay=30)
    suggestion = card.locator("ul.ac-list li[data-name='市水利局']")
    suggestion.wait_for()
    assert "别名：市水务局" in suggestion.inner_text()
    suggestion.click()
    assert unit_input.input_value() == "市水利局"
    assert "已将市水利局设为牵头单位" in _submit(page, card.locator(f"button[name=submit-t{patrol.pk}-unit]"))
    for part in patrol.assignments.exclude(department__name="市水利局"):  # the 主送 groups it fell back to
        _submit(page, page.locator(f"button[name=submit-a{part.pk}-remove]"))
    assert "市水利局" in page.inner_text(f"#task-{patrol.pk} .rtask-units")

    # … and a deadline: the date "6月底前" resolves to shows while typing.
    card = _open_panel(page, patrol)
    phrase = card.locator(f"#id_t{patrol.pk}-deadline-text")
    phrase.press_sequentially("6月底前", delay=30)
    expected = deadline_parse(text="6月底前", reference=date(year, 1, 5))[0].due
    preview = card.locator(f"output[for='id_t{patrol.pk}-deadline-text']")
    preview.filter(has_text=f"{expected.year}年6月30日").wait_for()
    assert "按发文日期" in preview.inner_text()
    _shot(page, "review_02_deadline_preview_1366x768", full_page=False)
    _submit(page, card.locator(f"button[name=submit-t{patrol.pk}-deadline]"))
    assert f"{expected.year}年6月30日" in page.inner_text(f"#task-{patrol.pk} .rtask-deadlines")

    # Task 一 is two tasks: a click on the ✂ before "同时" marks where the second begins.
    card = _open_panel(page, first)
    card.locator(f"#split-text-{first.pk} button.cut[data-at='{first.text.index('同时')}']").click()
    assert card.locator(f"#id_t{first.pk}-split-second_starts").input_value().startswith("同时建立隐患整改台账")
    assert "已拆分" in _submit(page, card.locator(f"button[name=submit-t{first.pk}-split]"))
    second = Task.objects.get(ref="一、之二")
    assert second.text.startswith("同时建立隐患整改台账") and not Task.objects.get(pk=first.pk).text.endswith("销号管理。")

    # Task 五 is a standing duty, not a task: marked so, it leaves the list and can be restored.
    card = _open_panel(page, duty)
    card.locator(f"#id_t{duty.pk}-dismiss-reason").fill("属日常工作要求")
    _submit(page, card.locator(f"button[name=submit-t{duty.pk}-dismiss]"))
    assert "非任务" in page.inner_text(f"#task-{duty.pk} header")
    assert page.locator(f"button[name=submit-t{duty.pk}-restore]").count() == 1

    # Confirm and assign in bulk: what still needs a decision is held back, with why.
    page.click("#review-summary >> text=批量确认并交办")
    _submit(page, page.locator("button[name=submit-bulk]"))
    held = page.inner_text("#held")
    assert "暂未交办的事项（2 项）" in held
    assert f"{heat.ref} 做好高温天气作业防护" in held and "没有明确的办理时限" in held
    assert "「市融媒体中心」尚未核实或已停用" in held
    statuses = dict(Task.objects.values_list("ref", "status"))
    assert statuses == {"一、": "assigned", "一、之二": "assigned", "二、": "assigned", "三、": "pending_review",
                        "四、": "pending_review", "五、": "dismissed"}
    _shot(page, "review_03_held_back_1366x768")

    # The same screen on a phone: source above, tasks below; a click shows the lines in the pane.
    phone = _login(chromium, live_server.url, PHONE)
    phone.goto(f"{live_server.url}/portal/review/directives/{directive.pk}/")
    _card(phone, heat).locator("button.locate").click()
    phone.wait_for_function("() => document.querySelectorAll('#source li.hl').length === 1")
    phone.wait_for_timeout(400)
    assert _line_in_view(phone, heat.line_start)
    _shot(phone, "review_04_directive_390x844", full_page=False)

    # 立项 from a meeting: the units through the autocomplete, the deadline parsed against the meeting's date.
    page.goto(f"{live_server.url}/portal/register/")
    page.select_option("#id_register-source_kind", "meeting")
    page.fill("#id_register-source_ref", f"市政府常务会议纪要〔{today.year}〕12号")
    page.fill("#id_register-instructed_by", "市政府常务会议（市长主持）")
    page.fill("#id_register-instructed_on", today.isoformat())
    page.fill("#id_register-text", "加快推进城区老旧小区改造，年内完成供热管网更新改造30公里，同步实施雨污分流。")
    leads = page.locator("#id_register-leads")
    leads.press_sequentially("住房", delay=30)
    page.locator("ul.ac-list li[data-name='市住房和城乡建设局']").click()
    assert leads.input_value() == "市住房和城乡建设局、"
    supports = page.locator("#id_register-supports")
    for typed, name in (("公安", "市公安局"), ("应急", "市应急管理局")):
        supports.press_sequentially(typed, delay=30)
        page.locator(f"ul.ac-list li[data-name='{name}']").click()
    assert supports.input_value() == "市公安局、市应急管理局、"
    page.locator("#id_register-deadline_text").press_sequentially("3个月内", delay=30)
    due = deadline_parse(text="3个月内", reference=today)[0].due
    page.locator("output[for='id_register-deadline_text']").filter(
        has_text=f"{due.year}年{due.month}月{due.day}日").wait_for()
    page.select_option("#id_register-leader", label="李副市长")
    page.check("#id_register-assign_now")
    page.set_input_files("#id_register-files", files=[{
        "name": "会议纪要.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 minutes"}])
    _shot(page, "review_05_register_1366x768")
    assert "已立项并交办" in _submit(page, page.locator("button[name=submit-register]"))
    assert page.inner_text("#task-status") == "已交办"
    assert page.inner_text("#task-source") == f"会议纪要 · 市政府常务会议纪要〔{today.year}〕12号"
    assert "会议纪要.pdf" in page.inner_text("#task-files")
    registered = Task.objects.get(source_kind="meeting")
    assert registered.leader == leader and registered.current_due == due
    assert sorted(registered.assignments.values_list("department__name", "role")) == [
        ("市住房和城乡建设局", "lead"), ("市公安局", "support"), ("市应急管理局", "support")]
    _shot(page, "review_06_registered_task_1366x768")
    page.set_viewport_size(PHONE)
    _shot(page, "review_07_registered_task_390x844")
    page.goto(f"{live_server.url}/portal/register/")
    _shot(page, "review_08_register_390x844")
