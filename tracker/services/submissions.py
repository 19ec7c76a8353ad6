"""Idempotent form submissions: a double click, a resubmission after "back", or the same form posted twice at
once records its action once.

Each rendered portal form carries a one-time token. `submission_run` inserts the token under a unique
constraint and runs the action in the same transaction: a second post of the same token waits for the
first (PostgreSQL's unique index, SQLite's write lock) and then finds the token taken, so it records
nothing. An action that fails rolls the token back with it, so the user may correct the form and send it
again.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import IntegrityError, transaction

from tracker.models import FormSubmission
from tracker.transitions import TransitionError

T = TypeVar("T")


class DuplicateSubmission(TransitionError):
    """The same form was already submitted; nothing was recorded again."""


@transaction.atomic
def submission_run(*, key: str, actor: Any, action: str, run: Callable[[], T]) -> T:
    """Run `run()` once per `key` (a form's token); an empty key runs it without the guard."""
    if key:
        try:
            with transaction.atomic():
                FormSubmission.objects.create(
                    key=key[:64], action=action[:40],
                    user=actor if getattr(actor, "is_authenticated", False) else None)
        except IntegrityError as exc:
            raise DuplicateSubmission("该表单已经提交过，未重复记录（可刷新页面查看结果）") from exc
    return run()
