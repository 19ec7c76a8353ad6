"""Admin for the supervision office: directives with their source text and task tree, task review,
the department directory (aliases, merging unverified units), deadlines, holiday overrides and the
upload form. Every write that is more than a field edit goes through a service."""
from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_protect

from tracker import (  # noqa: F401  (督办看板; lockouts; reminders)
    admin_dashboard,
    admin_documents,  # noqa: F401  (出具文书)
    admin_logins,
    admin_reminders,
)
from tracker.admin_history import ReadOnlyHistoryAdmin
from tracker.filtersets import TaskFilterSet
from tracker.flags import TASK_FLAGS, flag_label, flag_labels
from tracker.forms import DirectiveUploadForm
from tracker.login import AdminLoginForm
from tracker.models import (
    Assignment,
    Attachment,
    Deadline,
    DeadlineOccurrence,
    Department,
    DepartmentAlias,
    DepartmentMembership,
    Directive,
    ExtensionRequest,
    HolidayOverride,
    ProgressReport,
    SourceFile,
    Task,
    TaskEvent,
    Urge,
)
from tracker.secrets import secret_fields, secret_mask
from tracker.selectors import GREEN, LIGHT_LABELS, RED, YELLOW
from tracker.services.deadlines import deadline_correct, deadlines_delete
from tracker.services.departments import (
    DepartmentImportError,
    MergeError,
    department_merge,
    departments_import,
    departments_verify,
)
from tracker.services.directives import ImportRefused, directive_import, directive_reextract
from tracker.services.review import task_mark_edited, tasks_confirm
from tracker.uploads import directive_upload_handlers, skipped_uploads

admin.site.site_header = "督查督办系统"
# "查看站点" leads to the 督办工作台: workflow actions (交办, 审批, 销号, 催办, 退办) are done there, not here.
admin.site.site_url = "/portal/"
admin.site.site_title = "督查督办"
admin.site.index_title = "管理后台"
admin.site.login_template = "admin/tracker/login.html"  # adds the organisation-login buttons
admin.site.login_form = AdminLoginForm  # throttled: says when a locked-out login may try again

# One level of the outline per numbering marker: 一、 （一） 1. （1） ① 第一条
_REF_LEVEL_RE = re.compile(r"[一二三四五六七八九十百]+、|[(（][^)）]+[)）]|\d+[.、．]?|[①-⑳]|第[^条]+条")


def _numbered_lines(lines: list[tuple[int, str]], highlight: tuple[int, int] | None = None) -> str:
    rows = format_html_join(
        "\n", '<tr{}><td class="line-no">{}</td><td>{}</td></tr>',
        (
            (mark_safe(' class="highlight"') if highlight and highlight[0] <= n <= highlight[1] else "",
             n, text)
            for n, text in lines
        ),
    )
    return format_html('<table class="source-lines">{}</table>', rows)


def _download_link(source: SourceFile) -> str:
    url = reverse("tracker:source_file_download", args=[source.pk])
    return format_html('<a href="{}" download>下载 {}</a>（{}，{}）', url, source.name, source.get_format_display(),
                       filesizeformat(source.size))


def _lead_names(task: Task) -> str:
    return "、".join(a.department.name for a in task.assignments.all() if a.role == Assignment.Role.LEAD)


# --- directives -------------------------------------------------------------------------------------


class YearFilter(admin.SimpleListFilter):
    title = "年份"
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = model_admin.get_queryset(request).dates("issued_on", "year", order="DESC")
        return [(str(d.year), f"{d.year}年") for d in years]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Directive]) -> QuerySet[Directive]:
        return queryset.filter(issued_on__year=int(self.value())) if self.value() else queryset


class TaskInline(admin.TabularInline):
    model = Task
    fk_name = "directive"
    fields = ("ref", "title", "status", "line_start", "line_end")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Directive)
