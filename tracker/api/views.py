"""The API's viewsets: thin, as the portal's views are. Each read starts from a scoped queryset of
tracker.permissions (another unit's object is a 404), filters with the portal's FilterSet and reads through the
selectors; each write is ONE service call (the portal's), refused with a Chinese `detail`: 400 for a transition
the rules refuse (TransitionError), 403 for a role that may not (tracker.api.permissions).

Writes honour an `Idempotency-Key` header through the portal's one-time submissions
(services.submissions.submission_run): a retried request records its action once and is answered with the
first answer (header `Idempotent-Replayed: true`).
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from tracker import selectors
from tracker.api import serializers as s
from tracker.api.permissions import IsOffice, MayTakeUnitAction, ReadOnlyForManagers, user_roles
from tracker.filtersets import (
    AssignmentFilterSet,
    DepartmentFilterSet,
    DirectiveFilterSet,
    ExtensionRequestFilterSet,
    ReminderFilterSet,
    TaskFilterSet,
)
from tracker.login import INVALID_LOGIN, is_locked_out, lockout_message
from tracker.models import Assignment, Department, FormSubmission, Reminder, Task
from tracker.permissions import (
    assignment_for,
    department_visible_to,
    directive_visible_to,
    extension_request_visible_to,
    task_visible_to,
    user_department_ids,
)
from tracker.selectors_api import assignment_list, task_card, task_cards, task_page_queryset
from tracker.services import lifecycle_office, lifecycle_unit
from tracker.services.directives import ImportRefused, directive_import
from tracker.services.register import task_register
from tracker.services.submissions import DuplicateSubmission, submission_run
from tracker.transitions import TransitionError
from tracker.uploads import directive_upload_handlers, skipped_uploads

DETAIL = s.DetailSerializer
REFUSALS = {
    400: OpenApiResponse(DETAIL, description="办理规则不允许（如当前状态不能执行该操作），`detail` 说明原因"),
    403: OpenApiResponse(DETAIL, description="当前角色无权执行"),
    404: OpenApiResponse(DETAIL, description="对象不存在或不在本单位范围内"),
}
IDEMPOTENCY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="幂等键（任意字符串，最多200字符）：同一用户以同一键重试时只办理一次，并返回首次的结果")


class Pagination(PageNumberPagination):
    """{count, next, previous, results}; `page_size` up to 500."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus the services' refusals as 400 with their Chinese message in `detail`."""
    if isinstance(exc, TransitionError | ImportRefused):
        return Response({"detail": str(exc)}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, ValidationError) and isinstance(response.data, dict) \
            and "detail" not in response.data:
        response.data = {"detail": _validation_detail(response.data, context), "errors": response.data}
    return response


def _validation_detail(errors: dict[str, Any], context: dict[str, Any]) -> str:
    """One Chinese sentence naming each field by its label (the input serializer's)."""
    fields = getattr(context.get("view"), "input_fields", {}) or {}
    parts = []
    for name, messages in errors.items():
        text = " ".join(str(m) for m in (messages if isinstance(messages, list) else [messages]))
        label = fields.get(name)
        parts.append(f"{label}：{text}" if label else text)
    return "；".join(parts)


class ScopedFilterBackend(DjangoFilterBackend):
    """The portal's FilterSets need today and the user (the choices they may see)."""

    def get_filterset_kwargs(self, request: Any, queryset: Any, view: Any) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(request, queryset, view)
        if issubclass(self.get_filterset_class(view, queryset) or object, (TaskFilterSet, AssignmentFilterSet)):
            kwargs.update(as_of=timezone.localdate(), user=request.user)
        return kwargs


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "同一请求正在处理，请稍后以同一幂等键重试。"


def _json(data: Any) -> Any:
    return json.loads(JSONRenderer().render(data))


