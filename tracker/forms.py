"""Portal forms: one class per action, rendered and posted through the same field names; input shape and
upload limits only (the rules live in tracker.transitions and the lifecycle services).

Every form carries a one-time `submission` token (hidden): a double click or a resubmission after "back"
posts the same token, and services.submissions.submission_run records the action once.
"""
from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.db.models import Case, IntegerField, QuerySet, Value, When

from tracker.models import Assignment, DeadlineOccurrence, Department
from tracker.selectors import AssignPlan
from tracker.services.lifecycle import attachment_check, attachments_total_check
from tracker.transitions import TransitionError


def _token() -> str:
    return uuid.uuid4().hex


class ActionForm(forms.Form):
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64, initial=_token)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked against the size and type limits, and all of them together
    against the per-report total."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={
            "accept": ",".join(f".{e}" for e in settings.UPLOAD_ALLOWED_EXTENSIONS)
        }))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        single = super().clean
        files = [single(d, initial) for d in data] if isinstance(data, list | tuple) else [single(data, initial)]
        files = [f for f in files if f]
        try:
            for upload in files:
                attachment_check(name=upload.name, size=upload.size)
            attachments_total_check(sizes=[upload.size for upload in files])
        except TransitionError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return files


KIND_ORDER = [Department.Kind.CITY_DEPARTMENT, Department.Kind.COUNTY_GOVERNMENT, Department.Kind.DEVELOPMENT_ZONE,
              Department.Kind.BRANCH, Department.Kind.COMPANY, Department.Kind.BANK, Department.Kind.OTHER]


def _departments() -> QuerySet[Department]:
    """Units the office may pick: verified, active, never a group; city departments first, then counties, …"""
    rank = Case(*[When(kind=kind, then=Value(index)) for index, kind in enumerate(KIND_ORDER)],
                default=Value(len(KIND_ORDER)), output_field=IntegerField())
    return (Department.objects.filter(active=True, verified=True).exclude(kind=Department.Kind.GROUP)
            .order_by(rank, "name"))


