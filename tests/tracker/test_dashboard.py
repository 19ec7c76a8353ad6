"""Dashboard figures on the hand-built data set (tests/tracker/dashboard_data.py), query counts at two
sizes, drill-down links that reproduce each number, and who may see the pages."""
from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.tracker import dashboard_data
from tests.tracker.dashboard_data import AS_OF, PASSWORD, S, user
from tracker.filtersets import TaskFilterSet
from tracker.models import Task
from tracker.selectors import task_lights
from tracker.selectors_dashboard import dashboard_summary, department_page, tasks_with_light

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    return dashboard_data.build()


@pytest.fixture
def board(data):
    return dashboard_summary(tasks=Task.objects.all(), as_of=AS_OF)


def _figures(figures):
    return {f.key: f.value for f in figures}


def _drill(query: str) -> set[int]:
    """The tasks the drill-down link of a figure lists (TaskFilterSet over all tasks)."""
    params = QueryDict(query)
    return set(TaskFilterSet(params, queryset=Task.objects.all(), as_of=AS_OF).qs.values_list("pk", flat=True))


def _ids(data, *names):
    return {data.tasks[name].pk for name in names}


def test_counts_by_status_and_light(data, board):
    assert board.total.value == 12
    assert _figures(board.by_status) == {
        S.PENDING_REVIEW: 1, S.ASSIGNED: 1, S.SIGNED: 1, S.IN_PROGRESS: 4, S.COMPLETION_REQUESTED: 1,
        S.SIGNED_OFF: 4, S.RETURNED: 0,
    }
    assert _figures(board.by_light) == {"red": 3, "yellow": 2, "green": 2}


def test_light_drill_downs_list_exactly_the_counted_tasks(data, board):
    lights = {f.key: f for f in board.by_light}
    assert _drill(lights["red"].query) == _ids(data, "over_a1", "over_a2", "over_b")
    assert _drill(lights["yellow"].query) == _ids(data, "soon", "behind")
    assert _drill(lights["green"].query) == _ids(data, "far", "requested")


def test_sql_light_agrees_with_the_portal_light_definition(data):
    python = task_lights(tasks=Task.objects.all(), as_of=AS_OF)
    sql = dict(tasks_with_light(Task.objects.all(), as_of=AS_OF).values_list("pk", "light"))
    assert sql == python
    for as_of in (date(2024, 5, 1), date(2024, 6, 1), date(2024, 6, 19), date(2024, 6, 20), date(2024, 8, 1)):
        assert dict(tasks_with_light(Task.objects.all(), as_of=as_of).values_list("pk", "light")) == task_lights(
            tasks=Task.objects.all(), as_of=as_of), as_of


def test_on_time_rate_counts_extended_tasks_apart(data, board):
    rate = board.on_time
    assert (rate.signed_off.value, rate.counted.value, rate.on_time.value, rate.late.value) == (4, 3, 2, 1)
    assert (rate.extended.value, rate.extended_on_time.value) == (1, 1)
    assert rate.rate == pytest.approx(2 / 3)
    assert _drill(rate.on_time.query) == _ids(data, "done_on_time", "done_june")
    assert _drill(rate.late.query) == _ids(data, "done_late")
    assert _drill(rate.extended.query) == _ids(data, "done_extended")


def test_overdue_ranking_worst_first_with_days(data, board):
    # Both have two overdue tasks; 市水务局 has 1 + 14 days, 市商务局 4 + 1: 水务局 is worse.
    assert [(r.rank, r.name, r.overdue.value, r.days_overdue_total) for r in board.ranking] == [
        (1, "市水务局", 2, 15), (2, "市商务局", 2, 5)]
    assert board.ranking[0].days_overdue_average == 7.5
    assert _drill(board.ranking[0].overdue.query) == _ids(data, "over_a2", "over_b")


def test_due_soon_breaches_and_trends(data, board):
    assert board.due_soon_total.value == 1
    assert {f.key: f.value for f in board.due_soon if f.value} == {"2024-06-18": 1}
    assert _drill(board.due_soon_total.query) == _ids(data, "soon")
    assert _figures(board.breaches) == {"sign": 1, "first_report": 2}
    assert _drill(board.breaches[0].query) == _ids(data, "over_b")
    trends = {t.month: (t.completed.value, t.new_overdue.value) for t in board.trends}
    assert len(trends) == 12 and min(trends) == date(2023, 7, 1) and max(trends) == date(2024, 6, 1)
    assert trends[date(2024, 4, 1)] == (0, 1)
    assert trends[date(2024, 5, 1)] == (2, 1)
    assert trends[date(2024, 6, 1)] == (2, 2)
    assert sum(c for c, _ in trends.values()) == 4
    june = board.trends[-1]
    assert _drill(june.completed.query) == _ids(data, "done_extended", "done_june")
    assert _drill(june.new_overdue.query) == _ids(data, "over_a1", "over_a2")


