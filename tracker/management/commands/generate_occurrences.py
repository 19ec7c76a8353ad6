"""`python manage.py generate_occurrences [--as-of YYYY-MM-DD] [--horizon DAYS]`: roll recurring deadlines."""
from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from tracker.services.deadlines import DEFAULT_HORIZON_DAYS, occurrences_generate


class Command(BaseCommand):
    help = "为周期性时限生成未来一段时间内的到期节点（可重复运行）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="基准日期（默认今天）")
        parser.add_argument("--horizon", type=int, default=DEFAULT_HORIZON_DAYS, help="向后生成的天数")

    def handle(self, *args: Any, **options: Any) -> None:
        run = occurrences_generate(as_of=options["as_of"] or timezone.localdate(), horizon_days=options["horizon"])
        self.stdout.write(f"检查时限 {run.deadlines} 条，新增到期节点 {run.created} 个。")
