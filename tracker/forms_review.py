"""Forms of the review screen, 立项 and 增加时限: one class per action, rendered and posted through the same field
names; input shape only (the rules are the services'). Units are typed by name, short name or alias — the
autocomplete (tracker/static/tracker/review.js) fills the exact name in, and the server resolves it again."""
from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.urls import reverse_lazy

from tracker.forms import ActionForm, MultipleFileField
from tracker.models import Assignment, Department, Task
from tracker.selectors_review import ReviewPage, department_lookup, leaders
from tracker.services.lifecycle_office import OPEN_ENDED

DATE = forms.DateInput(attrs={"type": "date"})
NAME_SEPARATORS = re.compile(r"[、，,；;\s]+")
ROLE_CHOICES = Assignment.Role.choices


def _autocomplete(*, multiple: bool, placeholder: str) -> forms.TextInput:
    attrs = {"autocomplete": "off", "data-autocomplete": reverse_lazy("tracker:review_departments"),
             "placeholder": placeholder}
    if multiple:
        attrs["data-multiple"] = "1"
    return forms.TextInput(attrs=attrs)


class DepartmentNamesField(forms.CharField):
    """Unit names separated by 、 (or one name): each must be a unit of the directory, by its name, short name
    or an alias. Cleans to a list of departments."""

    def __init__(self, *, multiple: bool = True, **kwargs: Any) -> None:
        self.multiple = multiple
        kwargs.setdefault("max_length", 2000)
        kwargs.setdefault("widget", _autocomplete(
            multiple=multiple, placeholder="输入单位名称、简称或别名" + ("，多个用“、”分隔" if multiple else "")))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[Department]:
        text = super().clean(value) or ""
        names = [n for n in NAME_SEPARATORS.split(text) if n] if self.multiple else [text.strip()] if text.strip() \
            else []
        found, unknown = [], []
        for name in names:
            department = department_lookup(name=name)
            if department is None:
                unknown.append(name)
            elif department not in found:
                found.append(department)
        if unknown:
            raise forms.ValidationError(
                f"单位目录中没有「{'、'.join(unknown)}」：请从提示中选择，或先在管理后台的单位目录中添加（或加为别名）")
        return found


def deadline_text_field(*, required: bool = False) -> forms.CharField:
    """The deadline phrase: parsed as it is typed (review.js asks the server and shows the date); the form
    names the task (`data-task`) or the date input (`data-reference-input`) the phrase counts from."""
    attrs = {"autocomplete": "off", "data-parse": reverse_lazy("tracker:review_deadline_parse"),
             "placeholder": "如：6月底前、每季度末、10个工作日内、长期"}
    return forms.CharField(label="时限（原文）", required=required, max_length=200,
                           widget=forms.TextInput(attrs=attrs))


class TaskEditForm(ActionForm):
    ref = forms.CharField(label="编号", required=False, max_length=100)
    title = forms.CharField(label="标题", required=False, max_length=200)
    text = forms.CharField(label="任务内容", max_length=10000, widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label="类别", choices=Task.Category.choices)


class UnitAddForm(ActionForm):
    department = DepartmentNamesField(label="单位", multiple=False)
    role = forms.ChoiceField(label="职责", choices=ROLE_CHOICES, initial=Assignment.Role.LEAD,
                             widget=forms.RadioSelect)

    def clean_department(self) -> Department:
        return self.cleaned_data["department"][0]


class UnitRoleForm(ActionForm):
    """牵头 ↔ 配合: rendered as one button, the new role in a hidden field."""

    role = forms.ChoiceField(choices=ROLE_CHOICES, widget=forms.HiddenInput)


class ConfirmForm(ActionForm):
    """A button and its one-time token (删除单位、删除时限、恢复为任务)."""


