from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from tracker.models import Department, DepartmentAlias, Directive, SourceFile, Task

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
GAZETTE = ROOT / "fixtures" / "gazettes" / "002_f565d2edb3d7f3ff.txt"


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=out)
    return out.getvalue()


def test_seed_departments_is_idempotent():
    first = run("seed_departments")
    counts = (Department.objects.count(), DepartmentAlias.objects.count())
    assert "新建" in first and counts[0] > 100
    # Hand-read from the directory: 市发改委 is an alias of 市发展和改革委员会.
    assert DepartmentAlias.objects.get(alias="市发改委").department.name == "市发展和改革委员会"
    run("seed_departments")
    assert (Department.objects.count(), DepartmentAlias.objects.count()) == counts


def test_ingest_seeds_the_directory_imports_and_reimport_says_so():
    out = run("ingest", str(GAZETTE))
    assert "单位名录" in out and "导入文件" in out
    # Hand-read: 002 holds 阳政发〔2021〕3号, an 实施方案 of 阳泉市人民政府 signed 2021-01-14.
    directive = Directive.objects.get(doc_number="阳政发〔2021〕3号")
    assert directive.issuer == "阳泉市人民政府" and str(directive.issued_on) == "2021-01-14"
    tasks = Task.objects.count()
    again = run("ingest", str(GAZETTE))
    assert "已导入过" in again and Task.objects.count() == tasks and SourceFile.objects.count() == 1


def test_ingest_refuses_a_binary_file_and_fails(tmp_path):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4\x00\x01\x02")
    with pytest.raises(CommandError):
        run("ingest", str(bad))
    assert not SourceFile.objects.exists()


def test_demo_setup_creates_one_account_per_role_and_is_idempotent():
    run("ingest", str(GAZETTE))
    out = run("demo_setup")
    users = get_user_model().objects
    office = users.get(username="duban")
    assert office.is_staff and office.groups.filter(name="督查室").exists()
    assert users.get(username="lingdao").groups.filter(name="领导").exists()
    staff = users.filter(groups__name="承办单位")
    assert staff.count() == 2 and not staff.filter(is_staff=True).exists()
    assert all(u.department_memberships.filter(department__verified=True).exists() for u in staff)
    assert "duban" in out and "demo-12345" in out
    count = users.count()
    run("demo_setup")
    assert users.count() == count


def test_generate_occurrences_command_and_celery_task_roll_recurring_deadlines():
    from datetime import date

    from tests.factories import DeadlineFactory, DepartmentFactory
    from tests.tracker.workflow import unit_add
    from tracker.tasks import occurrences_generate

    deadline = DeadlineFactory(text="每季度末", due_on=date(2023, 3, 31), recurrence="quarterly", rule="Q:3:end",
                               task__status="in_progress")
    unit_add(deadline.task, DepartmentFactory())
    deadline.occurrences.all().delete()  # assigned before the quarter rolled over
    out = run("generate_occurrences", "--as-of", "2023-05-01", "--horizon", "100")
    assert "新增到期节点 1 个" in out
    assert list(deadline.occurrences.values_list("due_on", flat=True)) == [date(2023, 6, 30)]
    assert occurrences_generate(as_of="2023-08-01") == {"deadlines": 1, "created": 1}
    assert deadline.occurrences.filter(due_on=date(2023, 9, 30)).exists()
