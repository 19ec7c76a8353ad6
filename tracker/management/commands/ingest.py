"""`python manage.py ingest PATH...`: import files of directives (text, Word, PDF, web pages; folders are walked),
one transaction each, through the service. A file that is refused or fails is reported and the others still import;
the exit status is non-zero when any file was not imported."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError
from django.utils import timezone

from tracker.services.departments import departments_seed_if_empty
from tracker.services.directives import ImportRefused, directive_import


def _files(paths: list[str]) -> Iterator[Path]:
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        else:
            yield path


class Command(BaseCommand):
    help = "导入公文文件（文本、Word .docx、PDF、网页 .html；文件夹逐个导入），拆分为文件并提取任务、承办单位和时限"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="文件或文件夹")
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
        failed = 0
        for path in _files(options["paths"]):
            try:
                data = path.read_bytes()
            except OSError as error:
                failed += 1
                self.stderr.write(f"{path}：无法读取（{error.strerror}）")
                continue
            try:
                result = directive_import(name=path.name, data=data, as_of=timezone.localdate())
            except ImportRefused as error:
                failed += 1
                self.stderr.write(str(error))
                continue
            except DatabaseError as error:  # one file's failure must not stop the others
                failed += 1
                self.stderr.write(f"{path.name}：写入数据库失败，未导入（{error}）")
                continue
            if result.nothing_found:
                failed += 1
                self.stderr.write(result.summary())
                continue
            for message in result.messages:
                self.stdout.write(message)
            if result.unknown_departments:
                self.stdout.write("  未核实单位（请在后台合并）：" + "、".join(result.unknown_departments))
        if failed:
            raise CommandError(f"{failed} 个文件未导入")
