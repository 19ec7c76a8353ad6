"""The page scanner (issue 14.7): every user-facing page, as each role sees it, reads as Chinese for people.

The pages come from the URL conf (tests/security/walk.py): every portal route, filled with the ids of the world's
real objects and with the slugs its pages link to, plus every page reachable by links from /portal/ (query strings
kept: the filters and page links), and the admin's history pages. A route added later is scanned by itself.
Each HTML page's visible text (and its title attributes) must hold no raw choice or flag code, no English field
name or word, no "None", no ISO or UTC timestamp and no JSON."""
from __future__ import annotations

import re
from typing import Any

import lxml.html
import pytest
from django.apps import apps
from django.test import Client

from tests.security.walk import fill, id_pool, links, local_path, observed_slugs, page_forms, routes
from tracker.flags import FLAG_LABELS

pytestmark = pytest.mark.django_db

# Routes that are not pages for people: the API (English by design, for machines), the logins and SSO callbacks.
NOT_SCANNED = re.compile(r"^(api/|oidc/|cas/|portal/login/|portal/logout/)")
# ASCII words a Chinese page may carry: file types and product names.
ALLOWED_WORDS = {"pdf", "docx", "xlsx", "doc", "xls", "txt", "wps", "word", "excel", "ofd", "html", "htm", "csv",
                 "api", "kb", "mb", "gb", "ip", "oa", "id", "ocr"}
ISO_TIME = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d|\d\d:\d\d:\d\d\.\d+|[+-]00:00|\bUTC\b|\bGMT\b")
JSON = re.compile(r"[{\[]\s*\"|\"\s*:\s*[\"{\[\d]")


def _codes() -> set[str]:
    """Every stored choice code of the tracker's models and every review-flag code."""
    codes = set(FLAG_LABELS)
    for model in apps.get_app_config("tracker").get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]+", value):
                    codes.add(value)
    return codes


def _field_names() -> set[str]:
    return {f.name for m in apps.get_app_config("tracker").get_models() for f in m._meta.get_fields()
            if "_" in f.name}


def visible_text(html: str) -> str:
    doc = lxml.html.fromstring(html)
    for hidden in doc.xpath("//script|//style|//noscript|//template"):
        hidden.drop_tree()
    titles = " ".join(doc.xpath("//@title|//@placeholder|//@aria-label"))
    return f"{doc.text_content()} {titles}"


def problems(text: str, *, codes: set[str], fields: set[str]) -> list[str]:
    found = []
    words = set(re.findall(r"[A-Za-z][A-Za-z_]+", text))
    found += [f"code {w}" for w in words if w in codes and w.lower() not in ALLOWED_WORDS]
    found += [f"field name {w}" for w in words if w in fields]
    found += [f"English {w}" for w in words if w.lower() not in ALLOWED_WORDS and w not in codes | fields]
    found += [f"timestamp {m}" for m in ISO_TIME.findall(text)]
    found += [f"JSON {m}" for m in JSON.findall(text)]
    return found


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _html(response: Any) -> str:
    if response.status_code != 200 or getattr(response, "streaming", False):
        return ""
    if "text/html" not in response.get("Content-Type", ""):
        return ""
    return response.content.decode()


def scanned_pages(client: Client, *, ids: list[int]) -> dict[str, str]:
    """path → HTML of every page the user gets: links followed from /portal/ (query strings kept), then every
    portal route filled with real ids and the slugs seen."""
    pages: dict[str, str] = {}
    queue = ["/portal/"]
    while queue and len(pages) < 400:
        path = queue.pop(0)
        if path in pages:
            continue
        html = _html(client.get(path))
        pages[path] = html
        for link in links(html, f"http://testserver{path}") if html else []:
            target = local_path(link)
            if target and target.startswith("/portal/") and not NOT_SCANNED.match(target.lstrip("/")) \
                    and target not in pages:
                queue.append(target)
    paths = list(pages)
    for path, html in list(pages.items()):
        paths += [local_path(f.action) or "" for f in page_forms(html, f"http://testserver{path}")]
    slugs = observed_slugs(paths)
    for route in routes():
        if route.is_admin or NOT_SCANNED.match(route.pattern):
            continue
        for url in fill(route, ids=ids, slugs=slugs):
            if url not in pages:
                pages[url] = _html(client.get(url))
    return {path: html for path, html in pages.items() if html}


