"""`manage.py send_reminders [--dry-run] [--date YYYY-MM-DD]`: the daily scan, synchronously (no Redis needed)."""
from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = "记录并发送当日督办提醒（与 Celery beat 的每日扫描相同）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only show what would be sent")
        parser.add_argument("--date", help="scan as of this day (YYYY-MM-DD); default today")

    def handle(self, *args: object, **options: object) -> None:
        from tracker.services.reminders import reminder_send, reminders_scan

        try:
            as_of = date.fromisoformat(str(options["date"])) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: {exc}") from exc
        dry_run = bool(options["dry_run"])
        result = reminders_scan(as_of=as_of, dry_run=dry_run)
        if result.deferred:
            self.stdout.write(f"{as_of}: deferred ({result.deferred}); nothing recorded or sent")
            return
        counts = ", ".join(f"{k}={v}" for k, v in sorted(result.created.items())) or "none"
        self.stdout.write(f"{as_of}: {len(result.reminder_ids)} new reminders ({counts}); "
                          f"{len(result.swept_ids)} earlier ones to retry")
        if dry_run:
            for recipient, channel, subject in result.digests:
                self.stdout.write(f"  [{channel}] {recipient}: {subject}")
            self.stdout.write("dry run: nothing recorded, nothing sent")
            return
        # With an eager Celery (no broker) the sends already ran on commit; this catches leftovers.
        sent = reminder_send(reminder_ids=result.reminder_ids + result.swept_ids)
        self.stdout.write(f"sent {len(sent.sent_ids)} more, {len(sent.failed_ids)} failed")
