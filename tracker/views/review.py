"""The office's review screen (/portal/review/), 立项 (/portal/register/) and 增加时限 on any task: thin views,
form → service → redirect with a message. Office staff only: anyone else gets 403, whatever the URL.

The two JSON endpoints serve review.js: the unit autocomplete (name, short name, alias) and a deadline phrase
parsed as it is typed. "Today" is computed here and passed down as `as_of`.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tracker import forms_review as review_forms
from tracker import selectors_review
from tracker.models import Assignment, Deadline, Directive, Task
from tracker.paging import page_of
from tracker.permissions import user_is_office
from tracker.services import deadlines as deadline_services
from tracker.services import register, review
from tracker.services.submissions import DuplicateSubmission, submission_run
from tracker.transitions import TransitionError


def office_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """督查室 only: a department or a manager gets 403 (the services check again)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not user_is_office(request.user):
            raise PermissionDenied("只有督查室可以审核、立项和增加时限。")
        return view(request, *args, **kwargs)

    return wrapped


def _errors(form: forms.Form) -> str:
    parts = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        parts.append(f"{label}：{' '.join(errors)}" if label else " ".join(errors))
    return "；".join(parts)


def _run(request: HttpRequest, form: forms.Form, *, action: str, run: Callable[[dict[str, Any]], Any],
         done: Callable[[Any], str] | str, level: Callable[[Any], int] | None = None) -> Any:
    """Validate, run the service once per form token, and say what happened; the service's result or None."""
    if not form.is_valid():
        messages.error(request, _errors(form))
        return None
    data = form.cleaned_data
    try:
        result = submission_run(key=data.get("submission", ""), actor=request.user, action=action,
                                run=lambda: run(data))
    except DuplicateSubmission as exc:
        messages.info(request, str(exc))
        return None
    except TransitionError as exc:
        messages.error(request, str(exc))
        return None
    messages.add_message(request, level(result) if level else messages.SUCCESS,
                         done(result) if callable(done) else done)
    return result


# --- the list and the screen ----------------------------------------------------------------------------


@office_only
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    drafts = selectors_review.registered_drafts()
    return render(request, "tracker/review/list.html", {
        "pager": page_of(request, selectors_review.review_directives(), noun="件",
                         count_of=selectors_review.review_directives_pending()),
        "registered": page_of(request, drafts, param="registered_page"),
    })


OTHER_ROLE = {Assignment.Role.LEAD: Assignment.Role.SUPPORT, Assignment.Role.SUPPORT: Assignment.Role.LEAD}


def _card_forms(row: selectors_review.ReviewTask) -> dict[str, Any]:
    """The forms a task's card carries on the directive screen: 牵头 ↔ 配合 and 删除 per unit, or 恢复."""
    task = row.task
    if not row.pending:
        return {"restore": review_forms.ConfirmForm(prefix=f"t{task.pk}-restore")}
    return {"units": [(unit, review_forms.UnitRoleForm(prefix=f"a{unit.pk}-role", initial={"role": OTHER_ROLE[unit.role]}),
                       review_forms.ConfirmForm(prefix=f"a{unit.pk}-remove")) for unit in row.units]}


def _tool_forms(row: selectors_review.ReviewTask, siblings: list[Task]) -> dict[str, Any]:
    """Every other form of one draft (its editing panel, loaded when opened)."""
    task = row.task
    prefix = f"t{task.pk}"
    forms_ = {
        **_card_forms(row),
        "edit": review_forms.TaskEditForm(prefix=f"{prefix}-edit", initial={
            "ref": task.ref, "title": task.title, "text": task.text, "category": task.category}),
        "unit_add": review_forms.UnitAddForm(prefix=f"{prefix}-unit"),
        "deadline_add": review_forms.DeadlineForm(prefix=f"{prefix}-deadline", task=task),
        "split": review_forms.SplitForm(prefix=f"{prefix}-split", task=task),
        "split_points": selectors_review.split_points(text=task.text),
        "dismiss": review_forms.DismissForm(prefix=f"{prefix}-dismiss"),
        "deadlines": [(deadline, review_forms.DeadlineForm(prefix=f"d{deadline.pk}-set", task=task, initial={
            "text": deadline.text, "due_on": deadline.due_on}), review_forms.ConfirmForm(prefix=f"d{deadline.pk}-remove"))
                      for deadline in row.deadlines],
    }
    merge = review_forms.MergeForm(prefix=f"{prefix}-merge", task=task, siblings=siblings)
    if merge.fields["other"].choices:
        forms_["merge"] = merge
    return forms_