class ApiViewSet(viewsets.GenericViewSet):
    """Common ground: scoped reads, the portal's filters, and one-service-call writes with idempotency keys."""

    permission_classes = [IsAuthenticated, ReadOnlyForManagers]
    filter_backends = [ScopedFilterBackend]
    pagination_class = Pagination
    lookup_value_converter = "int"
    transition: str | None = None
    input_fields: dict[str, str] = {}

    def filter_queryset(self, queryset: Any) -> Any:
        # Filters (and their in-hands default) shape lists; one object is found in the whole scope (a draft too).
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def input(self, serializer_class: type[Any], **kwargs: Any) -> dict[str, Any]:
        """The request's body checked for shape by `serializer_class` (400 naming the fields in Chinese)."""
        serializer = serializer_class(data=self.request.data, **kwargs)
        self.input_fields = {name: str(field.label or name) for name, field in serializer.fields.items()}
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def write(self, *, name: str, run: Callable[[], Any], respond: Callable[[Any], Any],
              code: int = status.HTTP_200_OK) -> Response:
        """Run the one service call `run` (once per Idempotency-Key), and answer with `respond(result)`."""
        request = self.request
        raw = request.headers.get("Idempotency-Key", "").strip()
        if not raw:
            return Response(respond(run()), status=code)
        if len(raw) > 200:
            raise ValidationError({"detail": "Idempotency-Key 过长（最多200个字符）。"})
        key = hashlib.sha256(f"api:{request.user.pk}:{raw}".encode()).hexdigest()
        action_name = f"api:{name}:{self.kwargs.get('pk', '')}"[:40]
        if (stored := FormSubmission.objects.filter(key=key).first()) is not None:
            return self._replay(stored, action_name)
        try:
            result = submission_run(key=key, actor=request.user, action=action_name, run=run)
        except DuplicateSubmission:  # the same key at the same moment: the first one won
            return self._replay(FormSubmission.objects.get(key=key), action_name)
        data = _json(respond(result))
        FormSubmission.objects.filter(key=key).update(response_status=code, response_body=data)
        return Response(data, status=code)

    @staticmethod
    def _replay(stored: FormSubmission, action_name: str) -> Response:
        if stored.action != action_name:
            return Response({"detail": "该 Idempotency-Key 已用于另一项操作，请换一个键。"},
                            status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        if stored.response_status is None:
            raise Conflict()
        return Response(stored.response_body, status=stored.response_status, headers={"Idempotent-Replayed": "true"})


# --- auth ---------------------------------------------------------------------------------------------------


@extend_schema(tags=["认证"])
class AuthTokenView(APIView):
    """POST: exchange a username and password for the user's token (throttled like the login pages).
    DELETE: revoke the caller's token."""

    permission_classes = [AllowAny]
    input_fields = {"username": "用户名", "password": "密码"}

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated()] if self.request.method == "DELETE" else [AllowAny()]

    @extend_schema(summary="取得令牌", request=s.TokenRequestSerializer, auth=[],
                   responses={200: s.TokenSerializer, 400: OpenApiResponse(DETAIL, description="用户名或密码不正确"),
                              429: OpenApiResponse(DETAIL, description="登录失败次数过多，暂时锁定")})
    def post(self, request: Request) -> Response:
        serializer = s.TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username, password = serializer.validated_data["username"], serializer.validated_data["password"]
        django_request: HttpRequest = request._request
        # authenticate(request=...) is what django-axes throttles: failures count, a locked user is refused.
        user = authenticate(request=django_request, username=username, password=password)
        if user is None:
            if is_locked_out(django_request):
                return Response({"detail": lockout_message(django_request, username)},
                                status=status.HTTP_429_TOO_MANY_REQUESTS)
            return Response({"detail": INVALID_LOGIN}, status=status.HTTP_400_BAD_REQUEST)
        token, _ = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})

    @extend_schema(summary="吊销令牌", request=None, responses={204: None})
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema(tags=["认证"])
class MeView(APIView):
    @extend_schema(summary="当前用户", responses=s.MeSerializer)
    def get(self, request: Request) -> Response:
        user = request.user
        labels = {"office": "督查室", "manager": "领导", "unit": "承办单位"}
        roles = user_roles(user)
        departments = Department.objects.filter(pk__in=user_department_ids(user)).order_by("name")
        return Response(s.MeSerializer({
            "username": user.get_username(), "name": user.get_full_name() or user.get_username(),
            "roles": roles, "role_labels": [labels[r] for r in roles], "departments": departments,
        }).data)


# --- tasks --------------------------------------------------------------------------------------------------


def _card(task: Task) -> dict[str, Any]:
    fresh = Task.objects.select_related("directive", "leader").get(pk=task.pk)
    return s.TaskSerializer(task_card(task=fresh, as_of=timezone.localdate())).data