class DirectiveAdmin(admin.ModelAdmin):
    list_display = ("doc_number", "title", "issuer", "issued_on", "kind", "task_bearing", "task_count", "source")
    search_fields = ("doc_number", "title")
    list_filter = ("issuer", YearFilter, "kind", "task_bearing")
    list_select_related = ("source",)
    readonly_fields = ("source", "original_download", "doc_number", "issuer", "issued_on", "recipient_list", "kind",
                       "task_bearing", "line_start", "line_end", "duplicate_of", "flag_text", "task_tree",
                       "source_text")
    fields = ("title", *readonly_fields)
    change_list_template = "admin/tracker/directive/change_list.html"
    actions = ("reextract_selected",)

    class Media:
        css = {"all": ("tracker/admin.css",)}  # source lines and task tree (no inline style: CSP)

    @admin.action(description="重新提取任务（保留已确认、已修改、已交办的任务）", permissions=["change"])
    def reextract_selected(self, request: HttpRequest, queryset: QuerySet[Directive]) -> None:
        for directive in queryset:
            for message in directive_reextract(directive=directive, as_of=timezone.localdate()).messages:
                self.message_user(request, message)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Directive]:
        return super().get_queryset(request).annotate(n_tasks=Count("tasks"))

    @admin.display(description="主送")
    def recipient_list(self, obj: Directive) -> str:
        return "、".join(obj.recipients) or "-"

    @admin.display(description="标记")
    def flag_text(self, obj: Directive) -> str:
        return "、".join(flag_labels(obj.flags)) or "—"

    @admin.display(description="原始文件")
    def original_download(self, obj: Directive) -> str:
        return _download_link(obj.source)

    @admin.display(description="任务数", ordering="n_tasks")
    def task_count(self, obj: Directive) -> int:
        return getattr(obj, "n_tasks", 0)

    @admin.display(description="原文（带行号）")
    def source_text(self, obj: Directive) -> str:
        return _numbered_lines(obj.numbered_lines())

    @admin.display(description="任务树")
    def task_tree(self, obj: Directive) -> str:
        tasks = obj.tasks.prefetch_related("assignments__department").order_by("line_start", "pk")
        rows = []
        for task in tasks:
            depth = min(max(len(_REF_LEVEL_RE.findall(task.ref)) - 1, 0), 8)  # tracker/admin.css: depth-0..8
            url = reverse("admin:tracker_task_change", args=[task.pk])
            rows.append((depth, url, task.ref, task.title or task.text[:40], task.get_status_display(),
                         _lead_names(task) or "—", f"第{task.line_start}–{task.line_end}行"))
        if not rows:
            return "（无任务）"
        return format_html(
            "<ul class='task-tree'>{}</ul>",
            format_html_join(
                "", "<li class='depth-{}'><a href='{}'>{} {}</a> 〔{}〕 牵头：{} <small>{}</small></li>", rows
            ),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_urls(self) -> list[Any]:
        return [
            path("upload/", self.admin_site.admin_view(self.upload_view), name="tracker_directive_upload"),
            *super().get_urls(),
        ]

    def upload_view(self, request: HttpRequest) -> HttpResponse:
        if not request.user.has_perm("tracker.add_sourcefile"):
            raise PermissionDenied("您没有导入文件的权限。")
        # Files stream to disk within the limits; the handlers must be set before anything reads the body,
        # so the CSRF check runs after (Django's documented pattern: csrf_exempt, then csrf_protect).
        request.upload_handlers = directive_upload_handlers(request)
        return csrf_protect(self._upload)(request)

    upload_view.csrf_exempt = True  # type: ignore[attr-defined]

    def _upload(self, request: HttpRequest) -> HttpResponse:
        form = DirectiveUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST":
            for name in skipped_uploads(request):
                limit = settings.DIRECTIVE_UPLOAD_MAX_BYTES / (1024 * 1024)
                messages.error(request, f"文件「{name}」超过大小限制（{limit:g} MB），未导入。")
            if form.is_valid():
                imported = False
                for upload in form.cleaned_data["files"]:
                    imported |= self._import_one(request, upload)
                target = "admin:tracker_directive_changelist" if imported else "admin:tracker_directive_upload"
                return HttpResponseRedirect(reverse(target))
        context = {**self.admin_site.each_context(request), "form": form, "title": "导入公文文件",
                   "opts": self.model._meta}
        return TemplateResponse(request, "admin/tracker/directive/upload.html", context)

    def _import_one(self, request: HttpRequest, upload: Any) -> bool:
        """Import one uploaded file through the service and say what happened; True when something was stored."""
        try:
            with upload.open("rb") as handle:
                data = handle.read()
            result = directive_import(name=upload.name, data=data, user=request.user, as_of=timezone.localdate())
        except ImportRefused as error:
            messages.error(request, str(error))
            return False
        level = messages.WARNING if result.nothing_found else messages.INFO
        for message in result.messages:
            messages.add_message(request, level, message)
        if result.unknown_departments:
            messages.warning(request, "新建未核实单位（请合并或确认）：" + "、".join(result.unknown_departments))
        return result.changed


@admin.register(SourceFile)
class SourceFileAdmin(admin.ModelAdmin):
    list_display = ("name", "format", "imported_at", "imported_by", "encoding", "size", "sha256")
    list_filter = ("format",)
    search_fields = ("name", "sha256")
    readonly_fields = ("name", "download", "format", "sha256", "size", "encoding", "metadata_list", "imported_at",
                       "imported_by", "numbered_text")
    exclude = ("text", "original", "origins", "metadata")

    @admin.display(description="原始文件")
    def download(self, obj: SourceFile) -> str:
        return _download_link(obj)

    @admin.display(description="网页元数据")
    def metadata_list(self, obj: SourceFile) -> str:
        labels = {"index_no": "索引号", "issuer": "发文机关", "doc_number": "文号", "issued_on": "成文日期",
                  "published_on": "发布日期", "title": "标题", "topic": "主题分类"}
        return "；".join(f"{labels.get(k, k)}：{v}" for k, v in obj.metadata.items()) or "—"

    class Media:
        css = {"all": ("tracker/admin.css",)}  # source lines and task tree (no inline style: CSP)

    @admin.display(description="全文（带行号）")
    def numbered_text(self, obj: SourceFile) -> str:
        return _numbered_lines(obj.numbered_lines())

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: Any = None) -> HttpResponse:
        return HttpResponseRedirect(reverse("admin:tracker_directive_upload"))