def test_progress_per_directive(data, board):
    rows = [(d.doc_number, d.total.value, d.signed_off.value, d.overdue.value) for d in board.directives]
    # The draft is not counted; the directive with overdue tasks comes first.
    assert rows == [("阳政办发〔2024〕1号", 6, 0, 3), ("阳政发〔2023〕9号", 5, 4, 0)]
    for progress in board.directives:  # mean reported % of the directive's assigned tasks, drafts left out
        percents = list(Task.objects.filter(directive_id=progress.directive_id).exclude(
            status=Task.Status.PENDING_REVIEW).values_list("progress_percent", flat=True))
        assert progress.average_percent == pytest.approx(sum(percents) / len(percents))
    assert _drill(board.directives[1].signed_off.query) == _ids(
        data, "done_on_time", "done_late", "done_extended", "done_june")


def test_department_page(data):
    page = department_page(department=data.a, as_of=AS_OF)
    assert (page.total.value, page.open.value, page.overdue.value) == (4, 3, 2)
    assert page.days_overdue_average == 2.5
    assert page.on_time.rate == 1.0
    assert page.current_rank == 2 and page.ranked == 2
    assert [e.task_id for e in page.extension_requests] == [data.tasks["over_a1"].pk]
    history = {p.month: (p.rank, p.late, p.ranked) for p in page.rank_history}
    assert history[date(2024, 6, 1)] == (1, 2, 2)  # 商务局 2 tasks fell overdue in June, 水务局 1
    assert history[date(2024, 5, 1)] == (None, 0, 1)
    b_history = {p.month: p.rank for p in department_page(department=data.b, as_of=AS_OF).rank_history}
    assert (b_history[date(2024, 4, 1)], b_history[date(2024, 5, 1)], b_history[date(2024, 6, 1)]) == (1, 1, 2)
    assert [t.pk for t in page.tasks] == [data.tasks[n].pk for n in ("requested", "over_a1", "over_a2")]


def test_dashboard_filters_narrow_every_figure(data):
    board = dashboard_summary(tasks=TaskFilterSet({"year": "2023"}, queryset=Task.objects.all(), as_of=AS_OF).qs,
                              as_of=AS_OF, scope={"year": "2023"})
    assert board.total.value == 6
    assert board.ranking == []
    assert "year=2023" in board.on_time.on_time.query


# Pages -------------------------------------------------------------------------------------------


def _client(client, username):
    assert client.login(username=username, password=PASSWORD)
    return client


@time_machine.travel(dashboard_data.at(AS_OF), tick=False)
def test_manager_sees_dashboard_with_links_and_svg(client, data):
    user("leader", "领导", staff=True)
    response = _client(client, "leader").get(reverse("admin:tracker_dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<svg") >= 5
    assert "市水务局" in html and "按期办结率" in html
    list_url = reverse("admin:tracker_dashboard_tasks")
    assert f'href="{list_url}?light=red"' in html
    assert "67%" in html  # 2 of 3


@time_machine.travel(dashboard_data.at(AS_OF), tick=False)
def test_task_list_and_department_pages_render(client, data):
    user("office", "督查室", staff=True)
    c = _client(client, "office")
    response = c.get(reverse("admin:tracker_dashboard_tasks"), {"department": data.b.pk, "overdue": "1"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 2
    response = c.get(reverse("admin:tracker_dashboard_department", args=[data.a.pk]))
    assert response.status_code == 200
    assert "第2名" in response.content.decode()


def test_admin_index_links_to_the_dashboard(client, data):
    user("office", "督查室", staff=True)
    html = _client(client, "office").get(reverse("admin:index")).content.decode()
    assert reverse("admin:tracker_dashboard") in html and "督办看板" in html


def test_department_staff_are_refused(client, data):
    user("unit-staff", "承办单位", department=data.a)  # no admin access at all
    c = _client(client, "unit-staff")
    for url in (reverse("admin:tracker_dashboard"), reverse("admin:tracker_dashboard_tasks"),
                reverse("admin:tracker_dashboard_department", args=[data.a.pk])):
        response = c.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.logout()
    user("staff-unit", "承办单位", staff=True, department=data.b)  # even with is_staff, never the ranking
    c = _client(client, "staff-unit")
    for url in (reverse("admin:tracker_dashboard"), reverse("admin:tracker_dashboard_tasks"),
                reverse("admin:tracker_dashboard_department", args=[data.b.pk])):
        assert c.get(url).status_code == 403


def _dashboard_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:tracker_dashboard")).status_code == 200
    return len(queries)


def test_dashboard_query_count_is_constant(client, data, django_assert_max_num_queries):
    user("leader", "领导", staff=True)
    c = _client(client, "leader")
    c.get(reverse("admin:tracker_dashboard"))  # warm the session
    small = _dashboard_queries(c)
    with django_assert_max_num_queries(small):
        c.get(reverse("admin:tracker_dashboard"))
    departments = [dashboard_data.DepartmentFactory(name=f"扩展单位{i}") for i in range(12)]
    dashboard_data.bulk(directive=data.d1, departments=departments, count=90, as_of=AS_OF)
    dashboard_data.bulk(directive=dashboard_data.DirectiveFactory(), departments=departments, count=30, as_of=AS_OF)
    assert Task.objects.count() == 132
    with django_assert_max_num_queries(small):
        c.get(reverse("admin:tracker_dashboard"))
    assert small <= 20
