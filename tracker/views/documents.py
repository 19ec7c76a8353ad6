"""Printables and the 考评 (thin views): scope → selector → builder → attachment.

Issuing a numbered document is the office's POST (services.printables: the next number, idempotent, stored);
downloading what was issued is a GET for whoever may read it — the office and managers everything, a unit only
the 督办/催办通知单 addressed to it. The 考评 table and the 督查通报 rank units: office and managers only (403
for units). Before the office issues a period's 通报, managers (and the office) may download a draft marked
未编号, built from the same selector, which writes nothing.
"""
from __future__ import annotations

import io
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tracker import selectors_documents, selectors_ratings
from tracker.documents.assessment import assessment_filename, assessment_xlsx
from tracker.documents.bulletin import bulletin_docx
from tracker.models import IssuedDocument
from tracker.periods import Period, month_of, period_choices, period_parse
from tracker.permissions import issued_document_visible_to, task_visible_to, user_is_office, user_sees_all
from tracker.services import printables
from tracker.transitions import TransitionError

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DRAFT_NUMBER = "（未编号）"


def attachment(content: bytes, *, filename: str, content_type: str) -> FileResponse:
    """A download (never shown inline), its Chinese name sent as filename*=UTF-8''…"""
    return FileResponse(io.BytesIO(content), as_attachment=True, filename=filename, content_type=content_type)


def _document_response(document: IssuedDocument) -> FileResponse:
    return attachment(bytes(document.content), filename=document.filename, content_type=DOCX)


def _require_ranking_reader(request: HttpRequest) -> None:
    if not user_sees_all(request.user):
        raise PermissionDenied("考评和督查通报仅对督查室和领导开放。")


def _period(value: str | None, *, as_of: date, default: bool) -> Period:
    """The period asked for (none: this month); unparsable or not yet begun: this month on a page, 404 for a
    download."""
    period = period_parse(value)
    if period is None or not period.started(as_of):
        if value and not default:
            raise Http404
        period = month_of(as_of)
    return period


@login_required
@require_GET
def document_download(request: HttpRequest, pk: int) -> FileResponse:
    """An issued document, byte for byte as issued."""
    document = get_object_or_404(issued_document_visible_to(user=request.user), pk=pk)
    return _document_response(document)


def _task_document(request: HttpRequest, pk: int, issue: Any) -> HttpResponse:
    """Issue a task's printable through its service; a refusal goes back to the task page with the reason."""
    task = get_object_or_404(task_visible_to(user=request.user), pk=pk)
    try:
        document = issue(task=task, actor=request.user, as_of=timezone.localdate())
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect("tracker:task_detail", pk=task.pk)
    return _document_response(document)


@login_required
@require_POST
def notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """督办通知单 of a task: numbered on the first request, the same document afterwards."""
    return _task_document(request, pk, printables.notice_issue)


@login_required
@require_POST
def urge_notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """催办通知单 to a task's late units: one per day, the next round on a later day."""
    return _task_document(request, pk, printables.urge_notice_issue)


@login_required
@require_GET
def assessment(request: HttpRequest) -> HttpResponse:
    """考评 of a period (picker: months, quarters, years) with the 考评表 and 督查通报 downloads."""
    _require_ranking_reader(request)
    as_of = timezone.localdate()
    period = _period(request.GET.get("period"), as_of=as_of, default=True)
    return render(request, "tracker/documents/assessment.html", {
        "assessment": selectors_ratings.department_assessment(period=period, as_of=as_of),
        "period": period, "choices": period_choices(as_of=as_of),
        "bulletin": selectors_documents.issued_bulletin(period=period),
        "office": user_is_office(request.user), "as_of": as_of,
    })


@login_required
@require_GET
def assessment_export(request: HttpRequest) -> FileResponse:
    _require_ranking_reader(request)
    as_of = timezone.localdate()
    period = _period(request.GET.get("period"), as_of=as_of, default=False)
    table = selectors_ratings.department_assessment(period=period, as_of=as_of)
    content = assessment_xlsx(period_label=period.label, until=table.until, units=table.units,
                              totals=table.totals, ratings=table.ratings, extended=table.extended)
    return attachment(content, filename=assessment_filename(period_label=period.label), content_type=XLSX)


@login_required
@require_GET
def bulletin_download(request: HttpRequest) -> FileResponse:
    """The period's 督查通报 as issued, or, before the office issues it, a draft marked 未编号 (nothing written)."""
    _require_ranking_reader(request)
    as_of = timezone.localdate()
    period = _period(request.GET.get("period"), as_of=as_of, default=False)
    issued = selectors_documents.issued_bulletin(period=period)
    if issued is not None:
        return _document_response(IssuedDocument.objects.get(pk=issued.pk))
    data = selectors_documents.bulletin_data(period=period, as_of=as_of, number=DRAFT_NUMBER, issued_on=as_of)
    return attachment(bulletin_docx(data), filename=f"督查通报_{period.label}_未编号.docx", content_type=DOCX)


@login_required
@require_POST
def bulletin_issue(request: HttpRequest) -> HttpResponse:
    """The office issues the period's 督查通报 (numbered once; the same document afterwards)."""
    _require_ranking_reader(request)
    as_of = timezone.localdate()
    period = _period(request.POST.get("period"), as_of=as_of, default=False)
    try:
        document = printables.bulletin_issue(period=period, actor=request.user, as_of=as_of)
    except TransitionError as exc:
        messages.error(request, str(exc))
        return redirect(f"{reverse('tracker:assessment')}?period={period.key}")
    return _document_response(document)
