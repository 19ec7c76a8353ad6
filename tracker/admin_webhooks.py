"""Admin: outgoing webhooks — the office registers other systems' endpoints (the signing secret write-only, as
the robot secrets are) and reads the delivery log, re-sending failed deliveries (重新发送)."""
from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from tracker.admin import WriteOnlyInput
from tracker.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from tracker.permissions import user_is_office
from tracker.secrets import secret_mask, url_secrets_redact

SECRET_MIN_LENGTH = 16


class OfficeOnlyAdmin(admin.ModelAdmin):
    """Only the office (and superusers) see and manage webhooks: endpoints name other systems' addresses."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return user_is_office(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_office(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_office(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return user_is_office(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return user_is_office(request.user)


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(label="接收地址", max_length=500, assume_scheme="https",
                         help_text="对方系统接收推送的地址（建议 https）")
    events = forms.MultipleChoiceField(label="订阅事件", choices=WebhookEvent.choices,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = WebhookEndpoint
        fields = ("name", "url", "secret", "events", "active")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stored = self.instance.secret if self.instance.pk else ""
        field = self.fields["secret"]
        field.required = not stored
        field.widget = WriteOnlyInput(attrs={"placeholder": secret_mask(stored) or "至少16个字符", "autocomplete": "off",
                                             "size": 60})
        field.help_text = (f"已保存：{secret_mask(stored)}；留空则保持不变。" if stored else
                           f"对方系统用它验证推送来源（HMAC-SHA256），至少{SECRET_MIN_LENGTH}个字符；保存后不再显示。")
        self.initial["secret"] = ""

    def clean_secret(self) -> str:
        value = (self.cleaned_data.get("secret") or "").strip()
        if not value:
            return self.instance.secret
        if len(value) < SECRET_MIN_LENGTH:
            raise forms.ValidationError(f"签名密钥至少{SECRET_MIN_LENGTH}个字符。")
        return value


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(OfficeOnlyAdmin):
    form = WebhookEndpointForm
    list_display = ("name", "shown_url", "event_list", "active", "created_at")
    list_filter = ("active",)
    search_fields = ("name",)

    @admin.display(description="接收地址")
    def shown_url(self, obj: WebhookEndpoint) -> str:
        return url_secrets_redact(obj.url)

    @admin.display(description="订阅事件")
    def event_list(self, obj: WebhookEndpoint) -> str:
        labels = dict(WebhookEvent.choices)
        return "、".join(str(labels.get(e, e)) for e in obj.events or [])[:120]

    def save_model(self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(OfficeOnlyAdmin):
    list_display = ("created_at", "endpoint", "event", "task", "status", "attempts", "response_code", "short_error",
                    "sent_at")
    list_filter = ("status", "event", "endpoint")
    search_fields = ("event_id", "last_error")
    date_hierarchy = "created_at"
    list_select_related = ("endpoint", "task")
    fields = ("endpoint", "event", "event_id", "occurred_at", "task", "assignment", "status", "attempts",
              "response_code", "last_error", "next_attempt_at", "created_at", "sent_at", "payload_shown")
    readonly_fields = fields
    actions = ["resend"]

    @admin.display(description="错误")
    def short_error(self, obj: WebhookDelivery) -> str:
        return obj.last_error[:80]

    @admin.display(description="推送内容")
    def payload_shown(self, obj: WebhookDelivery) -> str:
        if obj.payload is None:
            return "（发送时生成）"
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, ensure_ascii=False, indent=2))

    @admin.action(description="重新发送所选失败推送", permissions=["change"])
    def resend(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        from tracker.services.webhooks import webhook_deliveries_retry

        count = webhook_deliveries_retry(delivery_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"已重新排队 {count} 条推送（只重发失败的推送；已送达的不会重复发送）。")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
