"""factory_boy factories with valid defaults; each test sets the fields it asserts on."""
from __future__ import annotations

import hashlib
from datetime import date

import factory
from django.contrib.auth import get_user_model

from tracker.models import Assignment, Deadline, Department, Directive, SourceFile, Task
from tracker.services.deadlines import task_due_refresh


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.gov.cn")
    password = factory.django.Password("pw-test-123")


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"测试局{n:03d}")
    kind = Department.Kind.CITY_DEPARTMENT


class SourceFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourceFile

    name = factory.Sequence(lambda n: f"gazette{n}.txt")
    text = "关于加快推进重点工作的通知\n一、加快推进重点项目建设。\n"
    sha256 = factory.Sequence(lambda n: hashlib.sha256(f"source-{n}".encode()).hexdigest())
    size = factory.LazyAttribute(lambda s: len(s.text.encode()))
    encoding = "utf-8"


class DirectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Directive

    source = factory.SubFactory(SourceFileFactory)
    doc_number = factory.Sequence(lambda n: f"阳政办发〔2023〕{n + 1}号")
    title = "关于加快推进重点工作的通知"
    issuer = "阳泉市人民政府办公室"
    issued_on = date(2023, 3, 15)
    recipients = factory.LazyFunction(lambda: ["各县区人民政府", "市直各有关单位"])
    kind = "通知"
    task_bearing = True
    line_start = 1
    line_end = 2


class TaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Task

    directive = factory.SubFactory(DirectiveFactory)
    ref = factory.Sequence(lambda n: f"{n + 1}.")
    text = "加快推进重点项目建设，确保按期完成年度目标任务。"
    title = factory.LazyAttribute(lambda t: t.text[:40])
    line_start = 2
    line_end = 2


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    task = factory.SubFactory(TaskFactory)
    department = factory.SubFactory(DepartmentFactory)
    role = Assignment.Role.LEAD
    as_written = factory.LazyAttribute(lambda a: a.department.name)


class DeadlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deadline
        skip_postgeneration_save = True

    task = factory.SubFactory(TaskFactory)
    text = "2023年12月31日前"
    kind = "date"
    due_on = date(2023, 12, 31)
    parsed_due_on = factory.LazyAttribute(lambda d: d.due_on)

    @factory.post_generation
    def refresh_due(obj: Deadline, create: bool, extracted: object, **kwargs: object) -> None:
        # Task.current_due is derived: the services refresh it after every deadline write, so must we.
        if create:
            task_due_refresh(task_ids=[obj.task_id])