# --- tasks ----------------------------------------------------------------------------------------


class AssignmentInline(admin.TabularInline):
    """Units proposed for a draft task are edited here; after 交办 each unit's part changes only through the
    workflow services (portal), so the rows turn read-only."""

    model = Assignment
    fields = ("department", "role", "as_written", "status", "current_due")
    readonly_fields = ("as_written", "status", "current_due")
    autocomplete_fields = ("department",)
    extra = 0

    def _draft(self, obj: Any) -> bool:
        return obj is None or obj.status == Task.Status.PENDING_REVIEW

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return self.readonly_fields if self._draft(obj) else self.fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_add_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._draft(obj) and super().has_delete_permission(request, obj)


class DeadlineInline(admin.TabularInline):
    model = Deadline
    fields = ("text", "kind", "due_on", "parsed_due_on", "original_due_on", "recurrence", "confidence",
              "resolved_by", "corrected_by", "corrected_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True  # corrections go through the deadline page (keeps text, parsed date, who)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class FlaggedFilter(admin.SimpleListFilter):
    title = "待核标记"
    parameter_name = "flagged"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "有待核标记"), ("no", "无")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Task]) -> QuerySet[Task]:
        if self.value() == "yes":
            return queryset.exclude(flags=[])
        if self.value() == "no":
            return queryset.filter(flags=[])
        return queryset


class FilterSetChoice(admin.SimpleListFilter):
    """A sidebar entry for a TaskFilterSet parameter: it only offers the links; TaskFilterSet filters."""

    def queryset(self, request: HttpRequest, queryset: QuerySet[Task]) -> QuerySet[Task]:
        return queryset


class OverdueFilter(FilterSetChoice):
    title = "是否逾期"
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("1", "已逾期")]


class LightFilter(FilterSetChoice):
    title = "督办灯"
    parameter_name = "light"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(value, LIGHT_LABELS[value]) for value in (RED, YELLOW, GREEN)]


# The admin's own search box is `q` too: it searches more fields than TaskFilterSet's keyword filter.
TASK_FILTERSET_PARAMS = frozenset(TaskFilterSet.base_filters) - {"q"}


