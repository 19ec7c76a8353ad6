"""督办看板 in the admin: the dashboard, the list of units' parts behind every number, a page per
department, and the 考评 of a period (with the 考评表 and 督查通报 downloads). Thin views: scope → AssignmentFilterSet (lead units by default) → selectors_dashboard → template.

Added to `admin.site` by wrapping its `get_urls()` (each view through `admin_site.admin_view`), so no
AdminSite is swapped. Only the office (督查室) and managers (领导) may open these pages: department staff
never see the ranking.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone

from tracker import charts
from tracker.filtersets import AssignmentFilterSet
from tracker.models import Assignment, Department
from tracker.periods import Period, month_of, period_choices, period_parse
from tracker.permissions import assignment_for, user_is_office, user_sees_all
from tracker.selectors import GREEN, RED, YELLOW, assignment_rows
from tracker.selectors_dashboard import dashboard_summary, department_page, query
from tracker.selectors_documents import issued_bulletin
from tracker.selectors_ratings import department_assessment

LIGHT_COLORS = {RED: charts.RED, YELLOW: charts.YELLOW, GREEN: charts.GREEN}
PAGE_SIZE = 100


def _require_office_or_manager(request: HttpRequest) -> None:
    if not user_sees_all(request.user):
        raise PermissionDenied("督办看板仅对督查室和领导开放。")


def _scope(request: HttpRequest) -> dict[str, Any]:
    """The AssignmentFilterSet parameters of the request (others, like the page number, are dropped)."""
    names = set(AssignmentFilterSet.base_filters)
    return {key: values if len(values) > 1 else values[0]
            for key, values in request.GET.lists() if key in names and any(values)}


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {**admin.site.each_context(request), "task_list_url": reverse("admin:tracker_dashboard_tasks"), **extra}


def _filterset(data: Any, *, request: HttpRequest, as_of: Any) -> AssignmentFilterSet:
    """Lead units' parts in hands (unless the query asks otherwise), seen through the user's scope."""
    return AssignmentFilterSet(data, queryset=assignment_for(user=request.user), as_of=as_of, user=request.user,
                               default_role=Assignment.Role.LEAD)


def dashboard_view(request: HttpRequest) -> HttpResponse:
    _require_office_or_manager(request)
    as_of = timezone.localdate()
    scope = _scope(request)
    filterset = _filterset(request.GET, request=request, as_of=as_of)
    returned = _filterset(QueryDict(query(scope, status=Assignment.Status.RETURNED)), request=request,
                          as_of=as_of).qs.count()
    board = dashboard_summary(assignments=filterset.qs, as_of=as_of, scope=scope, returned=returned)
    list_url = reverse("admin:tracker_dashboard_tasks")

    def href(query: str) -> str:
        return f"{list_url}?{query}" if query else ""

    ranking_top = board.ranking[:20]
    context = _context(
        request, title="督办看板", board=board, scope=scope,
        scope_query=query(scope),
        light_chart=charts.hbar_chart(
            [charts.Bar(f.label, f.value, href(f.query), LIGHT_COLORS[f.key]) for f in board.by_light],
            title="督办灯分布", label_width=60),
        status_chart=charts.hbar_chart(
            [charts.Bar(f.label, f.value, href(f.query), charts.BLUE) for f in board.by_status],
            title="按状态", label_width=80),
        ranking_chart=charts.hbar_chart(
            [charts.Bar(r.name, r.overdue.value, href(r.overdue.query), charts.RED) for r in ranking_top],
            title="逾期事项单位排名（前20）", label_width=160),
        due_chart=charts.column_chart(
            [f.label for f in board.due_soon],
            [("到期事项", charts.YELLOW, [charts.Bar(f.label, f.value, href(f.query)) for f in board.due_soon])],
            title="未来7日到期", height=180),
        trend_chart=charts.column_chart(
            [f"{t.month.month}月" for t in board.trends],
            [("办结", charts.GREEN, [charts.Bar(t.completed.label, t.completed.value, href(t.completed.query))
                                   for t in board.trends]),
             ("新增逾期", charts.RED, [charts.Bar(t.new_overdue.label, t.new_overdue.value,
                                               href(t.new_overdue.query)) for t in board.trends])],
            title="月度趋势"),
        directive_chart=charts.hbar_chart(
            [charts.Bar(d.doc_number or d.title, round(d.done_share * 100), href(d.accepted.query), charts.GREEN,
                        text=f"{d.done_share:.0%}（{d.accepted.value}/{d.total.value}）")
             for d in board.directives[:15]],
            title="各文件办结进度（按单位计）", maximum=100, label_width=170),
    )
    context.update(_printables_context(request, as_of=as_of, period=month_of(as_of)))
    return TemplateResponse(request, "admin/tracker/dashboard.html", context)


def _printables_context(request: HttpRequest, *, as_of: Any, period: Period) -> dict[str, Any]:
    """The period picker and the 考评表 / 督查通报 downloads (tracker.views.documents) of `period`."""
    return {"period": period, "choices": period_choices(as_of=as_of), "office": user_is_office(request.user),
            "bulletin": issued_bulletin(period=period),
            "picker_action": reverse("admin:tracker_dashboard_assessment")}


def assessment_view(request: HttpRequest) -> HttpResponse:
    """考评 of a period: the portal's table inside the admin (office and managers only)."""
    _require_office_or_manager(request)
    as_of = timezone.localdate()
    period = period_parse(request.GET.get("period"))
    if period is None or not period.started(as_of):
        period = month_of(as_of)
    context = _context(request, title=f"{period.label}考评",
                       assessment=department_assessment(period=period, as_of=as_of),
                       **_printables_context(request, as_of=as_of, period=period))
    return TemplateResponse(request, "admin/tracker/assessment.html", context)


