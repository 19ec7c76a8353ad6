"""Task extraction measured against hand-labelled directives (fixtures/expected/tasks/*.json).

Run `pytest -p no:django tests/parsing/test_extraction_accuracy.py -s` to see the per-format figures.
"""
from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from parsing.departments import DepartmentDirectory
from parsing.normalize import source_lines
from parsing.outline import extract_tasks
from parsing.results import ParsedDocument

ROOT = Path(__file__).resolve().parents[2]
LABELS = sorted((ROOT / "fixtures" / "expected" / "tasks").glob("*.json"))


@pytest.fixture(scope="module")
def directory() -> DepartmentDirectory:
    return DepartmentDirectory.from_entries(json.loads((ROOT / "fixtures" / "departments.json").read_text("utf-8")))


def _document(label: dict) -> ParsedDocument:
    text = (ROOT / "fixtures" / "gazettes" / f"{label['file']}.txt").read_text("utf-8")
    lines = tuple(line for line in source_lines(text) if label["line_start"] <= line.number <= label["line_end"])
    return ParsedDocument(
        file=label["file"], doc_number=label["doc_number"], title="", issuer="", issued_on=None,
        recipients=tuple(label["recipients"]), kind="", task_bearing=True,
        line_start=label["line_start"], line_end=label["line_end"], lines=lines,
    )


def score(label: dict, directory: DepartmentDirectory) -> dict[str, int | list[str]]:
    """Counts for one directive: expected, extracted, matched (on first line), department sets exactly right."""
    tasks = extract_tasks(_document(label), directory=directory)
    by_line = {t.line: t for t in tasks}
    matched = exact = 0
    failures: list[str] = []
    for expected in label["tasks"]:
        task = by_line.get(expected["line"])
        if task is None:
            failures.append(f"missed {expected['ref']} line {expected['line']}")
            continue
        matched += 1
        lead = {m.name for m in task.lead_units}
        support = {m.name for m in task.support_units}
        if lead == set(expected["lead"]) and support == set(expected["support"]):
            exact += 1
        else:
            failures.append(
                f"units {expected['ref']} line {expected['line']}: lead -{sorted(set(expected['lead']) - lead)} "
                f"+{sorted(lead - set(expected['lead']))} support -{sorted(set(expected['support']) - support)} "
                f"+{sorted(support - set(expected['support']))}"
            )
    labelled_lines = {e["line"] for e in label["tasks"]}
    failures.extend(f"extra {t.ref} line {t.line}" for t in tasks if t.line not in labelled_lines)
    return {"expected": len(label["tasks"]), "extracted": len(by_line), "matched": matched, "exact": exact,
            "failures": failures}


def test_labels_cover_the_gazettes() -> None:
    labels = [json.loads(p.read_text("utf-8")) for p in LABELS]
    assert len(labels) >= 3
    assert all(label["tasks"] for label in labels)


def test_extraction_accuracy(directory: DepartmentDirectory) -> None:
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for path in LABELS:
        label = json.loads(path.read_text("utf-8"))
        result = score(label, directory)
        for key in ("expected", "extracted", "matched", "exact"):
            totals[label["format"]][key] += int(result[key])  # type: ignore[arg-type]
            totals["ALL"][key] += int(result[key])  # type: ignore[arg-type]
        for failure in result["failures"]:  # type: ignore[union-attr]
            print(f"  {path.stem}: {failure}")
    for fmt, t in sorted(totals.items()):
        recall = t["matched"] / t["expected"]
        precision = t["matched"] / max(t["extracted"], 1)
        units = t["exact"] / max(t["matched"], 1)
        print(f"{fmt:16} tasks {t['expected']:4}  recall {recall:6.1%}  precision {precision:6.1%}  units {units:6.1%}")
    overall = totals["ALL"]
    assert overall["matched"] / overall["expected"] >= 0.97
    assert overall["matched"] / overall["extracted"] >= 0.95
    assert overall["exact"] / overall["matched"] >= 0.95
