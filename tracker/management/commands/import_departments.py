"""`python manage.py import_departments FILE`: import the office's own department directory (CSV or .xlsx)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tracker.services.departments import DepartmentImportError, departments_import


class Command(BaseCommand):
    help = "从 CSV 或 Excel（.xlsx）导入本单位的单位目录（单位名称、别名、类别、上级单位、联系邮箱等），可重复导入"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="单位目录文件（.csv 或 .xlsx）")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}：无法读取（{error.strerror}）") from error
        try:
            result = departments_import(name=path.name, data=data)
        except DepartmentImportError as error:
            raise CommandError("单位目录未导入，请改正后重试：\n" + "\n".join(error.errors)) from error
        self.stdout.write(result.message(name=path.name))
