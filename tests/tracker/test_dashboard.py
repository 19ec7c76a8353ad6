"""Dashboard figures per unit on the hand-built data set (tests/tracker/dashboard_data.py), a hand-computed
co-lead fixture, query counts at two sizes, drill-down links that reproduce each number, and who may see the
pages."""
from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import DepartmentFactory, DirectiveFactory
from tests.tracker import dashboard_data
from tests.tracker.dashboard_data import AS_OF, PASSWORD, SHANGHAI, S, user
from tests.tracker.workflow import lead_of, workflow_task
from tracker.filtersets import AssignmentFilterSet
from tracker.models import Assignment, Task
from tracker.selectors import assignments_with_light
from tracker.selectors_dashboard import dashboard_summary, department_page

pytestmark = pytest.mark.django_db


def _leads():
    return AssignmentFilterSet({}, queryset=Assignment.objects.all(), as_of=AS_OF, default_role="lead").qs


@pytest.fixture
def data():
    return dashboard_data.build()


@pytest.fixture
def board(data):
    return dashboard_summary(assignments=_leads(), as_of=AS_OF)


def _figures(figures):
    return {f.key: f.value for f in figures}


def _drill(query: str) -> set[int]:
    """The tasks behind the drill-down link of a figure (AssignmentFilterSet over every lead unit's part)."""
    params = QueryDict(query)
    parts = AssignmentFilterSet(params, queryset=Assignment.objects.all(), as_of=AS_OF, default_role="lead").qs
    return set(parts.values_list("task_id", flat=True))


def _ids(data, *names):
    return {data.tasks[name].pk for name in names}


def test_counts_by_status_and_light_cover_parts_in_the_units_hands_only(data, board):
    assert board.total.value == 11  # the draft is not in a unit's hands
    assert _figures(board.by_status) == {
        "assigned": 1, "signed": 1, "in_progress": 4, "completion_requested": 1, "accepted": 4}
    assert _figures(board.by_light) == {"red": 3, "yellow": 2, "green": 2}
    assert board.returned.value == 0


def test_light_drill_downs_list_exactly_the_counted_parts(data, board):
    lights = {f.key: f for f in board.by_light}
    assert _drill(lights["red"].query) == _ids(data, "over_a1", "over_a2", "over_b")
    assert _drill(lights["yellow"].query) == _ids(data, "soon", "behind")
    assert _drill(lights["green"].query) == _ids(data, "far", "requested")


def test_the_light_of_each_part_follows_the_rules_over_time(data):
    def lights(as_of):
        rows = assignments_with_light(Assignment.objects.filter(role="lead"), as_of=as_of)
        return {data.tasks[name].pk: light for name in data.tasks
                for pk, light in rows.values_list("task_id", "light") if pk == data.tasks[name].pk}

    today = lights(AS_OF)
    assert {name for name, task in data.tasks.items() if today[task.pk] == "red"} == {"over_a1", "over_a2", "over_b"}
    assert today[data.tasks["draft"].pk] == today[data.tasks["done_june"].pk] == "none"
    assert today[data.tasks["requested"].pk] == "green"  # past due but the office's turn
    # On 19 June "soon" (due 18 June) turns red; on 1 May nothing was overdue yet.
    assert lights(date(2024, 6, 19))[data.tasks["soon"].pk] == "red"
    assert "red" not in {v for k, v in lights(date(2024, 5, 1)).items() if k != data.tasks["done_late"].pk}


def test_on_time_rate_counts_extended_parts_apart(data, board):
    rate = board.on_time
    assert (rate.accepted.value, rate.counted.value, rate.on_time.value, rate.late.value) == (4, 3, 2, 1)
    assert (rate.extended.value, rate.extended_on_time.value) == (1, 1)
    assert rate.rate == pytest.approx(2 / 3)
    assert _drill(rate.on_time.query) == _ids(data, "done_on_time", "done_june")
    assert _drill(rate.late.query) == _ids(data, "done_late")
    assert _drill(rate.extended.query) == _ids(data, "done_extended")


