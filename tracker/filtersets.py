"""TaskFilterSet: the single definition of task filtering (portal list, dashboards, exports).

"Overdue only" and the red light both come from TaskQuerySet.overdue(as_of); `as_of` is passed in
by the interface (default: today in settings.TIME_ZONE).
"""
from __future__ import annotations

from datetime import date
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone

from tracker.models import Department, Directive, Task
from tracker.permissions import department_visible_to, directive_visible_to
from tracker.querysets import extended_q, late_q
from tracker.selectors import GREEN, LIGHT_LABELS, RED, YELLOW, tasks_with_due
from tracker.selectors_dashboard import task_light_sql
from tracker.services.clocks import node_breached_tasks


class TaskFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词", method="filter_q")
    status = django_filters.MultipleChoiceFilter(label="状态", choices=Task.Status.choices)
    light = django_filters.ChoiceFilter(
        label="督办灯", choices=[(v, LIGHT_LABELS[v]) for v in (GREEN, YELLOW, RED)], method="filter_light"
    )
    due_after = django_filters.DateFilter(label="时限起", method="filter_due_after",
                                          widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))
    due_before = django_filters.DateFilter(label="时限止", method="filter_due_before",
                                           widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))
    directive = django_filters.ModelChoiceFilter(label="文件", queryset=Directive.objects.none())
    department = django_filters.ModelChoiceFilter(label="承办单位", queryset=Department.objects.none(),
                                                  method="filter_department")
    overdue = django_filters.BooleanFilter(label="仅看逾期", method="filter_overdue",
                                           widget=django_filters.widgets.BooleanWidget())
    # Dashboard drill-downs and ledger exports (issue 7).
    issuer = django_filters.CharFilter(label="发文机关", field_name="directive__issuer")
    year = django_filters.NumberFilter(label="发文年度", field_name="directive__issued_on__year")
    extended = django_filters.BooleanFilter(label="获批延期", method="filter_extended",
                                            widget=django_filters.widgets.BooleanWidget())
    late = django_filters.BooleanFilter(label="逾期（含逾期销号）", method="filter_late",
                                        widget=django_filters.widgets.BooleanWidget())
    breach = django_filters.ChoiceFilter(label="节点超时", method="filter_breach",
                                         choices=[("sign", "超时未签收"), ("first_report", "超时未首次反馈")])
    signed_off_after = django_filters.DateFilter(label="销号起", method="filter_signed_off_after",
                                                 widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))
    signed_off_before = django_filters.DateFilter(label="销号止", method="filter_signed_off_before",
                                                  widget=django_filters.widgets.forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = Task
        fields = ["q", "status", "light", "due_after", "due_before", "directive", "department", "overdue",
                  "issuer", "year", "extended", "late", "breach", "signed_off_after", "signed_off_before"]

    def __init__(self, data: Any = None, queryset: QuerySet[Task] | None = None, *, as_of: date | None = None,
                 user: Any = None, **kwargs: Any) -> None:
        super().__init__(data, queryset, **kwargs)
        self.as_of = as_of or timezone.localdate()
        if user is not None:
            directives = directive_visible_to(user=user)
            departments = department_visible_to(user=user)
        else:
            directives, departments = Directive.objects.all(), Department.objects.all()
        self.filters["directive"].queryset = directives.order_by("-issued_on", "pk")
        self.filters["department"].queryset = departments.order_by("name")
        self.form.fields["overdue"].widget = django_filters.widgets.forms.CheckboxInput()

    def filter_q(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        if not value:
            return queryset
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value)
                               | Q(directive__doc_number__icontains=value))

    def filter_light(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        # The light's SQL form (checked against the portal's by a test): no row is loaded into Python.
        return queryset.alias(_light=task_light_sql(as_of=self.as_of)).filter(_light=value) if value else queryset

    def filter_due_after(self, queryset: QuerySet[Task], name: str, value: date) -> QuerySet[Task]:
        return tasks_with_due(queryset).filter(current_due__gte=value) if value else queryset

    def filter_due_before(self, queryset: QuerySet[Task], name: str, value: date) -> QuerySet[Task]:
        return tasks_with_due(queryset).filter(current_due__lte=value) if value else queryset

    def filter_department(self, queryset: QuerySet[Task], name: str, value: Department) -> QuerySet[Task]:
        return queryset.filter(assignments__department=value).distinct() if value else queryset

    def filter_overdue(self, queryset: QuerySet[Task], name: str, value: bool | None) -> QuerySet[Task]:
        return queryset.overdue(self.as_of) if value else queryset

    def filter_extended(self, queryset: QuerySet[Task], name: str, value: bool | None) -> QuerySet[Task]:
        if value is None:
            return queryset
        return queryset.filter(extended_q()) if value else queryset.exclude(extended_q())

    def filter_late(self, queryset: QuerySet[Task], name: str, value: bool | None) -> QuerySet[Task]:
        if value is None:
            return queryset
        return queryset.filter(late_q(self.as_of)) if value else queryset.exclude(late_q(self.as_of))

    def filter_breach(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return node_breached_tasks(node=value, as_of=self.as_of, queryset=queryset) if value else queryset

    def filter_signed_off_after(self, queryset: QuerySet[Task], name: str, value: date) -> QuerySet[Task]:
        return queryset.filter(signed_off_at__date__gte=value) if value else queryset

    def filter_signed_off_before(self, queryset: QuerySet[Task], name: str, value: date) -> QuerySet[Task]:
        return queryset.filter(signed_off_at__date__lte=value) if value else queryset
