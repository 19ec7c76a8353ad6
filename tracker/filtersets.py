"""The single definitions of filtering: TaskFilterSet (tasks: the office's lists, the admin, the API) and its
counterpart AssignmentFilterSet (units' parts: the departments' lists, dashboards and their drill-downs, the
台账). Same parameter names for the same ideas, so a drill-down link reads the same on either.

Without a `status` parameter both count only what is in the departments' hands (已交办 through 已销号 /
已办结); 待审核, 待交办 and 已退回 are listed when asked for. "Overdue only" and the red light come from
AssignmentQuerySet.overdue(as_of); `as_of` is passed in by the interface (default: today, settings.TIME_ZONE).
"""
from __future__ import annotations

from datetime import date
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from tracker.clocks import node_breached_assignments
from tracker.models import Assignment, Department, Directive, ExtensionRequest, Reminder, Task
from tracker.permissions import department_visible_to, directive_visible_to
from tracker.querysets import IN_HANDS_STATUSES, TASK_IN_HANDS_STATUSES, extended_q, late_q
from tracker.search import contains_q, doc_number_q
from tracker.selectors import GREEN, LIGHT_LABELS, RED, YELLOW, assignment_light_sql, task_filter_by_light

DATE_INPUT = django_filters.widgets.forms.DateInput(attrs={"type": "date"})
LIGHTS = [(v, LIGHT_LABELS[v]) for v in (GREEN, YELLOW, RED)]


def _date_filter(label: str, method: str) -> django_filters.DateFilter:
    return django_filters.DateFilter(label=label, method=method, widget=DATE_INPUT)


