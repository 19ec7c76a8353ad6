"""Credentials stored on rows (group-robot URLs carry an access token; DingTalk's signing secret).

They are write-only for the office: forms show only a mask of the last characters, nobody else sees
them, and no page, export, history diff or API response carries them. Every interface that renders a
model's fields generically (history pages, exports, serializers) leaves out SECRET_FIELDS.
"""
from __future__ import annotations

import re

from django.db.models import Model

SECRET_FIELDS: dict[str, frozenset[str]] = {
    "tracker.department": frozenset({"webhook_url", "webhook_secret"}),
    "tracker.webhookendpoint": frozenset({"secret"}),  # outgoing webhooks' signing key (tracker/api)
}
MASK = "••••"

# Query parameters that carry a credential in a robot URL (DingTalk access_token, WeCom key, a signature).
_URL_SECRET_RE = re.compile(r"((?:access_token|key|sign|secret|token)=)[^&\s'\"]+", re.IGNORECASE)


def secret_fields(model: type[Model] | Model) -> frozenset[str]:
    """The names of `model`'s fields that hold credentials (also for its simple-history model)."""
    meta = model._meta
    instance_type = getattr(model, "instance_type", None)  # a HistoricalX model names its tracked model here
    label = (instance_type._meta if instance_type is not None else meta).label_lower
    return SECRET_FIELDS.get(label, frozenset())


def secret_mask(value: str) -> str:
    """"••••1234" for a stored value (its last 4 characters), "" for none."""
    return f"{MASK}{value[-4:]}" if value else ""


def url_secrets_redact(text: str) -> str:
    """`text` with the values of credential-bearing URL parameters replaced by the mask."""
    return _URL_SECRET_RE.sub(lambda m: m.group(1) + MASK, text)
