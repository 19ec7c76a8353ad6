"""The pipeline keeps one deadline per schedule while the grammar itself stays faithful to the text."""
from datetime import date

from parsing.deadlines import extract_deadlines
from parsing.extract import distinct_schedules

TEXT = "市县安委会每月至少召开一次会议。市县党政领导干部每月至少深入基层或企业一次。4月底前制定清单。"


def test_grammar_reports_every_phrase_but_pipeline_keeps_one_per_schedule():
    specs = extract_deadlines(TEXT, issued_on=date(2023, 3, 15))
    assert [s.text for s in specs].count("每月") == 2
    kept = distinct_schedules(specs)
    assert [(s.text, s.recurrence) for s in kept] == [("每月", "monthly"), ("4月底前", None)]
    assert kept[1].due == date(2023, 4, 30)