def test_overdue_ranking_counts_each_units_own_parts(data, board):
    # 市商务局 leads two overdue parts (4 + 1 days); 市水务局 leads one (14 days) — its support part of over_a2
    # is 市商务局's date, not its own.
    assert [(r.rank, r.name, r.overdue.value, r.days_overdue_total) for r in board.ranking] == [
        (1, "市商务局", 2, 5), (2, "市水务局", 1, 14)]
    assert board.ranking[0].days_overdue_average == 2.5
    assert _drill(board.ranking[0].overdue.query) == _ids(data, "over_a1", "over_a2")
    assert _drill(board.ranking[1].overdue.query) == _ids(data, "over_b")


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
    rows = [(d.doc_number, d.total.value, d.accepted.value, d.overdue.value) for d in board.directives]
    # The draft is not counted; the directive with overdue parts comes first.
    assert rows == [("阳政办发〔2024〕1号", 6, 0, 3), ("阳政发〔2023〕9号", 5, 4, 0)]
    for progress in board.directives:  # mean reported % of the directive's lead parts in hands
        percents = list(Assignment.objects.lead().in_hands().filter(task__directive_id=progress.directive_id)
                        .values_list("progress_percent", flat=True))
        assert progress.average_percent == pytest.approx(sum(percents) / len(percents))
    assert _drill(board.directives[1].accepted.query) == _ids(
        data, "done_on_time", "done_late", "done_extended", "done_june")


def test_department_page(data):
    page = department_page(department=data.a, as_of=AS_OF)
    assert (page.total.value, page.open.value, page.overdue.value, page.support.value) == (4, 3, 2, 0)
    assert page.days_overdue_average == 2.5
    assert page.on_time.rate == 1.0
    assert page.current_rank == 1 and page.ranked == 2
    assert [e.task_id for e in page.extension_requests] == [data.tasks["over_a1"].pk]
    history = {p.month: (p.rank, p.late, p.ranked) for p in page.rank_history}
    assert history[date(2024, 6, 1)] == (1, 2, 1)  # only 商务局's own parts fell late in June
    assert history[date(2024, 5, 1)] == (None, 0, 1)
    b_page = department_page(department=data.b, as_of=AS_OF)
    b_history = {p.month: p.rank for p in b_page.rank_history}
    assert (b_history[date(2024, 4, 1)], b_history[date(2024, 5, 1)], b_history[date(2024, 6, 1)]) == (1, 1, None)
    assert (b_page.total.value, b_page.support.value, b_page.current_rank) == (3, 1, 2)
    assert [row.assignment.task_id for row in page.rows] == [data.tasks[n].pk for n in ("requested", "over_a1",
                                                                                        "over_a2")]
    # 市水务局's open list has its support part too, after its own dated parts.
    assert [row.assignment.role for row in b_page.rows][-1] == "support"


def test_dashboard_filters_narrow_every_figure(data):
    board = dashboard_summary(assignments=AssignmentFilterSet({"year": "2023"}, queryset=Assignment.objects.all(),
                                                              as_of=AS_OF, default_role="lead").qs,
                              as_of=AS_OF, scope={"year": "2023"})
    assert board.total.value == 5
    assert board.ranking == []
    assert "year=2023" in board.on_time.on_time.query