class TaskChangeList(ChangeList):
    """The admin task list filtered by TaskFilterSet (issue 7: one definition of task filtering), so
    every dashboard drill-down query string also works here: /admin/tracker/task/?overdue=1&department=3"""

    def get_filters_params(self, params: Any = None) -> Any:
        lookup_params = super().get_filters_params(params)
        claimed = {f.parameter_name for f in self.list_filter if isinstance(f, type)
                   and issubclass(f, admin.SimpleListFilter)}
        for key in TASK_FILTERSET_PARAMS - claimed:
            lookup_params.pop(key, None)
        return lookup_params

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet[Task]:
        queryset = super().get_queryset(request, exclude_parameters)
        data = request.GET.copy()
        for key in set(data) - TASK_FILTERSET_PARAMS:
            data.pop(key)
        if not data:
            return queryset
        return TaskFilterSet(data, queryset=queryset, as_of=timezone.localdate(), user=request.user).qs


class FlagsField(forms.TypedMultipleChoiceField):
    """The review flags as check boxes in Chinese (tracker.flags), never a JSON text box."""

    widget = forms.CheckboxSelectMultiple

    def prepare_value(self, value: Any) -> Any:
        return value or []


class TaskAdminForm(forms.ModelForm):
    flags = FlagsField(label="待核标记", required=False, choices=[(c, flag_label(c)) for c in TASK_FLAGS])

    class Meta:
        model = Task
        fields = ("ref", "title", "text", "parent", "category", "line_start", "line_end", "flags")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        extra = [c for c in (self.instance.flags or []) if c not in TASK_FLAGS]  # a code of the parser kept as is
        self.fields["flags"].choices = [*self.fields["flags"].choices, *((c, flag_label(c)) for c in extra)]