class FastSelect(django_filters.widgets.forms.Select):
    """A <select> written out in Python. Django renders each <option> through a template: 300 units and hundreds of
    文件 took most of a list page's time (benchmarks/lists.py)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            ("" if key is None else str(key), mark_safe(" selected") if str(key if key is not None else "") in chosen
             else "", label) for key, label in self.choices))
        final = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        return format_html("<select{}>{}</select>", flatatt(final), options)


class YesNoWidget(django_filters.widgets.BooleanWidget):
    """A yes/no filter as people read it: 全部 / 是 / 否 (the parameter stays true/false)."""

    def __init__(self, attrs: Any = None) -> None:
        super().__init__(attrs)
        self.choices = (("", "全部"), ("true", "是"), ("false", "否"))


def _yes_no(label: str, method: str | None = None, **kwargs: Any) -> django_filters.BooleanFilter:
    return django_filters.BooleanFilter(label=label, method=method, widget=YesNoWidget(), **kwargs)


class _ScopedFilterSet(django_filters.FilterSet):
    """Shared set-up: `as_of`, the choices the user may see, the in-hands default, the keyword search."""

    in_hands: tuple[str, ...] = ()
    task_prefix = ""  # how the task's fields are reached from the filtered model

    def __init__(self, data: Any = None, queryset: QuerySet[Any] | None = None, *, as_of: date | None = None,
                 user: Any = None, **kwargs: Any) -> None:
        super().__init__(data, queryset, **kwargs)
        self.as_of = as_of or timezone.localdate()
        if user is not None:
            directives, departments = directive_visible_to(user=user), department_visible_to(user=user)
        else:
            directives, departments = Directive.objects.all(), Department.objects.all()
        self.filters["directive"].queryset = directives.order_by("-issued_on", "pk")
        self.filters["department"].queryset = departments.exclude(kind=Department.Kind.GROUP).order_by("name")
        self.form.fields["overdue"].widget = django_filters.widgets.forms.CheckboxInput()
        # A drill-down parameter (a directive's page links here), not a list of every 文件 ever filed: the keyword
        # finds a 文号.
        self.form.fields["directive"].widget = django_filters.widgets.forms.HiddenInput()
        self.form.fields["department"].widget = FastSelect(choices=self.form.fields["department"].choices)

    def defaults(self, queryset: QuerySet[Any], asked: dict[str, Any]) -> QuerySet[Any]:
        """What applies when a parameter is not asked for: only what is in the departments' hands."""
        return queryset if asked.get("status") else queryset.filter(status__in=self.in_hands)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return super().filter_queryset(self.defaults(queryset, self.form.cleaned_data))

    @property
    def qs(self) -> QuerySet[Any]:
        if not hasattr(self, "_qs") and not self.is_bound:  # no parameters at all: the defaults still hold
            self._qs = self.defaults(self.queryset.all(), {})
        return super().qs

    def filter_q(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        """The keyword in the title, the text, the 文号 (any brackets), the reference, or a unit's name. The 文号 and
        the units are matched in their own small tables first (uncorrelated IN: one hashed pass, not one probe a row)."""
        if not value:
            return queryset
        t = self.task_prefix
        directives = Directive.objects.filter(doc_number_q("doc_number", value)).values("pk")
        return queryset.filter(contains_q(f"{t}title", value) | contains_q(f"{t}text", value)
                               | Q(directive__in=directives)
                               | doc_number_q(f"{t}source_ref", value) | self.unit_q(value))

    def unit_q(self, value: str) -> Q:
        """The keyword as a unit's name or short name."""
        return Q()

    def filter_overdue(self, queryset: QuerySet[Any], name: str, value: bool | None) -> QuerySet[Any]:
        return queryset.overdue(self.as_of) if value else queryset

    def filter_due_after(self, queryset: QuerySet[Any], name: str, value: date) -> QuerySet[Any]:
        return queryset.filter(current_due__gte=value) if value else queryset

    def filter_due_before(self, queryset: QuerySet[Any], name: str, value: date) -> QuerySet[Any]:
        return queryset.filter(current_due__lte=value) if value else queryset


class TaskFilterSet(_ScopedFilterSet):
    in_hands = TASK_IN_HANDS_STATUSES

    q = django_filters.CharFilter(label="关键词", method="filter_q")
    status = django_filters.MultipleChoiceFilter(label="状态", choices=Task.Status.choices)
    light = django_filters.ChoiceFilter(label="督办灯", choices=LIGHTS, method="filter_light", empty_label="全部")
    due_after = _date_filter("时限起", "filter_due_after")
    due_before = _date_filter("时限止", "filter_due_before")
    directive = django_filters.ModelChoiceFilter(label="文件", queryset=Directive.objects.none())
    department = django_filters.ModelChoiceFilter(label="承办单位", queryset=Department.objects.none(), empty_label="全部",
                                                  method="filter_department")
    overdue = _yes_no("仅看逾期", "filter_overdue")
    issuer = django_filters.CharFilter(label="发文机关", field_name="directive__issuer")
    year = django_filters.NumberFilter(label="发文年度", field_name="directive__issued_on__year")
    source_kind = django_filters.ChoiceFilter(label="来源", choices=Task.SourceKind.choices, empty_label="全部")

    class Meta:
        model = Task
        fields = ["q", "status", "light", "due_after", "due_before", "directive", "department", "overdue",
                  "issuer", "year", "source_kind"]

    def filter_light(self, queryset: QuerySet[Task], name: str, value: str) -> QuerySet[Task]:
        return task_filter_by_light(tasks=queryset, light=value, as_of=self.as_of) if value else queryset

    def filter_department(self, queryset: QuerySet[Task], name: str, value: Department) -> QuerySet[Task]:
        if not value:
            return queryset
        # The unit's task ids first (an index lookup): given them as a list, PostgreSQL sorts the few tasks by due
        # date. As a correlated EXISTS, ordered and limited, it walked the due-date index over every task.
        ids = list(Assignment.objects.filter(department=value).order_by().values_list("task_id", flat=True).distinct())
        return queryset.filter(pk__in=ids)

    def unit_q(self, value: str) -> Q:
        """A task any of whose units (lead or support) is named so."""
        # The directory is small: its matching ids first, so that the parts are found through their department
        # index (as a subquery PostgreSQL read all 250,000 parts to hash them: 150 ms at 100,000 tasks).
        named = list(Department.objects.filter(contains_q("name", value) | contains_q("short_name", value))
                     .values_list("pk", flat=True))
        return Q(pk__in=Assignment.objects.filter(department_id__in=named).values("task_id")) if named else Q()


class AssignmentFilterSet(_ScopedFilterSet):
    """Units' parts. `default_role` (the dashboards' and the 台账's "lead") applies when no `role` is asked."""

    in_hands = IN_HANDS_STATUSES
    task_prefix = "task__"

    q = django_filters.CharFilter(label="关键词", method="filter_q")
    status = django_filters.MultipleChoiceFilter(label="办理状态", choices=Assignment.Status.choices)
    role = django_filters.ChoiceFilter(label="职责", choices=Assignment.Role.choices, empty_label="全部")
    light = django_filters.ChoiceFilter(label="督办灯", choices=LIGHTS, method="filter_light", empty_label="全部")
    due_after = _date_filter("时限起", "filter_due_after")
    due_before = _date_filter("时限止", "filter_due_before")
    directive = django_filters.ModelChoiceFilter(label="文件", queryset=Directive.objects.none())
    department = django_filters.ModelChoiceFilter(label="承办单位", queryset=Department.objects.none(), empty_label="全部")
    overdue = _yes_no("仅看逾期", "filter_overdue")
    issuer = django_filters.CharFilter(label="发文机关", field_name="directive__issuer")
    year = django_filters.NumberFilter(label="发文年度", field_name="directive__issued_on__year")
    extended = _yes_no("获批延期", "filter_extended")
    late = _yes_no("逾期（含逾期办结）", "filter_late")
    breach = django_filters.ChoiceFilter(label="节点超时", method="filter_breach", empty_label="全部",
                                         choices=[("sign", "超时未签收"), ("first_report", "超时未首次反馈")])
    accepted_after = _date_filter("办结起", "filter_accepted_after")
    accepted_before = _date_filter("办结止", "filter_accepted_before")
    source_kind = django_filters.ChoiceFilter(label="来源", field_name="task__source_kind",
                                              choices=Task.SourceKind.choices, empty_label="全部")

    class Meta:
        model = Assignment
        fields = ["q", "status", "role", "light", "due_after", "due_before", "directive", "department", "overdue",
                  "issuer", "year", "extended", "late", "breach", "accepted_after", "accepted_before", "source_kind"]

    def __init__(self, data: Any = None, queryset: QuerySet[Assignment] | None = None, *,
                 default_role: str | None = None, **kwargs: Any) -> None:
        super().__init__(data, queryset, **kwargs)
        self.default_role = default_role

    def defaults(self, queryset: QuerySet[Any], asked: dict[str, Any]) -> QuerySet[Any]:
        queryset = super().defaults(queryset, asked)
        return queryset.filter(role=self.default_role) if self.default_role and not asked.get("role") else queryset

    def unit_q(self, value: str) -> Q:
        return contains_q("department__name", value) | contains_q("department__short_name", value)

    def filter_light(self, queryset: QuerySet[Assignment], name: str, value: str) -> QuerySet[Assignment]:
        # The light's SQL form (checked against the Python rule by a test): no row is loaded into Python.
        return queryset.alias(_light=assignment_light_sql(as_of=self.as_of)).filter(_light=value) if value \
            else queryset

    def filter_extended(self, queryset: QuerySet[Assignment], name: str, value: bool | None) -> QuerySet[Assignment]:
        if value is None:
            return queryset
        return queryset.filter(extended_q()) if value else queryset.exclude(extended_q())

    def filter_late(self, queryset: QuerySet[Assignment], name: str, value: bool | None) -> QuerySet[Assignment]:
        if value is None:
            return queryset
        return queryset.filter(late_q(self.as_of)) if value else queryset.exclude(late_q(self.as_of))

    def filter_breach(self, queryset: QuerySet[Assignment], name: str, value: str) -> QuerySet[Assignment]:
        return node_breached_assignments(node=value, as_of=self.as_of, queryset=queryset) if value else queryset

    def filter_accepted_after(self, queryset: QuerySet[Assignment], name: str, value: date) -> QuerySet[Assignment]:
        return queryset.filter(accepted_at__date__gte=value) if value else queryset

    def filter_accepted_before(self, queryset: QuerySet[Assignment], name: str, value: date
                               ) -> QuerySet[Assignment]:
        return queryset.filter(accepted_at__date__lte=value) if value else queryset


# --- the API's other lists (tracker/api): directives, extension requests, departments, the reminder log -------


class DirectiveFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词（文号、标题）", method="filter_q")
    issuer = django_filters.CharFilter(label="发文机关", lookup_expr="icontains")
    year = django_filters.NumberFilter(label="发文年度", field_name="issued_on__year")

    class Meta:
        model = Directive
        fields = ["q", "issuer", "year"]

    def filter_q(self, queryset: QuerySet[Directive], name: str, value: str) -> QuerySet[Directive]:
        return queryset.filter(doc_number_q("doc_number", value) | Q(title__icontains=value)) if value else queryset


class ExtensionRequestFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=ExtensionRequest.Status.choices)
    department = django_filters.NumberFilter(label="申请单位", field_name="department_id")
    task = django_filters.NumberFilter(label="任务", field_name="task_id")

    class Meta:
        model = ExtensionRequest
        fields = ["status", "department", "task"]


class DepartmentFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label="关键词（名称、简称、别名）", method="filter_q")
    kind = django_filters.ChoiceFilter(label="类别", choices=Department.Kind.choices)
    active = _yes_no("启用")
    verified = _yes_no("已核实")

    class Meta:
        model = Department
        fields = ["q", "kind", "active", "verified"]

    def filter_q(self, queryset: QuerySet[Department], name: str, value: str) -> QuerySet[Department]:
        if not value:
            return queryset
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value)
                               | Q(aliases__alias__icontains=value)).distinct()


class ReminderFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=Reminder.Status.choices)
    kind = django_filters.ChoiceFilter(label="类型", choices=Reminder.Kind.choices)
    channel = django_filters.ChoiceFilter(label="渠道", choices=Reminder.Channel.choices)
    department = django_filters.NumberFilter(label="单位", field_name="department_id")
    task = django_filters.NumberFilter(label="任务", field_name="task_id")
    sent_after = django_filters.DateFilter(label="提醒日期起", field_name="sent_on", lookup_expr="gte")
    sent_before = django_filters.DateFilter(label="提醒日期止", field_name="sent_on", lookup_expr="lte")

    class Meta:
        model = Reminder
        fields = ["status", "kind", "channel", "department", "task", "sent_after", "sent_before"]
