"""The portal's lists at scale and as people search them (issue 14.7–8): 50 a page with the total and page links
that keep the filters; 文号 typed with any brackets; units found by name; yes/no filters read 全部/是/否."""
from __future__ import annotations

import re
from datetime import date

import lxml.html
import pytest
from django.test import Client

from tests.factories import DirectiveFactory
from tests.tracker.workflow import department_user, office_user, workflow_task
from tracker.filtersets import AssignmentFilterSet, DepartmentFilterSet, TaskFilterSet
from tracker.models import Assignment, Department, Directive, Task
from tracker.paging import PAGE_SIZE

pytestmark = pytest.mark.django_db

AS_OF = date(2024, 6, 14)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _tasks(params, **kwargs):
    return set(TaskFilterSet(params, queryset=Task.objects.all(), as_of=AS_OF, **kwargs).qs)


@pytest.fixture
def units():
    _, water = department_user(username="list_water", department_name="市水利局")
    _, forest = department_user(username="list_forest", department_name="市林业和草原局")
    Department.objects.filter(pk=forest.pk).update(short_name="市林草局")
    forest.refresh_from_db()
    return water, forest


@pytest.mark.parametrize("typed", ["阳政办发〔2024〕7号", "阳政办发[2024]7号", "阳政办发【2024】7号",
                                   "阳政办发(2024)7号", "阳政办发（2024）7号", "[2024]7"])
def test_a_doc_number_is_found_whatever_brackets_are_typed(units, typed):
    water, _ = units
    wanted = workflow_task(lead=water, due_on=date(2024, 7, 1),
                           directive=DirectiveFactory(doc_number="阳政办发〔2024〕7号"))
    workflow_task(lead=water, due_on=date(2024, 7, 1), directive=DirectiveFactory(doc_number="阳政办发〔2024〕8号"))
    assert _tasks({"q": typed}) == {wanted}
    assert set(DirectiveFilterSet_qs(typed)) == {wanted.directive}


def DirectiveFilterSet_qs(typed):  # noqa: N802 - reads as the FilterSet it calls
    from tracker.filtersets import DirectiveFilterSet

    return DirectiveFilterSet({"q": typed}, queryset=Directive.objects.all()).qs


def test_a_stored_doc_number_with_square_brackets_is_found_as_written_in_the_gazette(units):
    water, _ = units
    wanted = workflow_task(lead=water, due_on=date(2024, 7, 1),
                           directive=DirectiveFactory(doc_number="阳政发[2024]3号"))
    assert _tasks({"q": "阳政发〔2024〕3号"}) == {wanted}


def test_the_task_list_searches_unit_names_and_short_names_and_filters_by_unit(units):
    water, forest = units
    by_water = workflow_task(lead=water, due_on=date(2024, 7, 1))
    with_forest = workflow_task(lead=water, support=(forest,), due_on=date(2024, 7, 1))
    assert _tasks({"q": "林草局"}) == {with_forest}  # the short name
    assert _tasks({"q": "林业和草原"}) == {with_forest}
    assert _tasks({"q": "水利局"}) == {by_water, with_forest}
    assert _tasks({"department": forest.pk}) == {with_forest}
    parts = set(AssignmentFilterSet({"q": "林草局"}, queryset=Assignment.objects.all(), as_of=AS_OF).qs)
    assert parts == {with_forest.assignments.get(department=forest)}


def test_yes_no_filters_read_all_yes_no():
    for filterset in (AssignmentFilterSet(None, queryset=Assignment.objects.all(), as_of=AS_OF),
                      DepartmentFilterSet(None, queryset=Department.objects.all())):
        for name, field in filterset.form.fields.items():
            widget = field.widget
            if hasattr(widget, "choices") and {"true", "false"} <= {str(v) for v, _ in widget.choices}:
                assert [str(label) for _, label in widget.choices] == ["全部", "是", "否"], name
    html = str(AssignmentFilterSet(None, queryset=Assignment.objects.all(), as_of=AS_OF).form["extended"])
    assert "全部" in html and "未知" not in html and "Unknown" not in html


