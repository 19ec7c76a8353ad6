"""The portal (/portal/): thin views, form → service → redirect with a message.

Every object is fetched through tracker.permissions' scoped querysets: a task outside the user's units, or a
unit's part that is not the user's own (a co-lead's included), is a 404 whatever the URL. "Today" is computed
here, once, and passed down as `as_of`. Every action runs through services.submissions.submission_run, so a
form posted twice records its action once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tracker import forms as portal_forms
from tracker import selectors, selectors_documents, selectors_ratings
from tracker.filtersets import AssignmentFilterSet, TaskFilterSet
from tracker.forms_review import DeadlineForm
from tracker.models import Assignment, Task
from tracker.paging import page_of
from tracker.permissions import (
    assignment_for,
    attachment_visible_to,
    directive_visible_to,
    extension_request_visible_to,
    occurrence_visible_to,
    source_file_visible_to,
    task_visible_to,
    urge_visible_to,
    user_department_ids,
    user_is_office,
    user_sees_all,
)
from tracker.readable import urge_outcome_text
from tracker.services import lifecycle_office, lifecycle_unit
from tracker.services.submissions import DuplicateSubmission, submission_run
from tracker.transitions import TransitionError


@dataclass(frozen=True)
class PortalAction:
    form: type[forms.Form]
    run: Callable[..., Any]
    done: str | Callable[[Any], str]  # the success message, or how to word it from the service's result
    # Extra form arguments that depend on the object, the user and today (the report's periods, the 交办 plan).
    form_kwargs: Callable[[Any, Any, date], dict[str, Any]] | None = None

    def make_form(self, obj: Any, user: Any, as_of: date, *args: Any, prefix: str) -> forms.Form:
        extra = self.form_kwargs(obj, user, as_of) if self.form_kwargs else {}
        return self.form(*args, prefix=prefix, **extra)


def _files(data: dict[str, Any]) -> list[Any]:
    return list(data.get("files") or [])


def _report_kwargs(assignment: Any, user: Any, as_of: date) -> dict[str, Any]:
    return {"occurrences": selectors.report_occurrence_choices(assignment=assignment, user=user, as_of=as_of)}


def _assign_kwargs(task: Any, user: Any, as_of: date) -> dict[str, Any]:
    return {"plan": selectors.task_assign_plan(task=task, as_of=as_of)}


def _sign_off_kwargs(task: Any, user: Any, as_of: date) -> dict[str, Any]:
    return {"pending": selectors_ratings.completion_requests(task=task)}


def _rating_kwargs(assignment: Any, user: Any, as_of: date) -> dict[str, Any]:
    return {"initial": {"rating": assignment.rating}}


def _assign(task: Task, user: Any, data: dict[str, Any], as_of: date, form: Any) -> Any:
    return lifecycle_office.task_assign(task=task, actor=user, as_of=as_of, units=form.unit_pairs(),
                                        note=data["note"], **form.due_kwargs())


# Task-level actions of the office: /portal/tasks/<id>/<action>/ (form prefix: the action).
TASK_ACTIONS: dict[str, PortalAction] = {
    "assign": PortalAction(portal_forms.AssignForm, _assign, "已交办", _assign_kwargs),
    "sign_off": PortalAction(portal_forms.SignOffForm, lambda t, u, d, a, f: lifecycle_office.task_sign_off(
        task=t, actor=u, note=d["note"], ratings=f.ratings()), "已销号：各单位办结申请已一并确认并评价",
        _sign_off_kwargs),
    "urge": PortalAction(portal_forms.NoteForm, lambda t, u, d, a, f: lifecycle_office.task_urge(
        task=t, actor=u, note=d["note"]), urge_outcome_text),
}

# Actions on one unit's part: /portal/assignments/<id>/<action>/ (form prefix: "<action>-<id>").
UNIT_ACTIONS: dict[str, PortalAction] = {
    "sign": PortalAction(portal_forms.NoteForm, lambda s, u, d, a, f: lifecycle_unit.assignment_sign(
        assignment=s, actor=u, note=d["note"]), "已签收"),
    "return": PortalAction(portal_forms.ReasonForm, lambda s, u, d, a, f: lifecycle_unit.assignment_return(
        assignment=s, actor=u, reason=d["reason"]), "已退回督查室"),
    "report": PortalAction(portal_forms.ProgressReportForm, lambda s, u, d, a, f: (
        lifecycle_unit.progress_report_create(assignment=s, actor=u, text=d["text"], percent=d["percent"],
                                              files=_files(d), occurrence=d.get("occurrence"))),
        "进展已反馈", _report_kwargs),
    "extension_request": PortalAction(portal_forms.ExtensionRequestForm, lambda s, u, d, a, f: (
        lifecycle_unit.extension_request_create(
            assignment=s, actor=u, reason=d["reason"], requested_due_on=d["requested_due_on"],
            current_progress=d["current_progress"], as_of=a)), "延期申请已提交"),
    "completion_request": PortalAction(portal_forms.CompletionRequestForm, lambda s, u, d, a, f: (
        lifecycle_unit.assignment_completion_request(assignment=s, actor=u, text=d["text"], files=_files(d))),
        "已申请办结"),
    "accept": PortalAction(portal_forms.AcceptForm, lambda s, u, d, a, f: lifecycle_office.assignment_accept(
        assignment=s, actor=u, rating=d["rating"], note=d["note"]), "已确认该单位办结并评价"),
    "rate": PortalAction(portal_forms.RatingCorrectForm, lambda s, u, d, a, f: (
        lifecycle_office.assignment_rating_correct(assignment=s, actor=u, rating=d["rating"], reason=d["reason"])),
        "评价已修改", _rating_kwargs),
    "send_back": PortalAction(portal_forms.ReasonForm, lambda s, u, d, a, f: lifecycle_office.assignment_send_back(
        assignment=s, actor=u, reason=d["reason"]), "已退办"),
    "reassign": PortalAction(portal_forms.ReassignForm, lambda s, u, d, a, f: lifecycle_office.assignment_reassign(
        assignment=s, actor=u, departments=list(d["departments"]), as_of=a, note=d["note"]), "已重新交办"),
    "urge": PortalAction(portal_forms.NoteForm, lambda s, u, d, a, f: lifecycle_office.task_urge(
        task=s.task, actor=u, note=d["note"], assignment=s), urge_outcome_text),
}


def _form_errors(form: forms.Form) -> str:
    return "；".join(
        f"{form.fields[name].label if name in form.fields else ''}：{' '.join(errors)}".lstrip("：")
        for name, errors in form.errors.items()
    )


def _perform(request: HttpRequest, spec: PortalAction, obj: Any, *, action: str, prefix: str) -> None:
    """Validate the posted form, run the action once (submission token), and say what happened."""
    as_of = timezone.localdate()
    form = spec.make_form(obj, request.user, as_of, request.POST, request.FILES, prefix=prefix)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return
    data = form.cleaned_data
    try:
        result = submission_run(key=data.get("submission", ""), actor=request.user, action=action,
                                run=lambda: spec.run(obj, request.user, data, as_of, form))
    except DuplicateSubmission as exc:
        messages.info(request, str(exc))
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, spec.done(result) if callable(spec.done) else spec.done)


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """The office and managers list tasks (TaskFilterSet); a unit lists its own parts (AssignmentFilterSet).
    50 a page, counted, the filters kept in the page links."""
    as_of = timezone.localdate()
    if user_sees_all(request.user):
        filterset: Any = TaskFilterSet(request.GET, queryset=task_visible_to(user=request.user), as_of=as_of,
                                       user=request.user)
        pager = page_of(request, filterset.qs.order_by(*selectors.TASK_LIST_ORDER).values_list("pk", flat=True))
        rows: Any = selectors.task_rows_for(ids=pager.page.object_list, as_of=as_of)
        counts = selectors.light_counts_kept(assignments=Assignment.objects.lead().open(), as_of=as_of, scope="all")
        drafts = task_visible_to(user=request.user).filter(status=Task.Status.PENDING_REVIEW).count()
        # Parts handed back wait for the office's 重新交办, outside the default (in units' hands) list.
        returned = task_visible_to(user=request.user).filter(status=Task.Status.RETURNED).count()
    else:
        mine = assignment_for(user=request.user)
        filterset = AssignmentFilterSet(request.GET, queryset=mine, as_of=as_of, user=request.user)
        pager = page_of(request, filterset.qs.order_by(*selectors.ASSIGNMENT_LIST_ORDER).values_list("pk", flat=True))
        rows = selectors.assignment_rows_for(ids=pager.page.object_list, as_of=as_of)
        units = ",".join(str(pk) for pk in sorted(user_department_ids(request.user)))
        counts = selectors.light_counts_kept(assignments=mine.open(), as_of=as_of, scope=f"units:{units}")
        drafts = returned = 0
    return render(request, "tracker/portal/task_list.html", {
        "filterset": filterset, "rows": rows, "pager": pager,
        "active_filters": sum(1 for key, value in request.GET.lists() if key in filterset.filters and any(value)),
        "as_of": as_of, "counts": counts, "drafts": drafts,
        "returned": returned,
        "units_view": not user_sees_all(request.user), "is_office": user_is_office(request.user),
    })


def _entry_forms(row: Any) -> dict[str, Any]:
    """The 审批 form of a unit's pending extension and the 答复 form of each unanswered 催办, when the user may
    use them; each with its own ids (the field names stay "decide-…" / "reply-…")."""
    extension = row.pending_extension
    return {
        "decide": portal_forms.ExtensionDecideForm(prefix="decide", auto_id=f"id_e{extension.pk}_%s")
        if extension is not None and "extension_decide" in row.allowed else None,
        "urges": [(urge, portal_forms.UrgeReplyForm(prefix="reply", auto_id=f"id_u{urge.pk}_%s")
                   if urge.replied_at is None and "urge_reply" in row.allowed else None) for urge in row.urges],
    }


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    as_of = timezone.localdate()
    task = get_object_or_404(task_visible_to(user=request.user).select_related("directive__source", "leader"), pk=pk)
    context = selectors.task_page(task=task, user=request.user, as_of=as_of)
    user = request.user
    context["task_forms"] = {name: action.make_form(task, user, as_of, prefix=name)
                             for name, action in TASK_ACTIONS.items() if name in context["allowed"]}
    context["unit_forms"] = [
        (row, {name: action.make_form(row.assignment, user, as_of, prefix=f"{name}-{row.assignment.pk}")
               for name, action in UNIT_ACTIONS.items() if name in row.allowed}, _entry_forms(row))
        for row in context["units"]
    ]
    context["printables"] = selectors_documents.task_printables(task=task, user=user, as_of=as_of)
    if user_is_office(user) and task.status not in (Task.Status.SIGNED_OFF, Task.Status.DISMISSED):
        context["deadline_form"] = DeadlineForm(prefix="deadline_add", task=task)  # 增加时限 (views/review.py)
    return render(request, "tracker/portal/task_detail.html", context)


@login_required
@require_POST
def task_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = TASK_ACTIONS.get(action)
    if spec is None:
        raise Http404
    task = get_object_or_404(task_visible_to(user=request.user), pk=pk)
    _perform(request, spec, task, action=action, prefix=action)
    return redirect("tracker:task_detail", pk=task.pk)


@login_required
@require_POST
def assignment_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """An action on one unit's part; a unit reaches only its own parts (a co-lead's id is a 404)."""
    spec = UNIT_ACTIONS.get(action)
    if spec is None:
        raise Http404
    assignment = get_object_or_404(assignment_for(user=request.user).select_related("task", "department"), pk=pk)
    _perform(request, spec, assignment, action=action, prefix=f"{action}-{assignment.pk}")
    return redirect("tracker:task_detail", pk=assignment.task_id)


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(extension_request_visible_to(user=request.user), pk=pk)
    spec = PortalAction(portal_forms.ExtensionDecideForm, lambda e, u, d, a, f: lifecycle_office.extension_decide(
        extension=e, actor=u, approve=d["decision"] == "approve", note=d["note"]), "延期申请已审批")
    _perform(request, spec, extension, action="extension_decide", prefix="decide")
    return redirect("tracker:task_detail", pk=extension.task_id)


@login_required
@require_POST
def occurrence_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """本期已完成 (the office's button on the task page)."""
    occurrence = get_object_or_404(occurrence_visible_to(user=request.user).select_related("deadline"), pk=pk)
    try:
        lifecycle_office.occurrence_complete(occurrence=occurrence, actor=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{occurrence.due_on:%Y-%m-%d} 这一期已记为完成")
    return redirect("tracker:task_detail", pk=occurrence.deadline.task_id)


@login_required
@require_POST
def urge_reply(request: HttpRequest, pk: int) -> HttpResponse:
    urge = get_object_or_404(urge_visible_to(user=request.user), pk=pk)
    spec = PortalAction(portal_forms.UrgeReplyForm, lambda g, u, d, a, f: lifecycle_unit.urge_reply(
        urge=g, actor=u, reply=d["reply"]), "已答复催办")
    _perform(request, spec, urge, action="urge_reply", prefix="reply")
    return redirect("tracker:task_detail", pk=urge.task_id)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(attachment_visible_to(user=request.user), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    # Always a download, never rendered inline: an uploaded .html must not run in our origin.
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                        content_type="application/octet-stream")


@login_required
@require_GET
def source_file_download(request: HttpRequest, pk: int) -> FileResponse:
    """The imported file as received (its original name, RFC 5987 for Chinese names), always as a download."""
    source = get_object_or_404(source_file_visible_to(user=request.user), pk=pk)
    try:
        handle = source.original_bytes()
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(handle, as_attachment=True, filename=source.name, content_type=source.content_type())


@login_required
@require_GET
def directive_detail(request: HttpRequest, pk: int) -> HttpResponse:
    directive = get_object_or_404(directive_visible_to(user=request.user).select_related("source"), pk=pk)
    as_of = timezone.localdate()
    tasks = task_visible_to(user=request.user).filter(directive=directive)
    pager = page_of(request, tasks.order_by(*selectors.TASK_LIST_ORDER).values_list("pk", flat=True))
    return render(request, "tracker/portal/directive_detail.html", {
        "directive": directive,
        "excerpt": selectors.directive_excerpt(directive=directive),
        "rows": selectors.task_rows_for(ids=pager.page.object_list, as_of=as_of),
        "pager": pager,
        "as_of": as_of,
    })
