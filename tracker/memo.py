"""A per-request memo: a read repeated within one request (the user's units, the holiday table) is made once.

The portal's task page asks for the user's units once per permission check — 29 identical queries on one page —
and for the working-day calendar once per clock. Outside a request (commands, Celery, tests calling selectors)
nothing is kept, so nothing can go stale there; a service that changes what is kept clears it (`memo_clear`).
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")
_memo: ContextVar[dict[Any, Any] | None] = ContextVar("tracker_request_memo", default=None)


def memoized(key: Any, compute: Callable[[], T]) -> T:
    """compute(), once per request for `key` (every time outside a request)."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]


def memo_clear() -> None:
    memo = _memo.get()
    if memo is not None:
        memo.clear()


@contextmanager
def request_memo() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)