@extend_schema_view(
    list=extend_schema(summary="任务列表", description="与门户任务列表相同的筛选参数与默认范围（不带 status 时只列已交办至已销号的任务）；"
                                                     "按当前时限排序。"),
    retrieve=extend_schema(summary="任务详情"),
)
@extend_schema(tags=["任务"])
class TaskViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = s.TaskSerializer
    filterset_class = TaskFilterSet

    def get_queryset(self) -> Any:
        return task_page_queryset(task_visible_to(user=self.request.user))

    def get_permissions(self) -> list[Any]:
        if self.action in ("create", "assign", "urge"):
            return [IsAuthenticated(), IsOffice()]
        return super().get_permissions()

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        cards = task_cards(tasks=page, as_of=timezone.localdate())
        return self.get_paginated_response(s.TaskSerializer(cards, many=True).data)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        task = self.get_object()
        return Response(s.TaskSerializer(task_card(task=task, as_of=timezone.localdate())).data)

    @extend_schema(summary="立项", description="督查室登记来自领导批示、会议纪要、政府工作报告、建议提案、群众来信等的督办事项；"
                                             "`assign` 为真时立即交办。", request=s.TaskRegisterInputSerializer,
                   parameters=[IDEMPOTENCY], responses={201: s.TaskSerializer, **REFUSALS})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = self.input(s.TaskRegisterInputSerializer)
        leads = _departments(data["leads"])
        supports = _departments(data["supports"])
        leader = None
        if data["leader"]:
            leader = get_user_model().objects.filter(username=data["leader"], is_active=True).first()
            if leader is None:
                raise ValidationError({"detail": f"分管领导「{data['leader']}」不是本系统的用户。"})
        return self.write(name="register", code=status.HTTP_201_CREATED, respond=_card, run=lambda: task_register(
            actor=request.user, as_of=timezone.localdate(), source_kind=data["source_kind"], text=data["text"],
            leads=leads, supports=supports, title=data["title"], source_ref=data["source_ref"],
            instructed_by=data["instructed_by"], instructed_on=data["instructed_on"],
            category=data["category"], deadline_text=data["deadline"], due_on=data["due_on"], leader=leader,
            assign=data["assign"]))

    @extend_schema(summary="交办", description="与门户交办表单相同的选择：保留的拟交办单位（单位组已展开）、增加的单位，"
                                             "以及时限已过（new/keep）或未定（new/ongoing/clock）时的处理。",
                   request=s.AssignInputSerializer, parameters=[IDEMPOTENCY], responses={200: s.TaskSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        data = self.input(s.AssignInputSerializer)
        as_of = timezone.localdate()
        plan = selectors.task_assign_plan(task=task, as_of=as_of)
        candidates = {c.department.pk: c for c in plan.candidates}
        chosen = data["units"] if data["units"] is not None else [k for k, c in candidates.items() if not c.problem]
        unknown = [str(pk) for pk in chosen if pk not in candidates]
        if unknown:
            raise ValidationError({"detail": f"单位（{'、'.join(unknown)}）不在该事项的拟交办单位中；"
                                             "新增单位请用 add_leads / add_supports。"})
        units = [(candidates[pk].department, candidates[pk].role) for pk in chosen]
        units += [(d, Assignment.Role.LEAD) for d in _departments(data["add_leads"])]
        units += [(d, Assignment.Role.SUPPORT) for d in _departments(data["add_supports"])]
        choice = data["due_choice"]
        if choice == "new" and data["due_on"] is None:
            raise ValidationError({"detail": "选择「设定新的办理时限」时请填写 due_on。"})
        return self.write(name="assign", respond=_card, run=lambda: lifecycle_office.task_assign(
            task=task, actor=request.user, as_of=as_of, units=units, note=data["note"],
            due_on=data["due_on"] if choice == "new" else None, keep_due=choice == "keep",
            open_ended=choice if choice in ("ongoing", "clock") else ""))

    @extend_schema(summary="催办", description="催办尚未办结的牵头单位；给出 `assignment` 时只催办该单位（10分钟内不重复催办）。",
                   request=s.UrgeInputSerializer, parameters=[IDEMPOTENCY],
                   responses={201: s.UrgeSerializer(many=True), **REFUSALS})
    @action(detail=True, methods=["post"])
    def urge(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        data = self.input(s.UrgeInputSerializer)
        part = None
        if data["assignment"] is not None:
            part = get_object_or_404(Assignment, pk=data["assignment"], task=task)
        return self.write(name="urge", code=status.HTTP_201_CREATED,
                          respond=lambda urges: s.UrgeSerializer(urges, many=True).data,
                          run=lambda: lifecycle_office.task_urge(task=task, actor=request.user, note=data["note"],
                                                                 assignment=part))


def _departments(ids: list[int]) -> list[Department]:
    found = Department.objects.in_bulk(ids)
    missing = [str(pk) for pk in ids if pk not in found]
    if missing:
        raise ValidationError({"detail": f"单位编号不存在：{'、'.join(missing)}"})
    return [found[pk] for pk in dict.fromkeys(ids)]


# --- units' parts -------------------------------------------------------------------------------------------


def _part(assignment: Assignment) -> dict[str, Any]:
    fresh = assignment_list(assignments=Assignment.objects.filter(pk=assignment.pk), as_of=timezone.localdate())
    return s.AssignmentDetailSerializer(fresh.get()).data


def _unit_action(transition: str, *, summary: str, request: Any, code: int = 200, response: Any = None,
                 description: str = "", url_path: str = "") -> Callable[[Any], Any]:
    """The schema and the transition name (for MayTakeUnitAction) of a unit action."""
    def decorate(func: Any) -> Any:
        func.transition = transition
        slug = url_path or transition.replace("_", "-")
        func = action(detail=True, methods=["post"], url_path=slug, url_name=slug)(func)
        return extend_schema(summary=summary, description=description, request=request, parameters=[IDEMPOTENCY],
                             responses={code: response or s.AssignmentDetailSerializer, **REFUSALS})(func)
    return decorate


@extend_schema_view(
    list=extend_schema(summary="承办单位事项列表", description="单位账号：本单位承办的事项（与门户“我的任务”相同的筛选参数与范围）；"
                                                       "督查室与领导：全部。按当前时限排序。"),
    retrieve=extend_schema(summary="承办单位事项详情"),
)
@extend_schema(tags=["承办单位事项"])
class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = s.AssignmentDetailSerializer
    filterset_class = AssignmentFilterSet

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, maybe no database
            return Assignment.objects.none()
        return assignment_list(assignments=assignment_for(user=self.request.user), as_of=timezone.localdate())

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        handler = getattr(self, self.action or "", None)
        self.transition = getattr(handler, "transition", None)
        super().initial(request, *args, **kwargs)

    def get_permissions(self) -> list[Any]:
        if self.transition in ("accept", "send_back"):
            return [IsAuthenticated(), IsOffice()]
        return [*super().get_permissions(), MayTakeUnitAction()]

    def _run(self, serializer_class: type[Any], run: Callable[[Assignment, dict[str, Any]], Any],
             respond: Callable[[Any], Any] = _part, code: int = status.HTTP_200_OK) -> Response:
        """The part (404 outside the caller's scope, 403 for a role that may not), then the body, then the one
        service call."""
        assignment = self.get_object()
        data = self.input(serializer_class)
        return self.write(name=self.transition or "", run=lambda: run(assignment, data), respond=respond, code=code)

    @_unit_action("sign", summary="签收", request=s.NoteInputSerializer)
    def sign(self, request: Request, pk: str | None = None) -> Response:
        return self._run(s.NoteInputSerializer, lambda a, d: lifecycle_unit.assignment_sign(
            assignment=a, actor=request.user, note=d["note"]))

    @_unit_action("return", summary="退回", description="把不属于本单位职责的事项退回督查室，须说明理由。",
                  request=s.ReasonInputSerializer)
    def return_(self, request: Request, pk: str | None = None) -> Response:
        return self._run(s.ReasonInputSerializer, lambda a, d: lifecycle_unit.assignment_return(
            assignment=a, actor=request.user, reason=d["reason"]))

    @_unit_action("report", summary="反馈进展", description="multipart/form-data 可附文件（files，可多个，受上传大小与类型限制）；"
                                                       "`occurrence` 为本次反馈完成的周期性时限的一期。",
                  request={"multipart/form-data": s.ReportInputSerializer, "application/json": s.ReportInputSerializer},
                  code=201, response=s.ProgressReportSerializer, url_path="reports")
    def reports(self, request: Request, pk: str | None = None) -> Response:
        def run(assignment: Assignment, data: dict[str, Any]) -> Any:
            occurrence = None
            if data["occurrence"] is not None:
                choices = selectors.report_occurrence_choices(assignment=assignment, user=request.user,
                                                              as_of=timezone.localdate())
                occurrence = choices.filter(pk=data["occurrence"]).first() if choices is not None else None
                if occurrence is None:
                    raise TransitionError("所选时限（期）不是本单位现在可以反馈完成的一期")
            return lifecycle_unit.progress_report_create(
                assignment=assignment, actor=request.user, text=data["text"], percent=data["percent"],
                files=data["files"], occurrence=occurrence)
        return self._run(s.ReportInputSerializer, run, respond=lambda report: s.ProgressReportSerializer(report).data,
                         code=status.HTTP_201_CREATED)

    @_unit_action("extension_request", summary="申请延期", description="牵头单位在办理时限之前申请，须写明理由与当前进展。",
                  request=s.ExtensionRequestInputSerializer, code=201, response=s.ExtensionRequestSerializer,
                  url_path="extension-requests")
    def extension_requests(self, request: Request, pk: str | None = None) -> Response:
        return self._run(s.ExtensionRequestInputSerializer, lambda a, d: lifecycle_unit.extension_request_create(
            assignment=a, actor=request.user, reason=d["reason"], requested_due_on=d["requested_due_on"],
            current_progress=d["current_progress"], as_of=timezone.localdate()),
            respond=lambda extension: s.ExtensionRequestSerializer(extension).data, code=status.HTTP_201_CREATED)

    @_unit_action("completion_request", summary="申请办结", description="牵头单位申请办结，附办结情况与佐证材料（files）。",
                  request={"multipart/form-data": s.CompletionRequestInputSerializer,
                           "application/json": s.CompletionRequestInputSerializer},
                  code=201, response=s.ProgressReportSerializer)
    def completion_request(self, request: Request, pk: str | None = None) -> Response:
        return self._run(s.CompletionRequestInputSerializer, lambda a, d: (
            lifecycle_unit.assignment_completion_request(assignment=a, actor=request.user, text=d["text"],
                                                         files=d["files"])),
            respond=lambda report: s.ProgressReportSerializer(report).data, code=status.HTTP_201_CREATED)

    @_unit_action("accept", summary="办结确认",
                  description="督查室确认该单位办结并评价（优秀/良好/合格/不合格）；最后一个牵头单位办结即销号。",
                  request=s.AcceptInputSerializer)
    def accept(self, request: Request, pk: str | None = None) -> Response:
        return self._run(s.AcceptInputSerializer, lambda a, d: lifecycle_office.assignment_accept(
            assignment=a, actor=request.user, rating=d["rating"], note=d["note"]))

    @_unit_action("send_back", summary="退办", description="督查室退回该单位的办结申请，须说明理由。",
                  request=s.ReasonInputSerializer)
    def send_back(self, request: Request, pk: str | None = None) -> Response:
        return self._run(s.ReasonInputSerializer, lambda a, d: lifecycle_office.assignment_send_back(
            assignment=a, actor=request.user, reason=d["reason"]))


# --- extension requests -------------------------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="延期申请列表"), retrieve=extend_schema(summary="延期申请详情"))
@extend_schema(tags=["延期申请"])
class ExtensionRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = s.ExtensionRequestSerializer
    filterset_class = ExtensionRequestFilterSet

    def get_queryset(self) -> Any:
        return (extension_request_visible_to(user=self.request.user).select_related("department")
                .order_by("-created_at", "-pk"))

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated(), IsOffice()] if self.action == "decide" else super().get_permissions()

    @extend_schema(summary="审批延期", description="批准则该单位的时限改为申请的日期（原时限保留）；驳回须说明理由。",
                   request=s.DecideInputSerializer, parameters=[IDEMPOTENCY],
                   responses={200: s.ExtensionRequestSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str | None = None) -> Response:
        extension = self.get_object()
        data = self.input(s.DecideInputSerializer)
        return self.write(name="extension_decide", respond=lambda e: s.ExtensionRequestSerializer(e).data,
                          run=lambda: lifecycle_office.extension_decide(
                              extension=extension, actor=request.user, approve=data["decision"] == "approve",
                              note=data["note"]))


# --- directives, departments, reminders ---------------------------------------------------------------------


@extend_schema_view(list=extend_schema(summary="文件列表"), retrieve=extend_schema(summary="文件详情（含其任务）"))
@extend_schema(tags=["文件"])
class DirectiveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    filterset_class = DirectiveFilterSet

    def get_serializer_class(self) -> Any:
        return s.DirectiveDetailSerializer if self.action == "retrieve" else s.DirectiveSerializer

    def get_queryset(self) -> Any:
        return directive_visible_to(user=self.request.user).select_related("source").defer("source__text",
                                                                                            "source__origins")

    def get_permissions(self) -> list[Any]:
        return [IsAuthenticated(), IsOffice()] if self.action == "import_files" else super().get_permissions()

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        # The upload streams to disk within the directive limits: the handlers are set before the body is read
        # (as the admin's upload does).
        if getattr(self, "action_map", {}).get(request.method.lower()) == "import_files":
            request.upload_handlers = directive_upload_handlers(request)
        return super().initialize_request(request, *args, **kwargs)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        directive = self.get_object()
        tasks = task_page_queryset(task_visible_to(user=request.user).filter(directive=directive))
        cards = task_cards(tasks=tasks, as_of=timezone.localdate())
        return Response(s.DirectiveDetailSerializer(directive, context={"tasks": cards}).data)

    @extend_schema(summary="导入公文文件", description="与管理后台“导入公文文件”相同：按内容识别格式，同一文件或已导入的公文不重复导入；"
                                                 "单个文件与文件个数受 DIRECTIVE_UPLOAD_MAX_BYTES / MAX_FILES 限制。导入的任务为待审核。",
                   request={"multipart/form-data": s.DirectiveImportInputSerializer},
                   responses={201: s.ImportResponseSerializer, 200: s.ImportResponseSerializer, **REFUSALS})
    @action(detail=False, methods=["post"], url_path="import", url_name="import")
    def import_files(self, request: Request) -> Response:
        files = request.FILES.getlist("files") or request.FILES.getlist("file")
        limit = settings.DIRECTIVE_UPLOAD_MAX_BYTES / (1024 * 1024)
        outcomes = [(False, _import_refusal(name, f"文件「{name}」超过大小限制（{limit:g} MB），未导入。"))
                    for name in skipped_uploads(request._request)]
        if not files and not outcomes:
            raise ValidationError({"detail": "请选择要导入的文件（字段 files）。"})
        if len(files) > settings.DIRECTIVE_UPLOAD_MAX_FILES:
            raise ValidationError({"detail": f"一次最多导入 {settings.DIRECTIVE_UPLOAD_MAX_FILES} 个文件。"})
        outcomes += [_import_one(upload, user=request.user) for upload in files]
        results = [result for _, result in outcomes]
        detail = "；".join(m for r in results for m in r["messages"][:1])
        if any(r["imported"] for r in results):
            code = status.HTTP_201_CREATED
        elif not any(read for read, _ in outcomes):  # every file refused: nothing was read
            code = status.HTTP_400_BAD_REQUEST
        else:
            code = status.HTTP_200_OK
        return Response(s.ImportResponseSerializer({"detail": detail, "results": results}).data, status=code)


def _import_refusal(name: str, message: str) -> dict[str, Any]:
    return {"name": name, "imported": False, "duplicate_file": False, "nothing_found": False, "directives": [],
            "tasks": 0, "deadlines": 0, "unknown_departments": [], "messages": [message]}


def _import_one(upload: Any, *, user: Any) -> tuple[bool, dict[str, Any]]:
    """One file through the import service (its own transaction), as the admin's upload does; (read, result)."""
    name = upload.name or "file"
    if not upload.size:
        return False, _import_refusal(name, f"文件「{name}」是空文件，未导入。")
    try:
        with upload.open("rb") as handle:
            data = handle.read()
        result = directive_import(name=name, data=data, user=user, as_of=timezone.localdate())
    except ImportRefused as error:
        return False, _import_refusal(name, str(error))
    return True, {"name": name, "imported": result.changed, "duplicate_file": result.duplicate_file,
                  "nothing_found": result.nothing_found, "directives": result.directives, "tasks": result.tasks,
                  "deadlines": result.deadlines, "unknown_departments": result.unknown_departments,
                  "messages": result.messages}


@extend_schema_view(list=extend_schema(summary="单位目录"), retrieve=extend_schema(summary="单位详情"))
@extend_schema(tags=["单位"])
class DepartmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = s.DepartmentSerializer
    filterset_class = DepartmentFilterSet

    def get_queryset(self) -> Any:
        return department_visible_to(user=self.request.user).order_by("name", "pk")


@extend_schema_view(list=extend_schema(summary="提醒记录（督查室）"), retrieve=extend_schema(summary="提醒记录详情（督查室）"))
@extend_schema(tags=["提醒"])
class ReminderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = s.ReminderSerializer
    filterset_class = ReminderFilterSet
    permission_classes = [IsAuthenticated, IsOffice]

    def get_queryset(self) -> Any:
        return Reminder.objects.select_related("department").order_by("-sent_on", "department_id", "pk")

