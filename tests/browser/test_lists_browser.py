"""The portal's lists in a real browser (issue 14.7–8): at 1366×768 the task list fits the screen with no column
squeezed to a character's width; on a phone (390×844) the filters are folded above the list and open with a tap;
the page links keep the filters. Screenshots go to var/screenshots/ (git-ignored)."""
from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.factories import DirectiveFactory
from tests.tracker.workflow import PASSWORD, department_user, office_user, workflow_task

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def office_world():
    office_user()
    units = [department_user(username=f"lists_unit_{n}", department_name=name)[1] for n, name in enumerate(
        ["市发展和改革委员会", "市住房和城乡建设局", "市农业农村局", "市人力资源和社会保障局"])]
    directive = DirectiveFactory(doc_number="阳政办发〔2026〕118号")
    for n in range(55):
        workflow_task(lead=units[n % 4], support=(units[(n + 1) % 4], units[(n + 2) % 4]),
                      due_on=date(2027, 1, 1) + timedelta(days=n), directive=directive,
                      text=f"加快推进第{n}项城乡基础设施补短板重点项目建设，确保年底前完成年度投资计划。")
    return units


def _login(browser: Any, base_url: str, viewport: dict[str, int]) -> Any:
    page = browser.new_context(viewport=viewport, locale="zh-CN").new_page()
    page.goto(f"{base_url}/portal/login/")
    page.fill("#id_username", "office")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    return page


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


NARROW_CELLS = """() => {
  const table = document.querySelector("table.list");
  const size = parseFloat(getComputedStyle(table).fontSize);
  const narrow = [];
  for (const cell of table.querySelectorAll("th, td")) {
    const text = cell.textContent.replace(/\\s+/g, "");
    if (cell.offsetParent === null || !text) continue;
    const tops = new Set();
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top / 4));
    }
    const lines = tops.size;
    const width = cell.getBoundingClientRect().width;
    // A column squeezed to a character or two: narrower than 1.5 characters, lines of two characters or fewer,
    // or a short value (a status, a date, a count) broken over lines.
    if (width < 1.5 * size || (lines > 1 && text.length / lines <= 2) || (text.length <= 10 && lines > 1)) {
      narrow.push(cell.className + ": " + text.slice(0, 20) + " (" + Math.round(width) + " px, " + lines + " lines)");
    }
  }
  return {narrow, overflow: document.documentElement.scrollWidth - window.innerWidth};
}"""


def test_the_task_list_fits_1366_with_no_squeezed_column(chromium, live_server, office_world):
    page = _login(chromium, live_server.url, DESKTOP)
    page.goto(f"{live_server.url}/portal/tasks/")
    assert page.locator("#list-filters").evaluate("d => d.open")  # a desktop shows the filters
    found = page.evaluate(NARROW_CELLS)
    _shot(page, "lists-1366")
    assert found["narrow"] == [] and found["overflow"] <= 0, found
    assert page.locator("table.list tbody tr").count() == 50
    assert "共 55 项" in page.locator(".pager").first.inner_text()


def test_on_a_phone_the_filters_fold_above_the_list_and_page_links_keep_them(chromium, live_server, office_world):
    page = _login(chromium, live_server.url, PHONE)
    page.goto(f"{live_server.url}/portal/tasks/?q=阳政办发[2026]118号")
    fold = page.locator("#list-filters")
    assert not fold.evaluate("d => d.open")
    assert fold.bounding_box()["y"] < page.locator("table.list").bounding_box()["y"]
    assert page.locator("#list-filters summary").inner_text().startswith("筛选（已选 1 项）")
    _shot(page, "lists-390")
    page.click("#list-filters summary")
    assert fold.evaluate("d => d.open") and page.locator("#id_q").is_visible()
    found = page.evaluate(NARROW_CELLS)
    assert found["narrow"] == [] and found["overflow"] <= 0, found
    page.locator('.pager a[rel="next"]').first.click()
    page.wait_for_load_state()
    assert "page=2" in page.url and "q=" in page.url
    assert page.locator("table.list tbody tr").count() == 5