def test_the_office_list_pages_by_50_with_the_total_and_the_filters_kept(units):
    water, forest = units
    office = office_user(username="list_office")
    made = [workflow_task(lead=water, due_on=date(2024, 7, 1 + n % 28)) for n in range(PAGE_SIZE + 3)]
    workflow_task(lead=forest, due_on=date(2024, 7, 1))  # filtered out below
    client = _client(office)
    first = client.get("/portal/tasks/", {"department": water.pk})
    html = first.content.decode()
    assert f"共 {PAGE_SIZE + 3} 项" in html and "第 1 / 2 页" in html
    doc = lxml.html.fromstring(html)
    rows = doc.xpath("//table[contains(@class, 'tasks')]/tbody/tr")
    assert len(rows) == PAGE_SIZE
    next_link = doc.xpath('//nav[@class="pager"]//a[@rel="next"]')[0].get("href")
    assert f"department={water.pk}" in next_link and "page=2" in next_link
    second = lxml.html.fromstring(client.get("/portal/tasks/" + next_link).content.decode())
    second_rows = second.xpath("//table[contains(@class, 'tasks')]/tbody/tr")
    assert len(second_rows) == 3
    shown = {int(re.search(r"/portal/tasks/(\d+)/", lxml.html.tostring(r).decode()).group(1))
             for r in [*rows, *second_rows]}
    assert shown == {t.pk for t in made}  # every task once, over the two pages, none of the other unit's


def test_a_units_list_pages_too(units):
    water, _ = units
    user = department_user(username="list_clerk", department=water)[0]
    for n in range(PAGE_SIZE + 1):
        workflow_task(lead=water, due_on=date(2024, 7, 1 + n % 28))
    html = _client(user).get("/portal/tasks/").content.decode()
    assert f"共 {PAGE_SIZE + 1} 项" in html
    assert len(lxml.html.fromstring(html).xpath("//table[contains(@class, 'tasks')]/tbody/tr")) == PAGE_SIZE


def test_a_page_past_the_end_shows_the_last_page(units):
    water, _ = units
    office = office_user(username="list_office2")
    workflow_task(lead=water, due_on=date(2024, 7, 1))
    html = _client(office).get("/portal/tasks/", {"page": "99"}).content.decode()
    assert "共 1 项" in html and len(lxml.html.fromstring(html).xpath("//table[contains(@class, 'tasks')]/tbody/tr//a")) == 1


def test_the_summary_counts_are_kept_a_while_per_scope_and_the_list_stays_exact(units, settings,
                                                                                 django_assert_max_num_queries):
    from django.core.cache import cache

    from tracker.selectors import light_counts_kept

    settings.LIGHT_COUNTS_CACHE_SECONDS = 60
    cache.clear()
    water, forest = units
    workflow_task(lead=water, due_on=date(2024, 6, 1))  # overdue on AS_OF
    parts = Assignment.objects.lead().open()
    first = light_counts_kept(assignments=parts, as_of=AS_OF, scope="all")
    assert first["red"] == 1
    workflow_task(lead=forest, due_on=date(2024, 6, 2))
    with django_assert_max_num_queries(0):
        assert light_counts_kept(assignments=parts, as_of=AS_OF, scope="all") == first  # kept
    assert light_counts_kept(assignments=parts.filter(department=forest), as_of=AS_OF,
                             scope=f"units:{forest.pk}")["red"] == 1  # another scope: its own count
    settings.LIGHT_COUNTS_CACHE_SECONDS = 0
    assert light_counts_kept(assignments=parts, as_of=AS_OF, scope="all")["red"] == 2
    assert len(_tasks({"overdue": "true"}, )) == 2  # the list itself is never kept
    cache.clear()


def test_a_keyword_with_letters_ignores_case_and_chinese_matches_as_typed(units):
    water, _ = units
    ppp = workflow_task(lead=water, due_on=date(2024, 7, 1), text="推进PPP项目规范管理，按期完成清理。")
    assert _tasks({"q": "ppp项目"}) == {ppp}
    assert _tasks({"q": "规范管理"}) == {ppp}


@pytest.mark.parametrize("page", ["1", "2", "9", "x"])
def test_a_keyword_list_counts_with_its_page_and_pages_the_same(units, page):
    water, _ = units
    office = office_user(username="list_office_kw")
    for n in range(PAGE_SIZE + 2):
        workflow_task(lead=water, due_on=date(2024, 7, 1 + n % 28), text=f"推进水库除险加固第{n}项。")
    workflow_task(lead=water, due_on=date(2024, 7, 1), text="其他事项。")
    html = _client(office).get("/portal/tasks/", {"q": "除险加固", "page": page}).content.decode()
    rows = lxml.html.fromstring(html).xpath("//table[contains(@class, 'tasks')]/tbody/tr")
    last = page in ("2", "9")  # past the end: the last page
    assert f"共 {PAGE_SIZE + 2} 项" in html and f"第 {2 if last else 1} / 2 页" in html
    assert len(rows) == (2 if last else PAGE_SIZE)
    none = _client(office).get("/portal/tasks/", {"q": "没有这个词"}).content.decode()
    assert "共 0 项" in none and "没有符合条件的事项" in none
