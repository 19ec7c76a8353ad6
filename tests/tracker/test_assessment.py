"""考评 per department and period, and the 督查通报's values, on the hand-computed set of ratings_data.py."""
from __future__ import annotations

from datetime import date

import pytest

from tests.tracker import ratings_data
from tests.tracker.ratings_data import AS_OF
from tracker.documents.inputs import LateUnit, Ratings
from tracker.periods import Period, period_parse
from tracker.selectors_documents import OVERDUE_ITEMS_LISTED, bulletin_data
from tracker.selectors_ratings import department_assessment

pytestmark = pytest.mark.django_db

NOVEMBER, Q4, DECEMBER = period_parse("2026-11"), period_parse("2026-Q4"), period_parse("2026-12")


@pytest.fixture
def data():
    return ratings_data.build()


def _lines(assessment):
    return {line.unit.unit: line.unit for line in assessment.lines}


def test_november_figures_per_unit_as_worked_out_by_hand(data):
    table = department_assessment(period=NOVEMBER, as_of=AS_OF)
    assert table.until == date(2026, 11, 30)
    lines = _lines(table)
    assert set(lines) == {"市住房和城乡建设局", "市交通运输局"}  # 市水务局 holds nothing: not listed
    u1, u2 = lines["市住房和城乡建设局"], lines["市交通运输局"]
    assert (u1.assigned, u1.completed, u1.completed_on_time, u1.extended, u1.overdue) == (4, 4, 2, 1, 0)
    assert u1.on_time_rate == pytest.approx(2 / 3) and u1.average_overdue_days is None
    assert u1.ratings == Ratings(excellent=2, good=1, adequate=0, poor=1)
    assert (u2.assigned, u2.completed, u2.completed_on_time, u2.extended, u2.overdue) == (3, 1, 1, 0, 2)
    assert u2.on_time_rate == 1.0 and u2.average_overdue_days == pytest.approx(17.5)
    assert u2.ratings == Ratings(adequate=1)


def test_november_totals_and_ranking(data):
    table = department_assessment(period=NOVEMBER, as_of=AS_OF)
    totals = table.totals
    assert (totals.tasks, totals.tasks_completed, totals.assignments, totals.completed,
            totals.completed_on_time, totals.overdue) == (6, 4, 7, 5, 3, 2)
    assert totals.on_time_rate == pytest.approx(0.75) and table.extended == 1
    assert table.ratings == Ratings(excellent=2, good=1, adequate=1, poor=1)
    # Highest 按期办结率 first.
    assert [line.unit.unit for line in table.lines] == ["市交通运输局", "市住房和城乡建设局"]


def test_the_quarter_counts_to_today_and_leaves_out_what_was_finished_before_it(data):
    table = department_assessment(period=Q4, as_of=AS_OF)
    assert table.until == AS_OF
    lines = _lines(table)
    assert (lines["市住房和城乡建设局"].assigned, lines["市住房和城乡建设局"].completed) == (4, 4)  # t6: September
    u2 = lines["市交通运输局"]
    assert (u2.assigned, u2.overdue) == (4, 2) and u2.average_overdue_days == pytest.approx(21.5)
    assert (table.totals.assignments, table.totals.tasks) == (8, 7)


def test_a_running_month_without_completions_has_no_rate(data):
    table = department_assessment(period=DECEMBER, as_of=AS_OF)
    lines = _lines(table)
    assert list(lines) == ["市交通运输局"]
    u2 = lines["市交通运输局"]
    assert (u2.assigned, u2.completed, u2.on_time_rate, u2.overdue) == (3, 0, None, 2)
    assert table.totals.on_time_rate is None


def test_the_late_unit_falls_and_the_other_does_not(data):
    """Issue 13's rule per unit, here per period: U2's late share of the co-led t5 does not touch U1's rate."""
    lines = _lines(department_assessment(period=NOVEMBER, as_of=AS_OF))
    assert lines["市交通运输局"].overdue == 2 and lines["市住房和城乡建设局"].overdue == 0