def _name_people(world: Any) -> None:
    # People have names in a real directory; the header shows them (a login name is the user's own choice). The
    # factories' source files are named in English ("gazette.txt"); a received file keeps its own name.
    from tracker.models import SourceFile

    for source in SourceFile.objects.all():
        source.name = f"来文{source.pk}.txt"
        source.save(update_fields=["name"])
    # An audit trail on a task page: the office corrects a date (who, when, the rule → person change).
    from datetime import date

    from tracker.services.deadlines import deadline_correct

    deadline = world.tasks_b[0].deadlines.filter(recurrence="").order_by("pk").first()
    deadline_correct(deadline=deadline, due_on=date(2030, 7, 31), user=world.office)
    for user, (last, first) in ((world.office, ("督查室", "张")), (world.manager, ("市领导", "李")),
                                (world.user_a, ("教育局", "王")), (world.user_b, ("卫健委", "赵"))):
        user.last_name, user.first_name = last, first
        user.save(update_fields=["last_name", "first_name"])


@pytest.mark.parametrize("text", [
    "状态：pending_review", "时限无法解析 deadline_unresolved", "current_due：2026-12-01", "修改人：None",
    "2026-12-04 21:03:37.395392+00:00", "2026-12-04T21:03:37Z", '{"corrected_by": 1}', '["no_unit"]',
    "Deleted 用户 (pk=None)", "Unknown",
])
def test_the_scanner_finds_what_people_must_not_read(text):
    assert problems(text, codes=_codes(), fields=_field_names())


def test_the_scanner_passes_chinese_with_dates_and_file_types():
    assert not problems("2026-12-05 05:03 督查 王：办理时限：2026-06-30 → 2026-07-31（附件 进展.pdf，12 KB）",
                        codes=_codes(), fields=_field_names())


@pytest.mark.parametrize("role", ["office", "department", "manager"])
def test_every_portal_page_reads_as_chinese_for_people(world, role):
    _name_people(world)
    user = {"office": world.office, "department": world.user_b, "manager": world.manager}[role]
    pages = scanned_pages(_client(user), ids=id_pool(world))
    # The scan reached the pages that matter: the list, tasks, a directive (and the office's review screens).
    assert any(p.startswith("/portal/tasks/") for p in pages) and "/portal/" in pages
    assert any(p.startswith("/portal/directives/") for p in pages)
    trail = pages.get(f"/portal/tasks/{world.tasks_b[0].pk}/", "")
    if role != "department" or trail:
        assert "数据修改记录" in trail and "人工核定" in trail  # the corrected date's trail was scanned
    if role == "office":
        assert any(p.startswith("/portal/review/directives/") for p in pages)
    codes, fields = _codes(), _field_names()
    found = {path: problems(visible_text(html), codes=codes, fields=fields) for path, html in pages.items()}
    bad = {path: p for path, p in found.items() if p}
    assert not bad, "\n".join(f"{path}: {p}" for path, p in bad.items())


def test_the_admin_history_pages_read_as_chinese(world):
    _name_people(world)
    client = _client(world.office)
    codes, fields = _codes(), _field_names()
    scanned = 0
    for route in routes():
        if not route.is_admin or not route.name.endswith(("_history", "_simple_history")):
            continue
        for url in fill(route, ids=[], slugs={}):
            html = _html(client.get(url))
            if not html:
                continue
            doc = lxml.html.fromstring(html)
            content = doc.xpath('//*[@id="change-history"]|//*[@id="content-main"]')
            text = " ".join(visible_text(lxml.html.tostring(c, encoding="unicode")) for c in content)
            found = [p for p in problems(text, codes=codes, fields=fields)
                     if not p.startswith("English")]  # the admin's own chrome is Django's; the values are ours
            assert not found, (url, found)
            scanned += 1
    assert scanned >= 4