@office_only
@require_GET
def review_directive(request: HttpRequest, pk: int) -> HttpResponse:
    """The directive's source text beside its tasks; each task's editing panel loads when opened (review_task),
    so that a directive of 200 items opens as fast as one of 10."""
    directive = get_object_or_404(Directive.objects.select_related("source"), pk=pk)
    as_of = timezone.localdate()
    page = selectors_review.review_page(directive=directive, as_of=as_of)
    rows = [(row, _card_forms(row)) for row in [*page.tasks, *page.dismissed]]
    return render(request, "tracker/review/directive.html", {
        "page": page, "directive": directive, "rows": rows, "as_of": as_of,
        "bulk_form": review_forms.BulkAssignForm(prefix="bulk", page=page) if page.pending else None,
        "held": request.session.pop(f"review-held-{directive.pk}", None),
    })


@office_only
@require_GET
def review_task(request: HttpRequest, pk: int) -> HttpResponse:
    """One draft with all its forms: a page of its own (its source lines beside it), or with ?fragment=1 the
    editing panel review.js puts into the directive screen."""
    task = _task_or_404(pk)
    if task.status not in (Task.Status.PENDING_REVIEW, Task.Status.DISMISSED):
        return redirect("tracker:task_detail", pk=task.pk)
    row = selectors_review.review_task(task=task, as_of=timezone.localdate())
    forms_ = _tool_forms(row, selectors_review.draft_siblings(task=task)) if row.pending else _card_forms(row)
    context = {"row": row, "task": task, "f": forms_}
    if request.GET.get("fragment"):
        return render(request, "tracker/review/_tools.html", context)
    context["lines"] = selectors_review.task_source_lines(task=task)
    return render(request, "tracker/review/task.html", context)


def _back(task: Task, *, anchor: bool = True) -> HttpResponse:
    if task.directive_id is None:
        return redirect("tracker:task_detail", pk=task.pk)
    url = reverse("tracker:review_directive", args=[task.directive_id])
    return redirect(f"{url}#task-{task.pk}" if anchor else url)


def _task_or_404(pk: int) -> Task:
    return get_object_or_404(Task.objects.select_related("directive__source"), pk=pk)


# --- per task ---------------------------------------------------------------------------------------------


def _edit(request: HttpRequest, task: Task, as_of: date, prefix: str) -> Any:
    form = review_forms.TaskEditForm(request.POST, prefix=prefix)
    return _run(request, form, action="review_edit", done="已保存修改", run=lambda d: review.task_edit(
        task=task, user=request.user, ref=d["ref"], title=d["title"] or d["text"][:200], text=d["text"],
        category=d["category"]))


def _unit_add(request: HttpRequest, task: Task, as_of: date, prefix: str) -> Any:
    form = review_forms.UnitAddForm(request.POST, prefix=prefix)
    return _run(request, form, action="review_unit_add", done=lambda a: f"已将{a.department.name}设为{a.get_role_display()}单位",
                run=lambda d: review.assignment_set(task=task, department=d["department"], role=d["role"],
                                                    actor=request.user))


def _deadline_add(request: HttpRequest, task: Task, as_of: date, prefix: str) -> Any:
    form = review_forms.DeadlineForm(request.POST, prefix=prefix, task=task)
    return _run(request, form, action="deadline_add", done=lambda made: "已增加时限：" + "；".join(
        f"{d.text}（{d.due_on:%Y-%m-%d}）" if d.due_on else d.text for d in made),
        run=lambda d: deadline_services.deadline_add(task=task, actor=request.user, as_of=as_of, text=d["text"],
                                                     due_on=d["due_on"]))


def _split(request: HttpRequest, task: Task, as_of: date, prefix: str) -> Any:
    form = review_forms.SplitForm(request.POST, prefix=prefix, task=task)
    return _run(request, form, action="review_split", done=lambda new: f"已拆分，另立第 {new.ref} 项",
                run=lambda d: review.task_split(task=task, actor=request.user, **form.chosen()))