@admin.register(Task)
class TaskAdmin(ReadOnlyHistoryAdmin):
    form = TaskAdminForm
    list_display = ("ref", "short_title", "directive_number", "status", "current_due", "lead_units", "flag_list",
                    "edited", "confirmed_at", "workbench")
    list_filter = ("status", OverdueFilter, LightFilter, FlaggedFilter, "edited", "origin", "source_kind",
                   "category", "directive__issuer")
    search_fields = ("ref", "title", "text", "directive__doc_number", "directive__title", "source_ref")
    list_select_related = ("directive",)
    raw_id_fields = ("parent",)
    readonly_fields = ("directive", "source_kind", "source_ref", "instructed_by", "instructed_on", "leader", "status",
                       "source_lines", "origin", "edited", "confirmed_at", "confirmed_by", "assigned_at",
                       "signed_off_at", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("directive", "status", ("ref", "category"), "title", "text", "parent",
                           ("line_start", "line_end"), "flags", "edited")}),
        ("来源", {"fields": (("source_kind", "source_ref"), ("instructed_by", "instructed_on"), "leader")}),
        ("原文", {"fields": ("source_lines",)}),
        ("办理节点", {"classes": ("collapse",), "fields": (
            "origin", "confirmed_at", "confirmed_by", "assigned_at", "signed_off_at", "created_at",
            "updated_at")}),
    )
    inlines = (AssignmentInline, DeadlineInline)
    actions = ("confirm_and_assign", "confirm_only")

    class Media:
        css = {"all": ("tracker/admin.css",)}  # source lines and task tree (no inline style: CSP)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Task]:
        return super().get_queryset(request).prefetch_related("assignments__department")

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[ChangeList]:
        return TaskChangeList

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="办理")
    def workbench(self, obj: Task) -> str:
        if obj.status == Task.Status.PENDING_REVIEW:
            return format_html('<a href="{}">到审核页</a>', reverse("tracker:review_task", args=[obj.pk]))
        return _workbench_link(obj.pk, "到工作台办理")

    @admin.display(description="任务", ordering="title")
    def short_title(self, obj: Task) -> str:
        return (obj.title or obj.text)[:40]

    @admin.display(description="文号（来源）", ordering="directive__doc_number")
    def directive_number(self, obj: Task) -> str:
        return obj.source_number

    @admin.display(description="牵头单位")
    def lead_units(self, obj: Task) -> str:
        return _lead_names(obj)

    @admin.display(description="待核标记")
    def flag_list(self, obj: Task) -> str:
        return "、".join(flag_labels(obj.flags))

    @admin.display(description="原文（前后各两行）")
    def source_lines(self, obj: Task) -> str:
        if obj.line_start is None or obj.directive_id is None:
            return "—"
        end = obj.line_end or obj.line_start
        lines = obj.directive.source.numbered_lines(obj.line_start - 2, end + 2)
        return _numbered_lines(lines, highlight=(obj.line_start, end))

    def save_model(self, request: HttpRequest, obj: Task, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and form.changed_data:
            task_mark_edited(task=obj, user=request.user,
                             changed=[str(form.fields[name].label) for name in form.changed_data])

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if change and formset.model is Assignment and formset.has_changed():
            task_mark_edited(task=form.instance, user=request.user, changed=["承办单位"])

    @admin.action(description="确认并交办所选任务", permissions=["change"])
    def confirm_and_assign(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        self._confirm(request, queryset, assign=True)

    @admin.action(description="仅确认（暂不交办）", permissions=["change"])
    def confirm_only(self, request: HttpRequest, queryset: QuerySet[Task]) -> None:
        self._confirm(request, queryset, assign=False)

    def _confirm(self, request: HttpRequest, queryset: QuerySet[Task], *, assign: bool) -> None:
        result = tasks_confirm(tasks=queryset.order_by("pk"), user=request.user, as_of=timezone.localdate(),
                               assign=assign)
        self.message_user(request, f"已确认 {len(result.confirmed)} 项任务" + ("并交办。" if assign else "。"))
        if result.errors:
            self.message_user(request, f"{len(result.errors)} 项暂未交办，原因如下（可在任务页面交办时处理）：",
                              level=messages.WARNING)
        for error in result.errors:
            self.message_user(request, error, level=messages.WARNING)


class OccurrenceInline(admin.TabularInline):
    model = DeadlineOccurrence
    fields = ("due_on", "completed_at", "completed_by", "report")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class DeadlineCorrectionForm(forms.ModelForm):
    note = forms.CharField(label="修改说明", required=False)

    class Meta:
        model = Deadline
        fields = ("due_on",)


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyHistoryAdmin):
    """The office corrects a date here; the text as written and the parser's date stay beside it."""

    form = DeadlineCorrectionForm
    list_display = ("text", "task", "due_on", "parsed_due_on", "recurrence", "kind", "resolved_by", "corrected_by")
    list_filter = ("resolved_by", "recurrence", "kind")
    search_fields = ("text", "task__title", "task__directive__doc_number")
    list_select_related = ("task", "corrected_by")
    readonly_fields = ("task", "text", "kind", "parsed_due_on", "original_due_on", "recurrence", "rule", "offset",
                       "anchor", "range_start", "confidence", "flag_text", "calendar", "resolved_by", "corrected_by",
                       "corrected_at")
    fields = ("task", "text", "due_on", "note", *readonly_fields[2:])
    inlines = (OccurrenceInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description="标记")
    def flag_text(self, obj: Deadline) -> str:
        return "、".join(flag_labels(obj.flags)) or "—"

    def save_model(self, request: HttpRequest, obj: Deadline, form: Any, change: bool) -> None:
        if change and "due_on" in form.changed_data:
            deadline_correct(deadline=obj, due_on=form.cleaned_data["due_on"], user=request.user,
                             note=form.cleaned_data.get("note", ""))

    def delete_model(self, request: HttpRequest, obj: Deadline) -> None:
        deadlines_delete(deadlines=[obj])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Deadline]) -> None:
        deadlines_delete(deadlines=queryset)


# --- departments ----------------------------------------------------------------------------------


class AliasInline(admin.TabularInline):
    model = DepartmentAlias
    extra = 1


class MembershipInline(admin.TabularInline):
    model = DepartmentMembership
    autocomplete_fields = ("user",)
    extra = 0


class DirectoryImportForm(forms.Form):
    file = forms.FileField(
        label="单位目录文件",
        help_text="CSV（UTF-8 或 GB18030）或 Excel（.xlsx）。第一行为表头：单位名称（必填）、别名（多个用顿号分隔）、简称、"
                  "类别、上级单位、成员单位、联系邮箱、机器人类型、群机器人地址、启用。重复导入同一文件不会产生变化。",
    )


class MergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label="合并到", queryset=Department.objects.filter(verified=True).order_by("name"),
        help_text="所选单位的名称和别名将成为目标单位的别名，其承办任务一并转入",
    )


class WriteOnlyInput(forms.TextInput):
    """Never renders a value: a stored credential does not reach the browser, even masked in the field."""

    def format_value(self, value: Any) -> None:
        return None


class DepartmentAdminForm(forms.ModelForm):
    """Robot URL and secret are write-only: the page shows "••••1234"; a blank field keeps the stored value."""

    webhook_clear = forms.BooleanField(label="清除群机器人配置", required=False,
                                       help_text="勾选后删除已保存的群机器人地址和加签密钥")

    class Meta:
        model = Department
        fields = ("name", "short_name", "kind", "parent", "members", "verified", "active", "contact_email",
                  "webhook_kind", "webhook_url", "webhook_secret")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in secret_fields(Department):
            if name not in self.fields:
                continue
            stored = getattr(self.instance, name)
            field = self.fields[name]
            field.required = False
            field.widget = WriteOnlyInput(attrs={"placeholder": secret_mask(stored) or "未设置", "autocomplete": "off",
                                                 "size": 60})
            field.help_text = f"已保存：{secret_mask(stored)}；留空则保持不变。" if stored else "未设置。"
            self.initial[name] = ""

    def _clean_secret(self, name: str) -> str:
        value = self.cleaned_data.get(name) or ""
        return value or getattr(self.instance, name)

    def clean_webhook_url(self) -> str:
        return self._clean_secret("webhook_url")

    def clean_webhook_secret(self) -> str:
        return self._clean_secret("webhook_secret")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if cleaned.get("webhook_clear"):
            for name in secret_fields(Department):
                cleaned[name] = ""
        return cleaned


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "verified", "active", "alias_list", "assignment_count", "contact_email",
                    "webhook_kind")
    list_filter = ("verified", "kind", "active", "webhook_kind")
    search_fields = ("name", "short_name", "aliases__alias")
    autocomplete_fields = ("parent",)
    filter_horizontal = ("members",)
    inlines = (AliasInline, MembershipInline)
    actions = ("merge_selected", "verify_selected")
    form = DepartmentAdminForm
    fieldsets = (
        (None, {"fields": ("name", "short_name", "kind", "parent", "members", "verified", "active")}),
        ("提醒渠道", {"fields": ("contact_email", "webhook_kind", "webhook_url", "webhook_secret", "webhook_clear")}),
    )

    def get_fieldsets(self, request: HttpRequest, obj: Department | None = None) -> Any:
        if self.has_change_permission(request, obj) or (obj is None and self.has_add_permission(request)):
            return self.fieldsets
        # Read-only viewers (managers) see whether a robot is set up, never its address or secret.
        return (self.fieldsets[0], ("提醒渠道", {"fields": ("contact_email", "webhook_kind", "webhook_status")}))

    @admin.display(description="群机器人")
    def webhook_status(self, obj: Department) -> str:
        if not obj.webhook_url:
            return "未设置"
        return "已设置（已加签）" if obj.webhook_secret else "已设置"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        return super().get_queryset(request).annotate(n_assignments=Count("assignments", distinct=True)) \
            .prefetch_related("aliases")

    def get_urls(self) -> list[Any]:
        return [
            path("import/", self.admin_site.admin_view(self.import_view), name="tracker_department_import"),
            *super().get_urls(),
        ]

    def import_view(self, request: HttpRequest) -> HttpResponse:
        if not (request.user.has_perm("tracker.add_department") and request.user.has_perm("tracker.change_department")):
            messages.error(request, "您没有导入单位目录的权限。")
            return HttpResponseRedirect(reverse("admin:tracker_department_changelist"))
        form = DirectoryImportForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = departments_import(name=upload.name, data=upload.read())
            except DepartmentImportError as error:
                for line in error.errors[:50]:
                    messages.error(request, line)
                if len(error.errors) > 50:
                    messages.error(request, f"另有 {len(error.errors) - 50} 处错误未列出。")
                messages.error(request, "单位目录未导入：请改正以上各行后重新上传。")
            else:
                messages.success(request, result.message(name=upload.name))
                return HttpResponseRedirect(reverse("admin:tracker_department_changelist"))
        context = {**self.admin_site.each_context(request), "form": form, "title": "导入单位目录",
                   "opts": self.model._meta}
        return TemplateResponse(request, "admin/tracker/department/import.html", context)

    @admin.display(description="别名")
    def alias_list(self, obj: Department) -> str:
        return "、".join(a.alias for a in obj.aliases.all())[:80]

    @admin.display(description="承办任务数", ordering="n_assignments")
    def assignment_count(self, obj: Department) -> int:
        return getattr(obj, "n_assignments", 0)

    @admin.action(description="确认为已核实单位", permissions=["change"])
    def verify_selected(self, request: HttpRequest, queryset: QuerySet[Department]) -> None:
        self.message_user(request, f"已确认 {departments_verify(departments=queryset)} 个单位。")

    @admin.action(description="合并到其他单位…", permissions=["change"])
    def merge_selected(self, request: HttpRequest, queryset: QuerySet[Department]) -> HttpResponse | None:
        if "apply" in request.POST:
            form = MergeForm(request.POST)
            if form.is_valid():
                target = form.cleaned_data["target"]
                merged = 0
                for source in queryset.exclude(pk=target.pk):
                    try:
                        department_merge(source=source, target=target)
                    except MergeError as error:
                        self.message_user(request, str(error), level=messages.ERROR)
                        continue
                    merged += 1
                self.message_user(request, f"已将 {merged} 个单位合并到「{target.name}」。")
                return None
        else:
            form = MergeForm()
        context = {**self.admin_site.each_context(request), "form": form, "departments": queryset,
                   "title": "合并单位", "opts": self.model._meta,
                   "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
        return render(request, "admin/tracker/department/merge.html", context)


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ("day", "is_workday", "note")
    list_filter = ("is_workday",)
    date_hierarchy = "day"
    search_fields = ("note",)


# --- workflow records (append-only: read-only here) -------------------------------------------------


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(TaskEvent)
class TaskEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "task", "action", "from_status", "to_status", "actor", "note")
    list_filter = ("action",)
    search_fields = ("task__title", "note")
    list_select_related = ("task", "actor")


