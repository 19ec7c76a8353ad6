"""Keyword search as people type it. A 文号's year brackets are typed as 〔〕, [], 【】, () or their full-width
forms (［］（）): all of them read as 〔〕, on both sides of the comparison, so 阳政办发[2026]12号 finds
阳政办发〔2026〕12号 and the other way round."""
from __future__ import annotations

from django.db.models import F, Func, Q, Value
from django.db.models.functions import Replace
from django.db.models.lookups import Contains, IContains

OPENING = "[【(（［〖"  # each read as 〔
CLOSING = "]】)）］〗"  # each read as 〕


def doc_number_normalized(value: str) -> str:
    """The typed text with every year bracket written 〔〕."""
    return value.translate(str.maketrans(OPENING + CLOSING, "〔" * len(OPENING) + "〕" * len(CLOSING)))


def doc_number_expression(field: str) -> Func:
    """The column with every year bracket written 〔〕 (nested REPLACE: the same SQL on SQLite and PostgreSQL)."""
    expression: Func | F = F(field)
    for char in OPENING:
        expression = Replace(expression, Value(char), Value("〔"))
    for char in CLOSING:
        expression = Replace(expression, Value(char), Value("〕"))
    assert isinstance(expression, Func)
    return expression


def cased(value: str) -> bool:
    """Whether case can matter: Chinese, digits and brackets have none."""
    return value.lower() != value.upper()


def contains_q(field: str, value: str) -> Q:
    """`field` contains `value`, ignoring case only when the value has letters: a plain LIKE is three times as fast
    as UPPER(…) LIKE over 100,000 rows (benchmarks/lists.py), and finds the same rows for Chinese."""
    return Q(**{f"{field}__{'icontains' if cased(value) else 'contains'}": value})


def doc_number_q(field: str, value: str) -> Q:
    """Rows whose `field` (a 文号 or reference) contains `value`, whichever brackets either was written with."""
    normalized = doc_number_normalized(value)
    if not any(char in value or char in normalized for char in "〔〕"):
        return contains_q(field, value)  # no bracket typed: the column's plain LIKE
    lookup = IContains if cased(normalized) else Contains
    # An empty column is skipped before its twelve REPLACEs (most tasks have no reference of their own).
    return Q(**{f"{field}__gt": ""}) & Q(lookup(doc_number_expression(field), normalized))
