"""Celery tasks: primitives in, one service call, the retry policy; nothing else."""
from __future__ import annotations

import functools
import logging
import time
from datetime import date
from typing import Any

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)
_broker_down_until = 0.0  # monotonic time: after a refused publish, later ones skip the broker until then


def enqueue_on_commit(task: Any, *args: Any) -> None:
    """Send `task` to the broker once the transaction commits.

    The rows the task works on are committed first, so a broker that cannot be reached (Redis down) loses
    nothing: it is logged, never raised — the user's action stands and the page does not fail — and the
    periodic sweeps (reminders_sweep, webhooks_sweep) enqueue the rows left pending. Django stops running
    on-commit callbacks at the first one that raises, which would also drop every later enqueue.
    """
    transaction.on_commit(functools.partial(_publish, task, args))


def _publish(task: Any, args: tuple[Any, ...]) -> None:
    global _broker_down_until
    if task.app.conf.task_always_eager:  # in-process: errors are the task's own and must propagate
        task.delay(*args)
        return
    if time.monotonic() < _broker_down_until:
        logger.warning("broker down: %s%s left for the sweep", task.name, args)
        return
    try:
        task.delay(*args)
    except Exception as exc:  # kombu OperationalError (refused, timed out), redis errors
        _broker_down_until = time.monotonic() + settings.CELERY_PUBLISH_BACKOFF_SECONDS
        logger.warning("broker unreachable, %s%s left for the sweep: %s", task.name, args, exc)


class ReminderDeliveryFailed(Exception):
    """Some digests failed; raised so that Celery retries the batch with backoff."""


# A database that restarts or drops the connection mid-scan rolls the scan's one transaction back: the scan
# is run again (it records each notice once under the unique constraints), so the day's notices are not lost.
@shared_task(name="tracker.tasks.reminders_scan", acks_late=True, autoretry_for=(OperationalError, InterfaceError),
             retry_backoff=30, retry_backoff_max=600, max_retries=6)
def reminders_scan(as_of: str | None = None) -> dict[str, object]:
    """Daily scan (beat): record today's notices and enqueue their sending."""
    from tracker.services.reminders import reminders_scan as scan

    result = scan(as_of=date.fromisoformat(as_of) if as_of else timezone.localdate())
    return {"as_of": result.as_of.isoformat(), "deferred": result.deferred, "created": result.created,
            "swept": len(result.swept_ids)}


@shared_task(name="tracker.tasks.reminders_sweep", acks_late=True)
def reminders_sweep() -> int:
    """Every few minutes (beat): send the notices still owed — an urge whose enqueue the broker refused, a
    failure whose backoff has passed — without waiting for the next daily scan."""
    from tracker.services.reminders import reminders_sweep as sweep

    return len(sweep())


@shared_task(
    bind=True,
    name="tracker.tasks.reminder_send",
    acks_late=True,
    autoretry_for=(ReminderDeliveryFailed,),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=4,
)
def reminder_send(self, reminder_ids: list[int]) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Deliver a batch of reminder rows; rows already sent or claimed elsewhere are skipped."""
    from tracker.services.reminders import reminder_send as send

    result = send(reminder_ids=reminder_ids)
    # In-process (eager) runs do not spin on retries: the next scan sweeps failed rows.
    if result.failed_ids and not self.request.is_eager:
        raise ReminderDeliveryFailed(f"{len(result.failed_ids)} reminders failed")
    return {"sent": len(result.sent_ids), "failed": len(result.failed_ids), "messages": result.messages}


@shared_task(name="tracker.tasks.occurrences_generate", acks_late=True)
def occurrences_generate(as_of: str | None = None) -> dict[str, int]:
    """Daily (beat, before the reminder scan): roll recurring deadlines' occurrences over the horizon."""
    from tracker.services.deadlines import occurrences_generate as generate

    run = generate(as_of=date.fromisoformat(as_of) if as_of else timezone.localdate())
    return {"deadlines": run.deadlines, "created": run.created}


# --- outgoing webhooks (tracker.services.webhooks) -----------------------------------------------------------


@shared_task(bind=True, name="tracker.tasks.webhook_deliver", acks_late=True, max_retries=None)
def webhook_deliver(self, delivery_id: int) -> str:  # type: ignore[no-untyped-def]
    """Send one webhook delivery row if it is still owed; a failure is retried with the row's backoff."""
    from tracker.services.webhooks import webhook_deliver as deliver

    outcome = deliver(delivery_id=delivery_id)
    # The row counts the attempts and gives up at WEBHOOK_MAX_ATTEMPTS (retry_in None). In-process (eager)
    # runs do not sleep through retries: the periodic sweep sends failed rows when their backoff has passed.
    if outcome.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="tracker.tasks.webhooks_sweep", acks_late=True)
def webhooks_sweep() -> int:
    """Every few minutes (beat): failed deliveries whose backoff has passed, and orphans, are sent again."""
    from tracker.services.webhooks import webhooks_sweep as sweep

    return len(sweep())