def test_bulletin_values_for_november(data):
    bulletin = bulletin_data(period=NOVEMBER, as_of=AS_OF, number="督查通报〔2026〕11期", issued_on=AS_OF)
    assert bulletin.period_label == "2026年11月" and bulletin.period_end == date(2026, 11, 30)
    assert bulletin.late_units == (LateUnit("市交通运输局", 2),)
    assert [(i.task_title, i.unit, i.due, i.days_overdue) for i in bulletin.overdue_items] == [
        ("实施国道改线工程前期工作", "市交通运输局", date(2026, 11, 10), 20),
        ("整治城区道路积水点", "市交通运输局", date(2026, 11, 15), 15),
    ]
    assert bulletin.overdue_items[0].task_ref.startswith("南政发〔2026〕3号")
    assert [unit.unit for unit in bulletin.units] == ["市交通运输局", "市住房和城乡建设局"]
    assert bulletin.units[1].ratings == Ratings(excellent=2, good=1, poor=1)
    summary = bulletin.summary_paragraph
    assert "截至2026年11月30日，全市共交办督办事项6项，落实到责任单位7件" in summary
    assert "按期办结率75%" in summary and "逾期未办结2件，涉及1个单位" in summary
    assert "另有1件经批准延期后办结，不计入按期办结率" in summary
    assert "优秀2件、良好1件、合格1件、不合格1件" in summary


def test_bulletin_settings_come_from_the_settings(data, settings):
    settings.OFFICE_NAME = "南山市人民政府督查室"
    settings.OFFICE_CONTACT_NAME, settings.OFFICE_CONTACT_PHONE = "李明", "0351-7654321"
    settings.BULLETIN_RECIPIENTS = "各县（区）人民政府"
    bulletin = bulletin_data(period=NOVEMBER, as_of=AS_OF, number="X", issued_on=AS_OF)
    assert (bulletin.office_name, bulletin.contact_name, bulletin.contact_phone, bulletin.recipients) == (
        "南山市人民政府督查室", "李明", "0351-7654321", "各县（区）人民政府")


def test_the_bulletin_lists_at_most_the_longest_overdue_parts_and_says_how_many_more(data, monkeypatch):
    from tracker import selectors_documents

    monkeypatch.setattr(selectors_documents, "OVERDUE_ITEMS_LISTED", 1)
    bulletin = bulletin_data(period=NOVEMBER, as_of=AS_OF, number="X", issued_on=AS_OF)
    assert [item.days_overdue for item in bulletin.overdue_items] == [20]
    assert "逾期事项表列出逾期时间最长的1件，另有1件详见督办台账" in bulletin.summary_paragraph
    assert OVERDUE_ITEMS_LISTED == 100


def test_periods_parse_label_and_bound():
    assert period_parse("2026-11") == Period(2026, "month", 11)
    assert (NOVEMBER.label, NOVEMBER.start, NOVEMBER.end) == ("2026年11月", date(2026, 11, 1), date(2026, 11, 30))
    assert (Q4.label, Q4.start, Q4.end, Q4.key) == ("2026年第四季度", date(2026, 10, 1), date(2026, 12, 31), "2026-Q4")
    february = period_parse("2024-02")
    assert february.end == date(2024, 2, 29) and period_parse("2026-Q1").end == date(2026, 3, 31)
    assert period_parse("2026").label == "2026年度" and period_parse("2026").end == date(2026, 12, 31)
    assert [period_parse(bad) for bad in ("2026-13", "2026-Q5", "x", "", None)] == [None] * 5
    assert NOVEMBER.until(AS_OF) == date(2026, 11, 30) and DECEMBER.until(AS_OF) == AS_OF
    assert not period_parse("2027-01").started(AS_OF)


def test_period_choices_cover_the_last_year():
    from tracker.periods import period_choices

    choices = period_choices(as_of=AS_OF)
    months = [p.key for p in choices if p.kind == "month"]
    assert months[0] == "2026-12" and months[-1] == "2026-01" and len(months) == 12
    assert [p.key for p in choices if p.kind == "quarter"] == ["2026-Q4", "2026-Q3", "2026-Q2", "2026-Q1"]
    assert [p.key for p in choices if p.kind == "year"] == ["2026", "2025"]
    january = period_choices(as_of=date(2027, 1, 5))
    assert [p.key for p in january if p.kind == "month"][:2] == ["2027-01", "2026-12"]
    assert [p.key for p in january if p.kind == "quarter"][:2] == ["2027-Q1", "2026-Q4"]
