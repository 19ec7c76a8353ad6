"""Celery tasks: primitives in, one service call, the retry policy; nothing else."""
from __future__ import annotations

from datetime import date

from celery import shared_task
from django.utils import timezone


class ReminderDeliveryFailed(Exception):
    """Some digests failed; raised so that Celery retries the batch with backoff."""


@shared_task(name="tracker.tasks.reminders_scan", acks_late=True)
def reminders_scan(as_of: str | None = None) -> dict[str, object]:
    """Daily scan (beat): record today's notices and enqueue their sending."""
    from tracker.services.reminders import reminders_scan as scan

    result = scan(as_of=date.fromisoformat(as_of) if as_of else timezone.localdate())
    return {"as_of": result.as_of.isoformat(), "deferred": result.deferred, "created": result.created,
            "swept": len(result.swept_ids)}


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
