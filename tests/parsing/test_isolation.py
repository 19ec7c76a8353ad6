"""`parsing` runs without Django: the CLI is run in a fresh interpreter (pytest-django has already imported Django
in this one), and that interpreter must never import django."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GAZETTES = sorted(str(p) for p in (ROOT / "fixtures" / "gazettes").glob("*.txt"))

NO_DJANGO = "assert not [m for m in sys.modules if m == 'django' or m.startswith('django.')], 'django imported'"
DOCUMENT_KEYS = {"file", "doc_number", "title", "issuer", "issued_on", "recipients", "kind", "task_bearing",
                 "line_start", "line_end", "tasks", "format"}


def _run(code: str) -> subprocess.CompletedProcess[str]:
    # A bare environment: no DJANGO_SETTINGS_MODULE or PYTHONPATH leaks in from the test run.
    prelude = f"import sys; sys.path[:0] = {[str(ROOT)]!r}\n"
    return subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True, cwd=ROOT,
                          timeout=300, env={"PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin"})


def test_extract_cli_never_imports_django():
    code = (
        "import runpy, sys\n"
        f"sys.argv = ['parsing', 'extract', *{GAZETTES!r}, '--json']\n"
        "try:\n"
        "    runpy.run_module('parsing', run_name='__main__', alter_sys=True)\n"
        "except SystemExit as exc:\n"
        "    assert not exc.code, exc.code\n"
        f"{NO_DJANGO}\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr[-3000:]
    payload = json.loads(result.stdout)
    documents = payload["documents"]
    assert len(documents) == 94
    assert all(set(doc) == DOCUMENT_KEYS for doc in documents)
    assert documents[0]["doc_number"] == "阳政发〔2023〕1号" and documents[0]["issued_on"] == "2023-03-15"


def test_segmentation_never_imports_django():
    code = (
        "from pathlib import Path\n"
        "from parsing.segment import split_documents\n"
        f"n = sum(len(split_documents(Path(p).read_text(encoding='utf-8'), file=p)) for p in {GAZETTES!r})\n"
        "assert n == 94, n\n"
        f"{NO_DJANGO}\n"
    )
    result = _run(code)
    assert result.returncode == 0, result.stderr[-3000:]
