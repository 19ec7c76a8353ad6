"""API and webhook shapes: serializers shape data only (no query beyond the objects handed in, no rule).

Outputs read the selectors' objects (tracker.selectors_api.TaskCard, light-annotated Assignment rows); every
status travels as its code with its Chinese label beside it (`status`, `status_label`), times in 北京时间
(ISO 8601, +08:00, to the second). Inputs check shape only; the services decide.
Robot and webhook credentials (tracker.secrets.SECRET_FIELDS) are never among the fields.
"""
from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tracker.models import (
    Assignment,
    Attachment,
    Deadline,
    Department,
    Directive,
    ExtensionRequest,
    ProgressReport,
    Reminder,
    Task,
    Urge,
)
from tracker.readable import urge_outcome_text
from tracker.selectors import LIGHT_LABELS

LIGHT_CHOICES = [(value, label) for value, label in LIGHT_LABELS.items()]


class LocalDateTimeField(serializers.DateTimeField):
    """北京时间 with its offset, to the second: 2026-03-05T09:30:00+08:00."""

    def to_representation(self, value: Any) -> str | None:
        if value is None:
            return None
        return timezone.localtime(value).isoformat(timespec="seconds")


def _label(source: str, label: str) -> serializers.CharField:
    return serializers.CharField(source=source, read_only=True, label=label)


class LightField(serializers.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(choices=LIGHT_CHOICES, read_only=True, **kwargs)


def _light_label(value: str) -> str:
    return LIGHT_LABELS.get(value, LIGHT_LABELS["none"])


# --- small shapes ------------------------------------------------------------------------------------------


class DepartmentRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True, label="单位名称")


class DirectiveRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    doc_number = serializers.CharField(read_only=True, label="文号")
    title = serializers.CharField(read_only=True, label="标题")


class SourceLineSerializer(serializers.Serializer):
    number = serializers.IntegerField(read_only=True, label="行号")
    text = serializers.CharField(read_only=True, label="原文")


