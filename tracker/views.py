"""Department portal (/portal/): thin views, form → service → redirect with a message.

Every object is fetched through tracker.permissions' scoped querysets, so an id outside the user's
departments is a 404 whatever the URL. "Today" is computed here, once, and passed down as `as_of`.
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
from tracker import selectors
from tracker.filtersets import TaskFilterSet
from tracker.permissions import (
    attachment_visible_to,
    directive_visible_to,
    extension_request_visible_to,
    occurrence_visible_to,
    source_file_visible_to,
    task_visible_to,
    urge_visible_to,
)
from tracker.services import lifecycle
from tracker.services.lifecycle import TransitionError


@dataclass(frozen=True)
class PortalAction:
    form: type[forms.Form]
    run: Callable[..., Any]
    done: str
    # Extra form arguments that depend on the task, the user and today (the report's periods).
    form_kwargs: Callable[[Any, Any, date], dict[str, Any]] | None = None

    def make_form(self, task: Any, user: Any, as_of: date, *args: Any, prefix: str) -> forms.Form:
        extra = self.form_kwargs(task, user, as_of) if self.form_kwargs else {}
        return self.form(*args, prefix=prefix, **extra)


def _files(data: dict[str, Any]) -> list[Any]:
    return list(data.get("files") or [])


def _report_form_kwargs(task: Any, user: Any, as_of: date) -> dict[str, Any]:
    return {"occurrences": selectors.report_occurrence_choices(task=task, user=user, as_of=as_of)}


ACTIONS: dict[str, PortalAction] = {
    "assign": PortalAction(portal_forms.NoteForm, lambda t, u, d, a: lifecycle.task_assign(
        task=t, actor=u, note=d["note"]), "已交办"),
    "sign": PortalAction(portal_forms.NoteForm, lambda t, u, d, a: lifecycle.task_sign(
        task=t, actor=u, note=d["note"]), "已签收"),
    "return": PortalAction(portal_forms.ReasonForm, lambda t, u, d, a: lifecycle.task_return(
        task=t, actor=u, reason=d["reason"]), "已退回督查室"),
    "reassign": PortalAction(portal_forms.ReassignForm, lambda t, u, d, a: lifecycle.task_reassign(
        task=t, actor=u, lead_departments=list(d["lead_departments"]),
        support_departments=list(d["support_departments"]), note=d["note"]), "已重新交办"),
    "report": PortalAction(portal_forms.ProgressReportForm, lambda t, u, d, a: lifecycle.progress_report_create(
        task=t, actor=u, text=d["text"], percent=d["percent"], files=_files(d),
        occurrence=d.get("occurrence")), "进展已反馈", _report_form_kwargs),
    "extension": PortalAction(portal_forms.ExtensionRequestForm, lambda t, u, d, a: (
        lifecycle.extension_request_create(
            task=t, actor=u, reason=d["reason"], requested_due_on=d["requested_due_on"],
            current_progress=d["current_progress"], as_of=a)), "延期申请已提交"),
    "completion": PortalAction(portal_forms.CompletionRequestForm, lambda t, u, d, a: (
        lifecycle.task_completion_request(task=t, actor=u, text=d["text"], files=_files(d))), "已申请办结"),
    "sign-off": PortalAction(portal_forms.NoteForm, lambda t, u, d, a: lifecycle.task_sign_off(
        task=t, actor=u, note=d["note"]), "已销号"),
    "send-back": PortalAction(portal_forms.ReasonForm, lambda t, u, d, a: lifecycle.task_send_back(
        task=t, actor=u, reason=d["reason"]), "已退办"),
    "urge": PortalAction(portal_forms.NoteForm, lambda t, u, d, a: lifecycle.task_urge(
        task=t, actor=u, note=d["note"]), "已催办，已通知承办单位"),
}


def _form_errors(form: forms.Form) -> str:
    return "；".join(
        f"{form.fields[name].label if name in form.fields else ''}：{' '.join(errors)}".lstrip("：")
        for name, errors in form.errors.items()
    )


@login_required
@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    as_of = timezone.localdate()
    visible = task_visible_to(user=request.user)
    filterset = TaskFilterSet(request.GET or None, queryset=visible, as_of=as_of, user=request.user)
    rows = selectors.task_rows(tasks=filterset.qs, as_of=as_of)
    return render(request, "tracker/portal/task_list.html", {
        "filterset": filterset, "rows": rows, "as_of": as_of,
        "counts": selectors.task_light_counts(tasks=visible, as_of=as_of),
    })


@login_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    as_of = timezone.localdate()
    task = get_object_or_404(task_visible_to(user=request.user).select_related("directive__source"), pk=pk)
    context = selectors.task_page(task=task, user=request.user, as_of=as_of)
    context.update({
        "forms": {name: action.make_form(task, request.user, as_of, prefix=name) for name, action in ACTIONS.items()},
        "decide_form": portal_forms.ExtensionDecideForm(prefix="decide"),
        "reply_form": portal_forms.UrgeReplyForm(prefix="reply"),
    })
    return render(request, "tracker/portal/task_detail.html", context)


@login_required
@require_POST
def task_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    spec = ACTIONS.get(action)
    if spec is None:
        raise Http404
    task = get_object_or_404(task_visible_to(user=request.user), pk=pk)
    as_of = timezone.localdate()
    form = spec.make_form(task, request.user, as_of, request.POST, request.FILES, prefix=action)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return redirect("tracker:task_detail", pk=task.pk)
    try:
        spec.run(task, request.user, form.cleaned_data, as_of)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, spec.done)
    return redirect("tracker:task_detail", pk=task.pk)


@login_required
@require_POST
def extension_decide(request: HttpRequest, pk: int) -> HttpResponse:
    extension = get_object_or_404(extension_request_visible_to(user=request.user), pk=pk)
    form = portal_forms.ExtensionDecideForm(request.POST, prefix="decide")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            lifecycle.extension_decide(extension=extension, actor=request.user,
                                       approve=form.cleaned_data["decision"] == "approve",
                                       note=form.cleaned_data["note"])
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "延期申请已审批")
    return redirect("tracker:task_detail", pk=extension.task_id)


@login_required
@require_POST
def occurrence_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """本期已完成 (the office's button on the task page)."""
    occurrence = get_object_or_404(occurrence_visible_to(user=request.user).select_related("deadline"), pk=pk)
    try:
        lifecycle.occurrence_complete(occurrence=occurrence, actor=request.user)
    except TransitionError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{occurrence.due_on:%Y-%m-%d} 这一期已记为完成")
    return redirect("tracker:task_detail", pk=occurrence.deadline.task_id)


@login_required
@require_POST
def urge_reply(request: HttpRequest, pk: int) -> HttpResponse:
    urge = get_object_or_404(urge_visible_to(user=request.user), pk=pk)
    form = portal_forms.UrgeReplyForm(request.POST, prefix="reply")
    if not form.is_valid():
        messages.error(request, _form_errors(form))
    else:
        try:
            lifecycle.urge_reply(urge=urge, actor=request.user, reply=form.cleaned_data["reply"])
        except TransitionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已答复催办")
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
    return render(request, "tracker/portal/directive_detail.html", {
        "directive": directive,
        "excerpt": selectors.directive_excerpt(directive=directive),
        "rows": selectors.task_rows(tasks=tasks, as_of=as_of),
        "as_of": as_of,
    })
