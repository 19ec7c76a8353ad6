"""`python manage.py seed_departments [PATH]`: load the department directory (idempotent)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.services.departments import departments_seed


class Command(BaseCommand):
    help = "导入或更新单位名录（默认 fixtures/departments.json），可重复运行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", nargs="?", default=str(Path(settings.BASE_DIR) / "fixtures" / "departments.json"))

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{path}：无法读取单位名录（{error}）") from error
        result = departments_seed(entries=entries)
        self.stdout.write(f"单位名录：新建 {result.created} 个、更新 {result.updated} 个单位，新增 {result.aliases} 个别名。")
