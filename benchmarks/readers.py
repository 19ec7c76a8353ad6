"""Readers: Word and PDF throughput (pages/s), a 100-page PDF imported end to end (target < 10 s), and extraction
through parse_source (traditional-character detection included) on the text fixtures (target >= 5 MB/s).

The Word and PDF files are renditions of the sample gazettes (tests/renditions.py: automatic numbering, merged
cells, running headers, ruled tables). The import runs on PostgreSQL when DATABASE_URL points there (a throw-away
database), else on a temporary SQLite file.
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from parsing.departments import DepartmentDirectory
from parsing.extract import parse_source
from parsing.readers import read_file
from parsing.results import SourceText

from .pg import postgres_url, throwaway_database

ROOT = Path(__file__).resolve().parent.parent
GAZETTES = sorted((ROOT / "fixtures" / "gazettes").glob("*.txt"))
TARGET_PAGES = 100


def _renditions() -> tuple[bytes, bytes, int, int]:
    """A Word file and a PDF of the gazettes' text, and their page counts (Word pages counted as the PDF's)."""
    import pypdfium2

    from tests.renditions import blocks, docx_bytes, pdf_bytes

    parts = [part for path in GAZETTES for part in blocks(path.read_text("utf-8"))]
    pdf = pdf_bytes(parts)
    pages = len(pypdfium2.PdfDocument(pdf))
    return docx_bytes(parts), pdf, pages, pages


def _best(run: object, rounds: int = 3) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        run()  # type: ignore[operator]
        best = min(best, time.perf_counter() - started)
    return best


def _hundred_page_pdf() -> tuple[bytes, int]:
    import pypdfium2

    from tests.renditions import blocks, pdf_bytes

    parts = [part for path in GAZETTES for part in blocks(path.read_text("utf-8"))]
    lo, hi = 1, len(parts)
    while lo < hi:  # the fewest parts that fill TARGET_PAGES pages
        mid = (lo + hi) // 2
        if len(pypdfium2.PdfDocument(pdf_bytes(parts[:mid]))) >= TARGET_PAGES:
            hi = mid
        else:
            lo = mid + 1
    data = pdf_bytes(parts[:lo])
    return data, len(pypdfium2.PdfDocument(data))


def _import_seconds(data: bytes) -> tuple[float, int, int]:
    import django

    django.setup()
    from django.core.management import call_command

    from tracker.models import Task
    from tracker.services.departments import departments_seed
    from tracker.services.directives import directive_import

    call_command("migrate", verbosity=0)
    departments_seed(entries=json.loads((ROOT / "fixtures" / "departments.json").read_text("utf-8")))
    started = time.perf_counter()
    result = directive_import(name="benchmark.pdf", data=data)
    return time.perf_counter() - started, len(result.directives), Task.objects.count()


def main() -> None:
    directory = DepartmentDirectory.from_entries(json.loads((ROOT / "fixtures" / "departments.json").read_text("utf-8")))
    texts = [(p.name, p.read_text("utf-8")) for p in GAZETTES]
    size = sum(len(t.encode("utf-8")) for _, t in texts)
    best = 0.0
    for _ in range(3):  # as benchmarks/extraction.py: passes for about a second, best of three
        passes, started = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - started) < 1.0 or not passes:
            for n, t in texts:
                parse_source(SourceText(t, "txt"), file=n, directory=directory)
            passes += 1
        best = max(best, passes * size / elapsed / 1e6)
    print(f"extraction through parse_source (traditional-character detection included): {best:.2f} MB/s over "
          f"{size / 1e6:.2f} MB (target >= 5 MB/s)")

    docx, pdf, docx_pages, pdf_pages = _renditions()
    word = _best(lambda: read_file(docx, name="g.docx"))
    print(f"Word: {docx_pages / word:.0f} pages/s ({docx_pages} pages, {len(docx) / 1e6:.1f} MB, read in {word:.2f} s)")
    reading = _best(lambda: read_file(pdf, name="g.pdf"))
    print(f"PDF: {pdf_pages / reading:.0f} pages/s ({pdf_pages} pages, {len(pdf) / 1e6:.1f} MB, read in "
          f"{reading:.2f} s)")

    data, pages = _hundred_page_pdf()
    url = postgres_url()
    if url is not None:
        with throwaway_database(url, "bench_readers"):
            elapsed, directives, tasks = _import_seconds(data)
        where = "PostgreSQL"
    else:
        with tempfile.TemporaryDirectory() as tmp:
            os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
            os.environ["MEDIA_ROOT"] = tmp
            os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
            elapsed, directives, tasks = _import_seconds(data)
        where = "SQLite"
    print(f"import of a {pages}-page PDF end to end ({where}): {elapsed:.2f} s, {directives} directives, "
          f"{tasks} tasks (target < 10 s)")


if __name__ == "__main__":
    main()
