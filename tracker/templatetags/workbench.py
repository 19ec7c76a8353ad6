"""The portal header's unread-message count (one COUNT, only on pages that show the header)."""
from __future__ import annotations

from typing import Any

from django import template

from tracker.selectors_workbench import unread_message_count

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_messages(context: Any) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    return unread_message_count(user=user) if user is not None else 0