def test_two_co_leads_one_late_each_unit_keeps_its_own_record():
    """Hand-computed: 市甲局 and 市乙局 co-lead two tasks due 10 June; 市甲局 finished both on 5 June, 市乙局 one
    on 12 June (late) and the other not at all (overdue 4 days on 14 June). Each also leads one task alone,
    accepted on time."""
    x, y = DepartmentFactory(name="市甲局"), DepartmentFactory(name="市乙局")
    directive = DirectiveFactory()
    on_time, late_day = datetime(2024, 6, 5, 10, tzinfo=SHANGHAI), datetime(2024, 6, 12, 10, tzinfo=SHANGHAI)

    def accept(part, when):
        Assignment.objects.filter(pk=part.pk).update(status="accepted", accepted_at=when)
        part.occurrences.update(completed_at=when)

    both_done = workflow_task(lead=x, co_leads=(y,), status=S.COMPLETION_REQUESTED, due_on=date(2024, 6, 10),
                              directive=directive)
    accept(lead_of(both_done, x), on_time)
    accept(lead_of(both_done, y), late_day)
    one_open = workflow_task(lead=x, co_leads=(y,), status=S.IN_PROGRESS, due_on=date(2024, 6, 10),
                             directive=directive)
    accept(lead_of(one_open, x), on_time)
    for unit in (x, y):
        alone = workflow_task(lead=unit, status=S.COMPLETION_REQUESTED, due_on=date(2024, 6, 10), directive=directive)
        accept(lead_of(alone), on_time)
    from tracker.services.deadlines import task_due_refresh

    task_due_refresh()
    pages = {unit.name: department_page(department=unit, as_of=AS_OF) for unit in (x, y)}
    # 市甲局: 3 accepted, all on time; 市乙局: 2 accepted, 1 late → 50 %; 1 overdue 4 days, ranked first.
    assert (pages["市甲局"].on_time.counted.value, pages["市甲局"].on_time.on_time.value) == (3, 3)
    assert pages["市甲局"].on_time.rate == 1.0 and pages["市甲局"].overdue.value == 0
    assert (pages["市乙局"].on_time.counted.value, pages["市乙局"].on_time.on_time.value) == (2, 1)
    assert pages["市乙局"].on_time.rate == 0.5
    assert (pages["市乙局"].overdue.value, pages["市乙局"].days_overdue_average) == (1, 4.0)
    assert (pages["市乙局"].current_rank, pages["市甲局"].current_rank) == (1, None)
    board = dashboard_summary(assignments=_leads(), as_of=AS_OF)
    assert [(r.name, r.overdue.value) for r in board.ranking] == [("市乙局", 1)]
    assert board.on_time.rate == pytest.approx(4 / 5)  # 5 units' parts accepted, one late
    # The tasks: one signed off (both parts accepted), one still open with 1/2 units done.
    assert Task.objects.get(pk=one_open.pk).status == S.IN_PROGRESS


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
    assert "已退回待重新交办" in html and "按承办单位计" in html


@time_machine.travel(dashboard_data.at(AS_OF), tick=False)
def test_task_list_and_department_pages_render(client, data):
    user("office", "督查室", staff=True)
    c = _client(client, "office")
    response = c.get(reverse("admin:tracker_dashboard_tasks"), {"department": data.b.pk, "overdue": "1"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == 1  # 市水务局's own overdue part (over_b)
    assert "市水务局" in response.content.decode()
    response = c.get(reverse("admin:tracker_dashboard_department", args=[data.a.pk]))
    assert response.status_code == 200
    assert "第1名" in response.content.decode()


@time_machine.travel(dashboard_data.at(AS_OF), tick=False)
def test_parts_handed_back_are_shown_apart_and_listed_when_asked(client, data):
    back = dashboard_data.task(directive=data.d1, lead=data.c, status=S.RETURNED, due=date(2024, 7, 1),
                               text="退回的事项。")
    user("office", "督查室", staff=True)
    c = _client(client, "office")
    response = c.get(reverse("admin:tracker_dashboard"))
    assert response.context["board"].returned.value == 1 and response.context["board"].total.value == 11
    link = response.context["board"].returned.query
    listed = c.get(f"{reverse('admin:tracker_dashboard_tasks')}?{link}")
    assert [row.assignment.task_id for row in listed.context["rows"]] == [back.pk]


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
    assert Task.objects.count() == 132 and Assignment.objects.count() == 13 + 120 * 2
    with django_assert_max_num_queries(small):
        c.get(reverse("admin:tracker_dashboard"))
    assert small <= 20