class DeadlineSerializer(serializers.ModelSerializer):
    due = serializers.DateField(source="due_on", read_only=True, allow_null=True, label="办理时限")
    recurrence_label = _label("get_recurrence_display", "周期")

    class Meta:
        model = Deadline
        fields = ["id", "text", "due", "recurrence", "recurrence_label"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    """One unit's part (a row annotated with `light` by tracker.selectors.assignments_with_light)."""

    department = DepartmentRefSerializer(read_only=True, label="承办单位")
    role_label = _label("get_role_display", "职责")
    status_label = _label("get_status_display", "办理状态")
    due = serializers.DateField(source="current_due", read_only=True, allow_null=True, label="当前时限")
    light = LightField(label="督办灯")
    light_label = serializers.SerializerMethodField(label="督办灯（中文）")
    assigned_at = LocalDateTimeField(read_only=True, label="交办时间")
    signed_at = LocalDateTimeField(read_only=True, label="签收时间")
    first_report_at = LocalDateTimeField(read_only=True, label="首次反馈时间")
    completion_requested_at = LocalDateTimeField(read_only=True, label="申请办结时间")
    accepted_at = LocalDateTimeField(read_only=True, label="办结时间")
    returned_at = LocalDateTimeField(read_only=True, label="退回时间")

    class Meta:
        model = Assignment
        fields = ["id", "department", "role", "role_label", "status", "status_label", "due", "light", "light_label",
                  "progress_percent", "assigned_at", "signed_at", "first_report_at", "completion_requested_at",
                  "accepted_at", "returned_at"]
        read_only_fields = fields

    def get_light_label(self, obj: Assignment) -> str:
        return _light_label(getattr(obj, "light", "none"))


class TaskRefSerializer(serializers.ModelSerializer):
    directive = DirectiveRefSerializer(read_only=True, allow_null=True, label="文件")
    status_label = _label("get_status_display", "状态")

    class Meta:
        model = Task
        fields = ["id", "directive", "ref", "title", "status", "status_label", "source_kind", "source_ref"]
        read_only_fields = fields


class AssignmentDetailSerializer(AssignmentSerializer):
    """A unit's part with its task (the department lists and the unit's actions answer with this)."""

    task = TaskRefSerializer(read_only=True, label="任务")

    class Meta(AssignmentSerializer.Meta):
        fields = [*AssignmentSerializer.Meta.fields, "task"]
        read_only_fields = fields


class TaskSerializer(serializers.Serializer):
    """A task card (tracker.selectors_api.TaskCard): the task, its light, units' parts, deadlines, source lines."""

    id = serializers.IntegerField(source="task.id", read_only=True)
    directive = DirectiveRefSerializer(source="task.directive", read_only=True, allow_null=True, label="文件")
    source_kind = serializers.ChoiceField(source="task.source_kind", choices=Task.SourceKind.choices, read_only=True,
                                          label="来源类别")
    source_kind_label = _label("task.get_source_kind_display", "来源类别（中文）")
    source_ref = serializers.CharField(source="task.source_ref", read_only=True, label="来源文号")
    instructed_by = serializers.CharField(source="task.instructed_by", read_only=True, label="批示人")
    instructed_on = serializers.DateField(source="task.instructed_on", read_only=True, allow_null=True,
                                          label="批示（会议）日期")
    ref = serializers.CharField(source="task.ref", read_only=True, label="编号")
    title = serializers.CharField(source="task.title", read_only=True, label="标题")
    text = serializers.CharField(source="task.text", read_only=True, label="任务内容")
    category = serializers.ChoiceField(source="task.category", choices=Task.Category.choices, read_only=True,
                                       label="类别")
    category_label = _label("task.get_category_display", "类别（中文）")
    status = serializers.ChoiceField(source="task.status", choices=Task.Status.choices, read_only=True, label="状态")
    status_label = _label("task.get_status_display", "状态（中文）")
    due = serializers.DateField(source="task.current_due", read_only=True, allow_null=True, label="当前时限")
    light = LightField(label="督办灯（最差的牵头单位）")
    light_label = serializers.SerializerMethodField(label="督办灯（中文）")
    units_total = serializers.IntegerField(read_only=True, label="牵头单位数")
    units_accepted = serializers.IntegerField(read_only=True, label="已办结的牵头单位数")
    leader = serializers.SerializerMethodField(label="分管领导")
    source_lines = SourceLineSerializer(many=True, read_only=True, label="原文（行号与内容）")
    deadlines = DeadlineSerializer(many=True, read_only=True, label="办理时限")
    assignments = AssignmentSerializer(many=True, read_only=True, label="承办单位")
    assigned_at = LocalDateTimeField(source="task.assigned_at", read_only=True, label="交办时间")
    signed_off_at = LocalDateTimeField(source="task.signed_off_at", read_only=True, label="销号时间")
    created_at = LocalDateTimeField(source="task.created_at", read_only=True, label="创建时间")
    portal_url = serializers.SerializerMethodField(label="门户页面")

    def get_light_label(self, obj: Any) -> str:
        return _light_label(obj.light)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_leader(self, obj: Any) -> str | None:
        leader = obj.task.leader
        return (leader.get_full_name() or leader.get_username()) if leader is not None else None

    def get_portal_url(self, obj: Any) -> str:
        return f"{settings.SITE_URL.rstrip('/')}/portal/tasks/{obj.task.pk}/"


class DirectiveSerializer(serializers.ModelSerializer):
    source = serializers.SerializerMethodField(label="来源文件")
    created_at = LocalDateTimeField(read_only=True, label="导入时间")

    class Meta:
        model = Directive
        fields = ["id", "doc_number", "title", "issuer", "issued_on", "kind", "recipients", "source", "created_at"]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                                          "format": {"type": "string"}}})
    def get_source(self, obj: Directive) -> dict[str, Any]:
        return {"id": obj.source_id, "name": obj.source.name, "format": obj.source.format}


class DirectiveDetailSerializer(DirectiveSerializer):
    tasks = serializers.SerializerMethodField(label="任务")

    class Meta(DirectiveSerializer.Meta):
        fields = [*DirectiveSerializer.Meta.fields, "tasks"]
        read_only_fields = fields

    @extend_schema_field(TaskSerializer(many=True))
    def get_tasks(self, obj: Directive) -> list[dict[str, Any]]:
        return TaskSerializer(self.context.get("tasks", []), many=True, context=self.context).data


class DepartmentSerializer(serializers.ModelSerializer):
    kind_label = _label("get_kind_display", "类别（中文）")

    class Meta:
        model = Department
        fields = ["id", "name", "short_name", "kind", "kind_label", "parent", "active", "verified"]
        read_only_fields = fields


class ReminderSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True, label="单位")
    kind_label = _label("get_kind_display", "类型（中文）")
    channel_label = _label("get_channel_display", "渠道（中文）")
    status_label = _label("get_status_display", "状态（中文）")
    sent_at = LocalDateTimeField(read_only=True, label="发送时间")

    class Meta:
        model = Reminder
        fields = ["id", "task", "department", "kind", "kind_label", "channel", "channel_label", "sent_on", "due_on",
                  "status", "status_label", "attempts", "sent_at"]
        read_only_fields = fields


class AttachmentSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="original_name", read_only=True, label="文件名")

    class Meta:
        model = Attachment
        fields = ["id", "name", "size", "content_type"]
        read_only_fields = fields


class ProgressReportSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True, label="单位")
    attachments = AttachmentSerializer(many=True, read_only=True, label="附件")
    created_at = LocalDateTimeField(read_only=True, label="填报时间")

    class Meta:
        model = ProgressReport
        fields = ["id", "task", "assignment", "department", "text", "percent", "is_completion", "attachments",
                  "created_at"]
        read_only_fields = fields


class ExtensionRequestSerializer(serializers.ModelSerializer):
    department = DepartmentRefSerializer(read_only=True, label="申请单位")
    status_label = _label("get_status_display", "状态（中文）")
    created_at = LocalDateTimeField(read_only=True, label="申请时间")
    decided_at = LocalDateTimeField(read_only=True, label="审批时间")

    class Meta:
        model = ExtensionRequest
        fields = ["id", "task", "assignment", "department", "reason", "current_progress", "requested_due_on",
                  "original_due_on", "status", "status_label", "decision_note", "created_at", "decided_at"]
        read_only_fields = fields


class UrgeSerializer(serializers.ModelSerializer):
    created_at = LocalDateTimeField(read_only=True, label="催办时间")
    replied_at = LocalDateTimeField(read_only=True, label="答复时间")
    outcome = serializers.SerializerMethodField(label="通知结果")

    class Meta:
        model = Urge
        fields = ["id", "task", "assignment", "note", "created_at", "reply", "replied_at", "outcome"]
        read_only_fields = fields

    def get_outcome(self, urge: Urge) -> str:
        """What the 催办 reached, as the portal says it: the unit's channels, or the in-app message only."""
        return urge_outcome_text([urge])


class MeSerializer(serializers.Serializer):
    username = serializers.CharField(read_only=True, label="用户名")
    name = serializers.CharField(read_only=True, label="姓名")
    roles = serializers.ListField(child=serializers.ChoiceField(choices=[("office", "督查室"), ("manager", "领导"),
                                                                         ("unit", "承办单位")]), read_only=True,
                                  label="角色")
    role_labels = serializers.ListField(child=serializers.CharField(), read_only=True, label="角色（中文）")
    departments = DepartmentRefSerializer(many=True, read_only=True, label="所在单位")


# --- inputs ------------------------------------------------------------------------------------------------


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(label="用户名", max_length=150)
    password = serializers.CharField(label="密码", max_length=128, style={"input_type": "password"},
                                     trim_whitespace=False)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True, label="令牌")


class DetailSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True, label="说明")


class NoteInputSerializer(serializers.Serializer):
    note = serializers.CharField(label="备注", required=False, allow_blank=True, max_length=1000, default="")


class AcceptInputSerializer(serializers.Serializer):
    rating = serializers.ChoiceField(label="办结评价", choices=Assignment.Rating.choices)
    note = serializers.CharField(label="备注", required=False, allow_blank=True, max_length=1000, default="")


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(label="理由", max_length=2000)


