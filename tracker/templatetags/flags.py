"""{% load flags %}: review flags as Chinese words (tracker.flags is the one mapping)."""
from __future__ import annotations

from collections.abc import Iterable

from django import template

from tracker.flags import flag_labels as labels

register = template.Library()


@register.filter
def flag_labels(codes: Iterable[str] | None) -> list[str]:
    return labels(codes or [])