class DeadlineForm(ActionForm):
    """A deadline by its phrase (parsed), or a date chosen directly (the date wins)."""

    text = deadline_text_field()
    due_on = forms.DateField(label="或直接选择日期", required=False, widget=DATE)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["text"].widget.attrs["data-task"] = str(task.pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("due_on"):
            raise forms.ValidationError("请填写时限（如“6月底前”）或选择日期")
        return data


class SplitForm(ActionForm):
    # Where the click fell (review.js), so that words occurring twice in the text split at the right one.
    at = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)
    second_starts = forms.CharField(
        label="第二项从这里开始", max_length=200,
        help_text="点击上面任务内容中的 ✂ 选择拆分位置，或输入第二项开头的几个字。")
    units = forms.MultipleChoiceField(label="第二项的承办单位（复制）", required=False,
                                      widget=forms.CheckboxSelectMultiple)
    deadlines = forms.MultipleChoiceField(label="第二项的时限（复制；原文随第二项的时限移出）", required=False,
                                          widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, task: Task, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        self.fields["second_starts"].widget.attrs.update({"data-split-of": f"split-text-{task.pk}",
                                                          "autocomplete": "off"})
        units = list(task.assignments.select_related("department").order_by("role", "pk"))
        deadlines = list(task.deadlines.order_by("due_on", "pk"))
        self.fields["units"].choices = [(str(a.pk), f"{a.department.name}（{a.get_role_display()}）") for a in units]
        self.fields["units"].initial = [str(a.pk) for a in units]
        self.fields["deadlines"].choices = [
            (str(d.pk), f"{d.text}（{d.due_on:%Y-%m-%d}）" if d.due_on else d.text) for d in deadlines]
        self.fields["deadlines"].initial = [str(d.pk) for d in deadlines]
        if not units:
            del self.fields["units"]
        if not deadlines:
            del self.fields["deadlines"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        probe = (data.get("second_starts") or "").strip()
        if not probe:
            return data
        text, at = self.task.text, data.get("at")
        if at is None or not text[at:].lstrip().startswith(probe):
            at = text.find(probe)
        if at < 0:
            self.add_error("second_starts", f"任务内容中找不到「{probe}」")
        elif not text[:at].strip():
            self.add_error("second_starts", "拆分位置不能在开头：请选择第二项开始的位置")
        data["at"] = at
        return data

    def chosen(self) -> dict[str, Any]:
        """task_split's arguments: the split point, the units and deadlines ticked."""
        data = self.cleaned_data
        return {
            "at": data["at"],
            "units": list(self.task.assignments.filter(pk__in=data.get("units", []))),
            "deadlines": list(self.task.deadlines.filter(pk__in=data.get("deadlines", []))),
        }


class MergeForm(ActionForm):
    """合并 with the draft just before or just after (the parser cut one task in two)."""

    other = forms.ChoiceField(label="与哪一项合并")

    def __init__(self, *args: Any, task: Task, siblings: list[Task], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        ordered = sorted(siblings, key=lambda t: (t.line_start or 0, t.pk))
        at = next((i for i, t in enumerate(ordered) if t.pk == task.pk), None)
        near = [] if at is None else [(ordered[at - 1], "上一项") if at > 0 else None,
                                       (ordered[at + 1], "下一项") if at + 1 < len(ordered) else None]
        self.fields["other"].choices = [(str(t.pk), f"{where}：{t.ref} {(t.title or t.text)[:24]}")
                                        for t, where in filter(None, near)]
        if near and near[-1] is not None:
            self.fields["other"].initial = str(near[-1][0].pk)

    def clean_other(self) -> Task:
        return Task.objects.get(pk=int(self.cleaned_data["other"]))


class DismissForm(ActionForm):
    reason = forms.CharField(label="理由（可不填）", required=False, max_length=500,
                             widget=forms.TextInput(attrs={"placeholder": "如：属工作要求，不是具体任务"}))


PAST_DUE_CHOICES = [("hold", "暂不交办，逐项处理"), ("keep", "按原时限交办（交办即逾期）"),
                    ("new", "统一设定新的办理时限")]
UNDATED_CHOICES = [("hold", "暂不交办，逐项处理"), ("date", "统一指定办理时限"),
                   ("ongoing", OPEN_ENDED["ongoing"]), ("clock", OPEN_ENDED["clock"])]


class BulkAssignForm(ActionForm):
    """确认并交办 in bulk: the drafts ticked, what to do with a past or missing date, and the groups' members."""

    tasks = forms.MultipleChoiceField(label="交办以下事项", widget=forms.CheckboxSelectMultiple)
    past_due = forms.ChoiceField(label="办理时限在交办之日已过的事项", choices=PAST_DUE_CHOICES, initial="hold",
                                 widget=forms.RadioSelect)
    new_due_on = forms.DateField(label="新的办理时限", required=False, widget=DATE)
    undated = forms.ChoiceField(label="没有明确办理时限的事项", choices=UNDATED_CHOICES, initial="hold",
                                widget=forms.RadioSelect)
    undated_due_on = forms.DateField(label="指定的办理时限", required=False, widget=DATE)
    members = forms.MultipleChoiceField(label="单位组展开为以下成员单位（取消勾选即不交办）", required=False,
                                        widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args: Any, page: ReviewPage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pending = page.pending
        self.fields["tasks"].choices = [
            (str(r.task.pk), f"{r.task.ref} {(r.task.title or r.task.text)[:30]}"
             + (f"（{'、'.join(r.flags)}）" if r.flags else "")) for r in pending]
        self.fields["tasks"].initial = [str(r.task.pk) for r in pending]
        self.fields["members"].choices = [(f"{g.group.pk}:{m.pk}", f"{g.group.name} → {m.name}")
                                          for g in page.groups for m in g.members]
        self.fields["members"].initial = [key for key, _ in self.fields["members"].choices]
        if not any(r.plan and r.plan.past_due for r in pending):
            del self.fields["past_due"], self.fields["new_due_on"]
        if not any(r.plan and r.plan.undated for r in pending):
            del self.fields["undated"], self.fields["undated_due_on"]
        if not page.groups:
            del self.fields["members"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("past_due") == "new" and not data.get("new_due_on"):
            self.add_error("new_due_on", "请填写新的办理时限")
        if data.get("undated") == "date" and not data.get("undated_due_on"):
            self.add_error("undated_due_on", "请填写办理时限")
        return data

    def excluded(self) -> dict[int, frozenset[int]]:
        """Group id → member ids unticked."""
        if "members" not in self.fields:
            return {}
        ticked = set(self.cleaned_data.get("members") or [])
        out: dict[int, set[int]] = {}
        for key, _ in self.fields["members"].choices:
            if key not in ticked:
                group, member = (int(p) for p in key.split(":"))
                out.setdefault(group, set()).add(member)
        return {g: frozenset(m) for g, m in out.items()}


SOURCE_CHOICES = [(v, label) for v, label in Task.SourceKind.choices if v != Task.SourceKind.DIRECTIVE]
WHEN_UNDATED = [("ongoing", OPEN_ENDED["ongoing"]), ("clock", OPEN_ENDED["clock"])]


class LeaderChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.get_username()


class RegisterForm(ActionForm):
    """立项: a 督办 item from a 领导批示, 会议纪要, 政府工作报告, 建议提案, 群众来信 or other source."""

    source_kind = forms.ChoiceField(label="来源", choices=SOURCE_CHOICES, initial=Task.SourceKind.INSTRUCTION)
    source_ref = forms.CharField(label="来源文号", required=False, max_length=200,
                                 widget=forms.TextInput(attrs={"placeholder": "如：会议纪要〔2026〕12号"}))
    instructed_by = forms.CharField(label="批示人（主持人）", required=False, max_length=100)
    instructed_on = forms.DateField(label="批示（会议）日期", required=False, widget=DATE)
    title = forms.CharField(label="标题", required=False, max_length=200, help_text="可不填：取任务内容开头。")
    text = forms.CharField(label="任务内容", max_length=10000, widget=forms.Textarea(attrs={"rows": 5}))
    leads = DepartmentNamesField(label="牵头（责任）单位")
    supports = DepartmentNamesField(label="配合单位", required=False)
    deadline_text = deadline_text_field()
    due_on = forms.DateField(label="或直接选择日期", required=False, widget=DATE)
    leader = LeaderChoiceField(label="分管领导", queryset=leaders(), required=False, empty_label="（不指定）")
    category = forms.ChoiceField(label="类别", choices=Task.Category.choices, initial=Task.Category.ORDINARY)
    files = MultipleFileField(label="附件（批示件、会议纪要等）")
    assign_now = forms.BooleanField(label="立即交办", required=False,
                                    help_text="勾选后直接交办承办单位（单位组展开为成员单位）；不勾选则进入待审核。")
    open_ended = forms.ChoiceField(label="立即交办而未填时限时", choices=WHEN_UNDATED, required=False,
                                   widget=forms.RadioSelect)
    keep_due = forms.BooleanField(label="时限已过也按原时限交办", required=False)

    def __init__(self, *args: Any, as_of: date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders()
        if as_of is not None:  # a 批示 or meeting lies in the past: the date picker offers no later day
            self.fields["instructed_on"].widget.attrs["max"] = as_of.isoformat()
        self.fields["deadline_text"].widget.attrs["data-reference-input"] = self["instructed_on"].id_for_label

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        undated = not (data.get("deadline_text") or "").strip() and not data.get("due_on")
        if data.get("assign_now") and undated and not data.get("open_ended"):
            self.add_error("open_ended", "立即交办而未填时限时，请选择「长期」或「按节点时限办结」")
        return data

    def register_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "source_kind": data["source_kind"], "source_ref": data["source_ref"],
            "instructed_by": data["instructed_by"], "instructed_on": data["instructed_on"], "title": data["title"],
            "text": data["text"], "leads": data["leads"], "supports": data["supports"],
            "deadline_text": data["deadline_text"], "due_on": data["due_on"], "leader": data["leader"],
            "category": data["category"], "files": data["files"], "assign": data["assign_now"],
            "keep_due": data["keep_due"], "open_ended": data["open_ended"] or "",
        }
