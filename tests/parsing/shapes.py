"""What the general-shapes tests share: one synthetic text parsed with an empty directory, and a task's units."""
from __future__ import annotations

from parsing.departments import DepartmentDirectory
from parsing.extract import parse_gazette
from parsing.results import ExtractedTask, ParsedDocument


def one_document(text: str) -> ParsedDocument:
    """The single directive a synthetic text holds (no office directory: units are known by their shape)."""
    documents = parse_gazette(text, file="t.txt", directory=DepartmentDirectory())
    assert len(documents) == 1
    return documents[0]


def unit_names(task: ExtractedTask) -> tuple[list[str], list[str]]:
    """(lead, support) as written."""
    return [u.as_written for u in task.lead_units], [u.as_written for u in task.support_units]
