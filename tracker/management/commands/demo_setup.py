"""`python manage.py demo_setup`: demo accounts for every role (and demo tasks in every state); idempotent."""
from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from tracker.services.demo import demo_workflow_seed
from tracker.services.demo_events import demo_events_seed
from tracker.services.demo_review import demo_review_seed


class Command(BaseCommand):
    help = "创建或更新演示账号（督查室、领导、承办单位），并把部分任务推进到各个办理状态；可重复运行"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--departments", type=int, default=2, help="为几个承办单位各建一个账号（默认 2）")

    def handle(self, *args: Any, **options: Any) -> None:
        accounts = demo_workflow_seed(as_of=timezone.localdate(), departments=options["departments"])
        for line in demo_review_seed(as_of=timezone.localdate()):  # the review screen's and 立项's content
            self.stdout.write(line)
        for line in demo_events_seed(as_of=timezone.localdate()):  # every kind of event, through the services
            self.stdout.write(line)
        self.stdout.write("演示账号（登录 http://127.0.0.1:8000/admin/ 或 /portal/）：")
        for account in accounts:
            where = f"  {account.departments}" if account.departments else ""
            self.stdout.write(f"  用户名 {account.username:<10} 密码 {account.password:<12} {account.role}{where}")