@admin.register(ProgressReport)
class ProgressReportAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "task", "department", "percent", "is_completion", "author")
    list_filter = ("is_completion",)
    search_fields = ("task__title", "text", "department__name")
    list_select_related = ("task", "department", "author")


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "report", "task", "size", "content_type", "uploaded_by", "created_at")


def _workbench_link(task_id: int, label: str, anchor: str = "") -> str:
    """A link to the task's page in the 督办工作台, where the workflow action is done (the admin only shows it)."""
    url = reverse("tracker:task_detail", args=[task_id]) + (f"#{anchor}" if anchor else "")
    return format_html('<a href="{}">{}</a>', url, label)


@admin.register(ExtensionRequest)
class ExtensionRequestAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "task", "department", "original_due_on", "requested_due_on", "status",
                    "decided_by", "workbench")
    list_filter = ("status",)
    list_select_related = ("task", "department", "decided_by")

    @admin.display(description="办理")
    def workbench(self, obj: ExtensionRequest) -> str:
        label = "到工作台审批" if obj.status == ExtensionRequest.Status.PENDING else "在工作台查看"
        return _workbench_link(obj.task_id, label, f"unit-card-{obj.assignment_id}" if obj.assignment_id else "")


@admin.register(Urge)
class UrgeAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "task", "urged_by", "note", "replied_at", "workbench")
    list_select_related = ("task", "urged_by")

    @admin.display(description="办理")
    def workbench(self, obj: Urge) -> str:
        return _workbench_link(obj.task_id, "在工作台查看", f"unit-card-{obj.assignment_id}" if obj.assignment_id else "")


# Outgoing webhooks (tracker/admin_webhooks.py; reuses WriteOnlyInput above). API tokens are never shown in the
# admin: users get theirs from POST /api/v1/auth/token/ and revoke it with DELETE there.
from tracker import admin_webhooks  # noqa: E402, F401

try:
    from rest_framework.authtoken.models import TokenProxy

    admin.site.unregister(TokenProxy)
except admin.sites.NotRegistered:  # pragma: no cover - registered by rest_framework.authtoken's own admin
    pass
