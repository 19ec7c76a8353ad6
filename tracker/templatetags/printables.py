"""{{ rate|rate }} and {{ days|days }}: figures of the 考评 table as the printables write them (90.6%, 3.5, —)."""
from __future__ import annotations

from django import template

from tracker.documents.style import decimal_text, percent

register = template.Library()


@register.filter
def rate(value: float | None) -> str:
    return percent(value)


@register.filter
def days(value: float | None) -> str:
    return decimal_text(value)