class NoteForm(ActionForm):
    note = forms.CharField(label="备注", required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(ActionForm):
    reason = forms.CharField(label="理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


def rating_field(label: str = "办结评价") -> forms.ChoiceField:
    """优秀/良好/合格/不合格 as radio buttons, none preselected: the office rates each completion deliberately."""
    return forms.ChoiceField(label=label, choices=Assignment.Rating.choices,
                             widget=forms.RadioSelect(attrs={"class": "rating-choices"}),
                             error_messages={"required": "请选择办结评价（优秀、良好、合格或不合格）"})


class AcceptForm(ActionForm):
    """办结确认 with its rating. The rating is required at acceptance: every accepted part counts in the 考评, and
    asking for it later would be one more round of form-filling (多头填报) that is easily forgotten."""

    rating = rating_field()
    note = forms.CharField(label="办结意见（评价说明，可不填）", required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class SignOffForm(ActionForm):
    """整体销号: one note, and a rating for each unit whose completion request it accepts."""

    note = forms.CharField(label="销号意见", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text="对各单位的办结申请一并确认办结，任务销号。")

    def __init__(self, *args: Any, pending: Sequence[Assignment] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pending = list(pending)
        for assignment in self.pending:
            self.fields[f"rating_{assignment.pk}"] = rating_field(f"办结评价：{assignment.department.name}")

    def ratings(self) -> dict[int, str]:
        """Assignment id → the rating chosen for it."""
        return {a.pk: self.cleaned_data[f"rating_{a.pk}"] for a in self.pending}


class RatingCorrectForm(ActionForm):
    rating = rating_field("改为")
    reason = forms.CharField(label="修改理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class AssignForm(ActionForm):
    """交办: the units (groups expanded into their members, each to untick), units to add, and the office's
    decision when the date is already past or missing."""

    units = forms.MultipleChoiceField(label="承办单位", required=False, widget=forms.CheckboxSelectMultiple,
                                      help_text="单位组已展开为成员单位；取消勾选即不交办该单位。")
    add_leads = forms.ModelMultipleChoiceField(label="增加牵头（责任）单位", queryset=Department.objects.none(),
                                               required=False, widget=forms.SelectMultiple(attrs={"size": 5}))
    add_supports = forms.ModelMultipleChoiceField(label="增加配合单位", queryset=Department.objects.none(),
                                                  required=False, widget=forms.SelectMultiple(attrs={"size": 5}))
    due_choice = forms.ChoiceField(label="办理时限", required=False, widget=forms.RadioSelect)
    new_due_on = forms.DateField(label="新的办理时限", required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="交办意见", required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, plan: AssignPlan, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        role_labels = dict(Assignment.Role.choices)
        self.candidates = {str(c.department.pk): c for c in plan.candidates}
        self.fields["units"].choices = [
            (key, f"{c.department.name}（{role_labels[c.role]}"
                  + (f"，来自「{c.via}」" if c.via else "") + (f"，{c.problem}" if c.problem else "") + "）")
            for key, c in self.candidates.items()
        ]
        self.fields["units"].initial = [key for key, c in self.candidates.items() if not c.problem]
        departments = _departments()
        self.fields["add_leads"].queryset = departments
        self.fields["add_supports"].queryset = departments
        choices = []
        if plan.past_due is not None:
            choices = [("new", "设定新的办理时限"), ("keep", f"按原时限（{plan.past_due:%Y-%m-%d}，交办即逾期）")]
        elif plan.undated:
            choices = [("new", "指定办理时限"), ("ongoing", "长期"), ("clock", "按节点时限办结")]
        if choices:
            self.fields["due_choice"].choices = choices
            self.fields["due_choice"].required = True
        else:
            del self.fields["due_choice"]
            del self.fields["new_due_on"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("due_choice") == "new" and not data.get("new_due_on"):
            self.add_error("new_due_on", "请填写新的办理时限")
        return data

    def unit_pairs(self) -> list[tuple[Department, str]]:
        """The (department, role) pairs ticked or added (the service checks them)."""
        data = self.cleaned_data
        pairs = [(self.candidates[key].department, self.candidates[key].role) for key in data["units"]]
        pairs += [(d, Assignment.Role.LEAD) for d in data["add_leads"]]
        pairs += [(d, Assignment.Role.SUPPORT) for d in data["add_supports"]]
        return pairs

    def due_kwargs(self) -> dict[str, Any]:
        choice = self.cleaned_data.get("due_choice", "")
        return {
            "due_on": self.cleaned_data.get("new_due_on") if choice == "new" else None,
            "keep_due": choice == "keep",
            "open_ended": choice if choice in ("ongoing", "clock") else "",
        }


class ReassignForm(ActionForm):
    departments = forms.ModelMultipleChoiceField(
        label="改由以下单位承办", queryset=Department.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="可选原单位（再次交办）；配合单位可不选（不再交办）。",
    )
    note = forms.CharField(label="备注", required=False, max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["departments"].queryset = _departments()


class OccurrenceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.due_on:%Y-%m-%d} 到期 · {obj.deadline.text}"


class ProgressReportForm(ActionForm):
    text = forms.CharField(label="进展情况", max_length=5000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text="写明已完成的具体工作、下一步安排；空话套话将被退回。")
    percent = forms.IntegerField(label="完成进度（%）", min_value=0, max_value=100)
    occurrence = OccurrenceChoiceField(
        label="本次反馈对应的时限（期）", queryset=DeadlineOccurrence.objects.none(), required=False,
        empty_label="（不对应某一期）", help_text="选中的一期将记为已完成。",
    )
    files = MultipleFileField(label="附件")

    def __init__(self, *args: Any, occurrences: QuerySet[DeadlineOccurrence] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if occurrences is None:  # nothing to fulfil, or the unit may not complete a period
            del self.fields["occurrence"]
        else:
            self.fields["occurrence"].queryset = occurrences


class ExtensionRequestForm(ActionForm):
    requested_due_on = forms.DateField(label="申请延至", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="延期理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    current_progress = forms.CharField(label="当前进展", max_length=2000,
                                       widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecideForm(ActionForm):
    decision = forms.ChoiceField(label="审批意见", choices=[("approve", "批准"), ("reject", "驳回")],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label="说明", required=False, max_length=1000)


class CompletionRequestForm(ActionForm):
    text = forms.CharField(label="办结情况及佐证说明", max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label="佐证材料")


class UrgeReplyForm(ActionForm):
    reply = forms.CharField(label="答复", max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


DIRECTIVE_FILE_TYPES = ".txt,.docx,.pdf,.html,.htm,.mht,.mhtml"


class DirectiveFilesField(forms.FileField):
    """One or more directive files; each must be non-empty and within DIRECTIVE_UPLOAD_MAX_BYTES (the format is
    checked by content when it is read)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": DIRECTIVE_FILE_TYPES}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if not files:
            raise forms.ValidationError("请选择要导入的文件。")
        if len(files) > settings.DIRECTIVE_UPLOAD_MAX_FILES:
            raise forms.ValidationError(f"一次最多导入 {settings.DIRECTIVE_UPLOAD_MAX_FILES} 个文件。")
        limit = settings.DIRECTIVE_UPLOAD_MAX_BYTES
        for upload in files:
            if not upload.size:
                raise forms.ValidationError(f"文件「{upload.name}」是空文件，未导入。")
            if upload.size > limit:
                raise forms.ValidationError(f"文件「{upload.name}」超过大小限制（{limit / (1024 * 1024):g} MB），未导入。")
        return files


class DirectiveUploadForm(forms.Form):
    files = DirectiveFilesField(
        label="公文文件",
        help_text="Word（.docx）、PDF（带文字层）、网页（.html/.htm/.mht）或文本（.txt，UTF-8/GBK/GB18030）；"
                  "可一次选择多个文件。同一文件或同一公文的其他格式重复导入不会产生变化。"
                  ".doc/.wps/.ofd 请先另存为 .docx 或 PDF，扫描件请先做文字识别。",
    )