def _merge(request: HttpRequest, task: Task, as_of: date, prefix: str) -> Any:
    siblings = list(Task.objects.filter(directive_id=task.directive_id, status=Task.Status.PENDING_REVIEW)
                    .exclude(directive__isnull=True))
    form = review_forms.MergeForm(request.POST, prefix=prefix, task=task, siblings=siblings)
    return _run(request, form, action="review_merge", done=lambda kept: f"已合并为第 {kept.ref} 项",
                run=lambda d: review.task_merge(task=task, other=d["other"], actor=request.user))


def _dismiss(request: HttpRequest, task: Task, as_of: date, prefix: str) -> Any:
    form = review_forms.DismissForm(request.POST, prefix=prefix)
    return _run(request, form, action="review_dismiss", done="已标记为非任务（可在页面下方恢复）",
                run=lambda d: review.task_dismiss(task=task, actor=request.user, reason=d["reason"]))


def _restore(request: HttpRequest, task: Task, as_of: date, prefix: str) -> Any:
    form = review_forms.ConfirmForm(request.POST, prefix=prefix)
    return _run(request, form, action="review_restore", done="已恢复为待审核任务",
                run=lambda d: review.task_restore(task=task, actor=request.user))


TASK_ACTIONS: dict[str, tuple[str, Callable[[HttpRequest, Task, date, str], Any]]] = {
    "edit": ("edit", _edit),
    "unit_add": ("unit", _unit_add),
    "deadline_add": ("deadline", _deadline_add),
    "split": ("split", _split),
    "merge": ("merge", _merge),
    "dismiss": ("dismiss", _dismiss),
    "restore": ("restore", _restore),
}


@office_only
@require_POST
def review_task_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in TASK_ACTIONS:
        raise Http404
    task = _task_or_404(pk)
    suffix, handler = TASK_ACTIONS[action]
    result = handler(request, task, timezone.localdate(), f"t{task.pk}-{suffix}")
    if action == "split" and isinstance(result, Task):
        return _back(result)
    if action == "merge" and isinstance(result, Task):
        return _back(result)
    if not Task.objects.filter(pk=task.pk).exists():  # merged into the other one
        return _back(task, anchor=False)
    return _back(task)


@office_only
@require_POST
def review_assignment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """牵头 ↔ 配合, or remove a proposed unit of a draft."""
    assignment = get_object_or_404(Assignment.objects.select_related("task", "department"), pk=pk)
    task = assignment.task
    if action == "role":
        form: forms.Form = review_forms.UnitRoleForm(request.POST, prefix=f"a{pk}-role")
        _run(request, form, action="review_unit_role", done=lambda a: f"{a.department.name}已改为{a.get_role_display()}",
             run=lambda d: review.assignment_set(task=task, department=assignment.department, role=d["role"],
                                                 actor=request.user))
    elif action == "remove":
        form = review_forms.ConfirmForm(request.POST, prefix=f"a{pk}-remove")
        _run(request, form, action="review_unit_remove", done=f"已删除承办单位{assignment.department.name}",
             run=lambda d: review.assignment_remove(assignment=assignment, actor=request.user))
    else:
        raise Http404
    return _back(task)


