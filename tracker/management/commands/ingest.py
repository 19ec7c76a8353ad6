"""`python manage.py ingest PATH...`: import gazette files (one transaction each) through the service."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from tracker.services.departments import departments_seed_if_empty
from tracker.services.directives import ImportRefused, directive_import


class Command(BaseCommand):
    help = "导入公报文本文件（UTF-8 / GB18030），拆分为文件并提取任务、承办单位和时限"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="公报文本文件")
        parser.add_argument(
            "--departments", default=str(Path(settings.BASE_DIR) / "fixtures" / "departments.json"),
            help="单位名录（数据库中还没有已核实单位时先导入它）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        directory = Path(options["departments"])
        if directory.exists():
            seeded = departments_seed_if_empty(entries=json.loads(directory.read_text(encoding="utf-8")))
            if seeded is not None:
                self.stdout.write(f"单位名录：新建 {seeded.created} 个单位、{seeded.aliases} 个别名（{directory.name}）")
        refused = 0
        for raw in options["paths"]:
            path = Path(raw)
            try:
                data = path.read_bytes()
            except OSError as error:
                refused += 1
                self.stderr.write(f"{path}：无法读取（{error.strerror}）")
                continue
            try:
                result = directive_import(name=path.name, data=data, as_of=timezone.localdate())
            except ImportRefused as error:
                refused += 1
                self.stderr.write(str(error))
                continue
            for message in result.messages:
                self.stdout.write(message)
            if result.unknown_departments:
                self.stdout.write("  未核实单位（请在后台合并）：" + "、".join(result.unknown_departments))
        if refused:
            raise CommandError(f"{refused} 个文件未导入")