class FilesField(serializers.ListField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(child=serializers.FileField(allow_empty_file=True), required=False, default=list,
                         **kwargs)


class ReportInputSerializer(serializers.Serializer):
    text = serializers.CharField(label="进展情况", max_length=5000)
    percent = serializers.IntegerField(label="完成进度（%）", min_value=0, max_value=100)
    occurrence = serializers.IntegerField(label="本次反馈对应的时限（期）编号", required=False, allow_null=True,
                                          default=None)
    files = FilesField(label="附件")


class ExtensionRequestInputSerializer(serializers.Serializer):
    requested_due_on = serializers.DateField(label="申请延至")
    reason = serializers.CharField(label="延期理由", max_length=2000)
    current_progress = serializers.CharField(label="当前进展", max_length=2000)


class CompletionRequestInputSerializer(serializers.Serializer):
    text = serializers.CharField(label="办结情况及佐证说明", max_length=5000)
    files = FilesField(label="佐证材料")


class DecideInputSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(label="审批意见", choices=[("approve", "批准"), ("reject", "驳回")])
    note = serializers.CharField(label="说明", required=False, allow_blank=True, max_length=1000, default="")


class UrgeInputSerializer(serializers.Serializer):
    note = serializers.CharField(label="催办意见", required=False, allow_blank=True, max_length=1000, default="")
    assignment = serializers.IntegerField(label="只催办该承办单位记录", required=False, allow_null=True, default=None)


class AssignInputSerializer(serializers.Serializer):
    """交办 with the portal form's choices: the proposed units to keep (groups already expanded), units to add,
    and the decision for a date already past (new / keep) or missing (new / ongoing / clock)."""

    units = serializers.ListField(child=serializers.IntegerField(), required=False, allow_null=True, default=None,
                                  label="保留的拟交办单位（单位编号；缺省：全部可交办的）")
    add_leads = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                      label="增加牵头（责任）单位")
    add_supports = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                         label="增加配合单位")
    due_choice = serializers.ChoiceField(
        choices=[("new", "设定新的办理时限"), ("keep", "按原时限"), ("ongoing", "长期"), ("clock", "按节点时限办结")],
        required=False, allow_blank=True, default="", label="办理时限的处理")
    due_on = serializers.DateField(required=False, allow_null=True, default=None, label="新的办理时限")
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="", label="交办意见")


class TaskRegisterInputSerializer(serializers.Serializer):
    """立项: a task from a 领导批示, a meeting, the work report, a proposal, a letter or any other source."""

    source_kind = serializers.ChoiceField(choices=Task.SourceKind.choices, label="来源类别")
    source_ref = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label="来源文号")
    instructed_by = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                          label="批示人")
    instructed_on = serializers.DateField(required=False, allow_null=True, default=None, label="批示（会议）日期")
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="", label="标题")
    text = serializers.CharField(label="任务内容", max_length=10000)
    category = serializers.ChoiceField(choices=Task.Category.choices, required=False, default="ordinary",
                                       label="类别")
    leads = serializers.ListField(child=serializers.IntegerField(), min_length=1, label="牵头（责任）单位编号")
    supports = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                     label="配合单位编号")
    deadline = serializers.CharField(max_length=200, required=False, allow_blank=True, default="",
                                     label="时限（原文写法，如“6月底前”“每月28日前”）")
    due_on = serializers.DateField(required=False, allow_null=True, default=None, label="办理时限（日期）")
    leader = serializers.CharField(max_length=150, required=False, allow_blank=True, default="",
                                   label="分管领导（用户名）")
    assign = serializers.BooleanField(required=False, default=False, label="立项后立即交办")


class DirectiveImportInputSerializer(serializers.Serializer):
    files = serializers.ListField(child=serializers.FileField(allow_empty_file=True), label="公文文件",
                                  help_text="Word（.docx）、PDF、网页（.html/.htm/.mht）或文本（.txt）；可多个")


class ImportResultSerializer(serializers.Serializer):
    name = serializers.CharField(read_only=True, label="文件名")
    imported = serializers.BooleanField(read_only=True, label="是否有新内容导入")
    duplicate_file = serializers.BooleanField(read_only=True, label="同一文件已导入过")
    nothing_found = serializers.BooleanField(read_only=True, label="未识别出公文")
    directives = DirectiveRefSerializer(many=True, read_only=True, label="新导入的文件")
    tasks = serializers.IntegerField(read_only=True, label="任务数")
    deadlines = serializers.IntegerField(read_only=True, label="时限数")
    unknown_departments = serializers.ListField(child=serializers.CharField(), read_only=True,
                                                label="新建的未核实单位")
    messages = serializers.ListField(child=serializers.CharField(), read_only=True, label="导入结果说明")


class ImportResponseSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True, label="说明")
    results = ImportResultSerializer(many=True, read_only=True, label="各文件结果")
