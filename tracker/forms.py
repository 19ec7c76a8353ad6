"""Portal forms: input shape and upload limits only; the rules live in tracker.services.lifecycle."""
from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet

from tracker.models import DeadlineOccurrence, Department
from tracker.services.lifecycle import TransitionError, attachment_check


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked against the size and type limits."""

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
        for upload in files:
            try:
                attachment_check(name=upload.name, size=upload.size)
            except TransitionError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return files


class NoteForm(forms.Form):
    note = forms.CharField(label="备注", required=False, max_length=1000,
                           widget=forms.Textarea(attrs={"rows": 2}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReassignForm(forms.Form):
    lead_departments = forms.ModelMultipleChoiceField(
        label="牵头单位", queryset=Department.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    support_departments = forms.ModelMultipleChoiceField(
        label="配合单位", queryset=Department.objects.none(), required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    note = forms.CharField(label="备注", required=False, max_length=1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = Department.objects.filter(active=True).order_by("name")
        self.fields["lead_departments"].queryset = departments
        self.fields["support_departments"].queryset = departments


class OccurrenceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.due_on:%Y-%m-%d} 到期 · {obj.deadline.text}"


class ProgressReportForm(forms.Form):
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
        if occurrences is None:  # nothing to fulfil, or the user may not complete a period
            del self.fields["occurrence"]
        else:
            self.fields["occurrence"].queryset = occurrences


class ExtensionRequestForm(forms.Form):
    requested_due_on = forms.DateField(label="申请延至", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label="延期理由", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    current_progress = forms.CharField(label="当前进展", max_length=2000,
                                       widget=forms.Textarea(attrs={"rows": 2}))


class ExtensionDecideForm(forms.Form):
    decision = forms.ChoiceField(label="审批意见", choices=[("approve", "批准"), ("reject", "驳回")],
                                 widget=forms.RadioSelect)
    note = forms.CharField(label="说明", required=False, max_length=1000)


class CompletionRequestForm(forms.Form):
    text = forms.CharField(label="办结情况及佐证说明", max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label="佐证材料")


class UrgeReplyForm(forms.Form):
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
