"""The 督办工作台 (/portal/) and the in-app messages (/portal/messages/): thin views over
tracker.selectors_workbench and tracker.services.messages. Marking read is a POST of the recipient's own
messages; a manager, who changes nothing anywhere, is refused."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from tracker import selectors_workbench
from tracker.permissions import user_is_read_only
from tracker.services.messages import messages_mark_read

PAGE_SIZE = 50


def _refuse_manager(request: HttpRequest) -> None:
    if user_is_read_only(request.user):
        raise PermissionDenied("领导账号只读")


@login_required
@require_GET
def workbench(request: HttpRequest) -> HttpResponse:
    as_of = timezone.localdate()
    inbox = selectors_workbench.workbench_inbox(user=request.user, as_of=as_of)
    return render(request, "tracker/workbench/workbench.html", {
        "inbox": inbox, "as_of": as_of, "is_office": inbox.role == "office",
        "sees_all": inbox.role in ("office", "manager"),
    })


@login_required
@require_GET
def message_list(request: HttpRequest) -> HttpResponse:
    rows = selectors_workbench.message_list(user=request.user)
    if request.GET.get("unread"):
        rows = rows.filter(read_at__isnull=True)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "tracker/workbench/messages.html", {
        "page": page, "unread_only": bool(request.GET.get("unread")),
        "may_mark": not user_is_read_only(request.user),
    })


@login_required
@require_POST
def messages_read(request: HttpRequest) -> HttpResponse:
    _refuse_manager(request)
    if request.POST.get("all"):
        ids = None
    else:  # the recipient's own are marked; a foreign or malformed id marks nothing
        ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit() and len(v) < 19]
    if ids == []:
        messages.info(request, "请先勾选要标为已读的消息")
    else:
        marked = messages_mark_read(user=request.user, message_ids=ids)
        messages.success(request, f"已将 {marked} 条消息标为已读")
    return redirect("tracker:message_list")
