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


def score(label: dict, directory: DepartmentDirectory) -> dict[str, dict[str, int] | list[str]]:
    """Counts per format tag for one directive: expected, extracted, matched, department sets exactly right.

    A labelled task matches the extracted task with the same ref, else one that starts on the same line (several
    sentence groups may start on one physical line, so the ref decides first)."""
    tasks = list(extract_tasks(_document(label), directory=directory))
    by_ref = {t.ref: t for t in tasks}
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    used: set[int] = set()
    failures: list[str] = []
    for expected in label["tasks"]:
        fmt = expected.get("format", label["format"])
        counts[fmt]["expected"] += 1
        task = by_ref.get(expected["ref"])
        if task is None or id(task) in used:
            task = next((t for t in tasks if t.line == expected["line"] and id(t) not in used), None)
        if task is None:
            failures.append(f"missed {expected['ref']} line {expected['line']}")
            continue
        used.add(id(task))
        counts[fmt]["matched"] += 1
        counts[fmt]["extracted"] += 1
        lead = {m.name for m in task.lead_units}
        support = {m.name for m in task.support_units}
        if lead == set(expected["lead"]) and support == set(expected["support"]):
            counts[fmt]["exact"] += 1
        else:
            failures.append(
                f"units {expected['ref']} line {expected['line']}: lead -{sorted(set(expected['lead']) - lead)} "
                f"+{sorted(lead - set(expected['lead']))} support -{sorted(set(expected['support']) - support)} "
                f"+{sorted(support - set(expected['support']))}"
            )
    for t in tasks:
        if id(t) not in used:
            counts["extra"]["extracted"] += 1
            failures.append(f"extra {t.ref} line {t.line}")
    return {"counts": counts, "failures": failures}


def test_labels_cover_the_gazettes() -> None:
    labels = [json.loads(p.read_text("utf-8")) for p in LABELS]
    assert len(labels) >= 8
    assert {label["file"][:3] for label in labels} == {"000", "001", "002", "003", "004"}
    formats = {t.get("format", label["format"]) for label in labels for t in label["tasks"]}
    assert {"trailing_clause", "sentence_brackets", "unit_lines", "table", "prose", "no_unit"} <= formats
    assert all(label["tasks"] for label in labels)


def measure(directory: DepartmentDirectory, *, verbose: bool = False) -> dict[str, dict[str, int]]:
    """Totals per format tag (and "ALL"); extra tasks count against precision of ALL only."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for path in LABELS:
        label = json.loads(path.read_text("utf-8"))
        result = score(label, directory)
        for fmt, counts in result["counts"].items():  # type: ignore[union-attr]
            for key, value in counts.items():
                totals[fmt][key] += value
                totals["ALL"][key] += value
        if verbose:
            for failure in result["failures"]:  # type: ignore[union-attr]
                print(f"  {path.stem}: {failure}")
    return totals


def test_extraction_accuracy(directory: DepartmentDirectory) -> None:
    totals = measure(directory, verbose=True)
    for fmt, t in sorted(totals.items()):
        if fmt == "extra":
            print(f"{'extra':18} {t['extracted']:4} extracted tasks that match no label")
            continue
        recall = t["matched"] / t["expected"]
        precision = t["matched"] / max(t["extracted"], 1)
        units = t["exact"] / max(t["matched"], 1)
        print(f"{fmt:18} tasks {t['expected']:4}  recall {recall:6.1%}  precision {precision:6.1%}  units {units:6.1%}")
    overall = totals["ALL"]
    assert overall["matched"] / overall["expected"] >= 0.97
    assert overall["matched"] / overall["extracted"] >= 0.95
    assert overall["exact"] / overall["matched"] >= 0.95
    for fmt, t in totals.items():
        if fmt in ("ALL", "extra"):
            continue
        assert t["matched"] / t["expected"] >= 0.97, fmt
        assert t["exact"] / t["matched"] >= 0.95, fmt
