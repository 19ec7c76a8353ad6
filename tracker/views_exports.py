"""Export views (thin): scope to the user, apply TaskFilterSet, hand the rows to the exports service."""
from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from tracker.filtersets import TaskFilterSet
from tracker.permissions import task_visible_to
from tracker.services import exports

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def task_export(request: HttpRequest, report: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if report not in exports.REPORTS or fmt not in ("xlsx", "csv"):
        raise Http404
    as_of = timezone.localdate()
    filterset = TaskFilterSet(request.GET or None, queryset=task_visible_to(user=request.user), as_of=as_of,
                              user=request.user)
    if not filterset.is_bound:
        tasks = task_visible_to(user=request.user)
    else:
        # An invalid filter (e.g. another department's id) exports nothing rather than everything visible.
        tasks = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    filename = exports.export_filename(report=report, as_of=as_of, extension=fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(
            exports.iter_encoded(exports.ledger_csv_lines(tasks=tasks, report=report, as_of=as_of)),
            content_type="text/csv; charset=utf-8",
        )
    else:
        buffer = io.BytesIO()
        exports.ledger_xlsx_write(tasks=tasks, report=report, as_of=as_of, out=buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
