"""Export views (thin): scope to the user, apply AssignmentFilterSet, hand the rows to the ledger builder."""
from __future__ import annotations

import io

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from tracker.documents import ledger
from tracker.filtersets import AssignmentFilterSet
from tracker.models import Assignment
from tracker.permissions import assignment_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_GET
def task_export(request: HttpRequest, report: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if report not in ledger.REPORTS or fmt not in ("xlsx", "csv"):
        raise Http404
    as_of = timezone.localdate()
    # One row per lead unit's part (its own record) unless `role` asks for support units.
    filterset = AssignmentFilterSet(request.GET, queryset=assignment_for(user=request.user), as_of=as_of,
                                    user=request.user, default_role=Assignment.Role.LEAD)
    # An invalid filter (e.g. another department's id) exports nothing rather than everything visible.
    assignments = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    filename = ledger.export_filename(report=report, as_of=as_of, extension=fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(
            ledger.iter_encoded(ledger.ledger_csv_lines(assignments=assignments, report=report, as_of=as_of)),
            content_type="text/csv; charset=utf-8",
        )
    else:
        buffer = io.BytesIO()
        ledger.ledger_xlsx_write(assignments=assignments, report=report, as_of=as_of, out=buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response