@office_only
@require_POST
def review_deadline_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Rewrite (phrase or date) or remove a deadline of a draft."""
    deadline = get_object_or_404(Deadline.objects.select_related("task__directive"), pk=pk)
    task = deadline.task
    if action == "set":
        form: forms.Form = review_forms.DeadlineForm(request.POST, prefix=f"d{pk}-set", task=task)
        _run(request, form, action="review_deadline_set", done=lambda d: f"时限已改为「{d.text}」"
             + (f"（{d.due_on:%Y-%m-%d}）" if d.due_on else ""),
             run=lambda d: deadline_services.deadline_set(deadline=deadline, actor=request.user,
                                                          as_of=timezone.localdate(), text=d["text"],
                                                          due_on=d["due_on"]))
    elif action == "remove":
        form = review_forms.ConfirmForm(request.POST, prefix=f"d{pk}-remove")
        _run(request, form, action="review_deadline_remove", done=f"已删除时限「{deadline.text}」",
             run=lambda d: deadline_services.deadline_remove(deadline=deadline, actor=request.user))
    else:
        raise Http404
    return _back(task)


@office_only
@require_POST
def review_assign(request: HttpRequest, pk: int) -> HttpResponse:
    """确认并交办 in bulk; what was held back, and why, is shown on the screen after the redirect."""
    directive = get_object_or_404(Directive, pk=pk)
    as_of = timezone.localdate()
    page = selectors_review.review_page(directive=directive, as_of=as_of)
    form = review_forms.BulkAssignForm(request.POST, prefix="bulk", page=page)

    def run(data: dict[str, Any]) -> review.BulkResult:
        decisions = review.AssignDecisions(
            past_due=data.get("past_due") or "hold", new_due_on=data.get("new_due_on"),
            undated=data.get("undated") or "hold", undated_due_on=data.get("undated_due_on"),
            excluded=form.excluded())
        tasks = Task.objects.filter(pk__in=[int(p) for p in data["tasks"]], directive=directive).order_by(
            "line_start", "pk")
        return review.tasks_assign(tasks=tasks, actor=request.user, as_of=as_of, decisions=decisions)

    # Nothing assigned (every ticked item held back) is a warning, never a green "done".
    result = _run(request, form, action="review_assign", run=run,
                  done=lambda r: f"已确认并交办 {len(r.confirmed)} 项" + (f"，{len(r.held)} 项暂未交办（原因见下）"
                                                                         if r.held else "。"),
                  level=lambda r: messages.SUCCESS if r.confirmed else messages.WARNING)
    if result is not None and result.held:
        request.session[f"review-held-{directive.pk}"] = [
            {"pk": task.pk, "name": f"{task.ref} {(task.title or task.text)[:30]}", "reason": reason}
            for task, reason in result.held]
    return redirect("tracker:review_directive", pk=directive.pk)


# --- 立项 and 增加时限 --------------------------------------------------------------------------------------


@office_only
@require_http_methods(["GET", "POST"])
def task_register(request: HttpRequest) -> HttpResponse:
    """立项: a 督办 item from a 批示, a meeting, the 政府工作报告 … (services.register.task_register)."""
    if request.method == "POST":
        form = review_forms.RegisterForm(request.POST, request.FILES, prefix="register", as_of=timezone.localdate())
        task = _run(request, form, action="task_register", run=lambda d: register.task_register(
            actor=request.user, as_of=timezone.localdate(), **form.register_kwargs()),
            done=lambda t: "已立项并交办" if t.status != Task.Status.PENDING_REVIEW else "已立项（待审核，可在任务页交办）")
        if task is not None:
            return redirect("tracker:task_detail", pk=task.pk)
    else:
        form = review_forms.RegisterForm(prefix="register", as_of=timezone.localdate())
    return render(request, "tracker/review/register.html", {"form": form})


@office_only
@require_POST
def task_deadline_add(request: HttpRequest, pk: int) -> HttpResponse:
    """增加时限 from the task page (any task the office may still change)."""
    task = _task_or_404(pk)
    _deadline_add(request, task, timezone.localdate(), "deadline_add")
    return redirect(f"{reverse('tracker:task_detail', args=[task.pk])}#deadlines")


# --- JSON for review.js -----------------------------------------------------------------------------------


@office_only
@require_GET
def review_departments(request: HttpRequest) -> JsonResponse:
    """Units matching what is typed (name, short name or alias), as {"results": [{"name", "hint"}]}."""
    matches = selectors_review.department_search(query=request.GET.get("q", "")[:50])
    return JsonResponse({"results": [m.as_json() for m in matches]})


@office_only
@require_GET
def review_deadline_parse(request: HttpRequest) -> JsonResponse:
    """A phrase as the deadline grammar reads it, in Chinese: against the task's reference day (`task`), or the
    批示 date typed in the 立项 form (`on`), or today."""
    as_of = timezone.localdate()
    text = request.GET.get("text", "")[:200]
    task = None
    if request.GET.get("task", "").isdigit():
        task = Task.objects.select_related("directive").filter(pk=int(request.GET["task"])).first()
    on = parse_date(request.GET.get("on", "") or "") if _is_date(request.GET.get("on", "")) else None
    reference = deadline_services.deadline_reference(task=task, as_of=as_of) if task is not None else on or as_of
    specs = deadline_services.deadline_parse(text=text, reference=reference)
    return JsonResponse({
        "reference": selectors_review.reference_label(task=task, reference=reference, as_of=as_of),
        "deadlines": selectors_review.deadline_preview(specs=specs, reference=reference),
        "message": "" if specs or not text.strip() else "未能识别时限，请换一种写法（如“6月底前”）或直接选择日期",
    })


def _is_date(value: str) -> bool:
    try:
        return parse_date(value or "") is not None
    except ValueError:
        return False