def task_list_view(request: HttpRequest) -> HttpResponse:
    """The units' parts behind every dashboard number: AssignmentFilterSet over the user's scope, paginated."""
    _require_office_or_manager(request)
    as_of = timezone.localdate()
    filterset = _filterset(request.GET, request=request, as_of=as_of)
    paginator = Paginator(filterset.qs.order_by(F("current_due").asc(nulls_last=True), "task_id", "pk"), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    # The page's rows only: the selector builds them (light, date, overdue days) from this page's ids.
    ids = [a.pk for a in page.object_list]
    rows = assignment_rows(assignments=Assignment.objects.filter(pk__in=ids), as_of=as_of, limit=PAGE_SIZE)
    query_string = request.GET.copy()
    query_string.pop("page", None)
    context = _context(request, title="督办事项清单（按承办单位）", filterset=filterset, page=page, rows=rows,
                       as_of=as_of, query=query_string.urlencode())
    return TemplateResponse(request, "admin/tracker/dashboard_tasks.html", context)


def department_view(request: HttpRequest, pk: int) -> HttpResponse:
    _require_office_or_manager(request)
    as_of = timezone.localdate()
    department = get_object_or_404(Department, pk=pk)
    data = department_page(department=department, as_of=as_of)
    worst = max([p.ranked for p in data.rank_history] + [1])
    context = _context(
        request, title=f"{department.name}：督办情况", data=data,
        rank_chart=charts.rank_line_chart([(f"{p.month:%y-%m}", p.rank) for p in data.rank_history],
                                          title="逾期排名走势", worst=worst),
    )
    return TemplateResponse(request, "admin/tracker/department_dashboard.html", context)


def _wrap(get_urls: Callable[[], list[Any]]) -> Callable[[], list[Any]]:
    def urls() -> list[Any]:
        view = admin.site.admin_view
        return [
            path("tracker/dashboard/", view(dashboard_view), name="tracker_dashboard"),
            path("tracker/dashboard/tasks/", view(task_list_view), name="tracker_dashboard_tasks"),
            path("tracker/dashboard/departments/<int:pk>/", view(department_view),
                 name="tracker_dashboard_department"),
            path("tracker/dashboard/assessment/", view(assessment_view), name="tracker_dashboard_assessment"),
            *get_urls(),
        ]

    return urls


if not getattr(admin.site, "_tracker_dashboard", False):
    admin.site.get_urls = _wrap(admin.site.get_urls)  # type: ignore[method-assign]
    admin.site.index_template = "admin/tracker/index.html"
    admin.site._tracker_dashboard = True  # type: ignore[attr-defined]
