"""Every download is an attachment with an RFC 5987 UTF-8 file name and the content type of its format
(uploads: application/octet-stream, never rendered in our origin). Downloads are found by route name
(export, download, attachment, print, original, document, file) and by any non-HTML response a page
links to, so printables and original files added later are checked by themselves."""
from __future__ import annotations

import mimetypes
import re
from urllib.parse import unquote

import pytest

from tests.security.conftest import logged_in
from tests.security.walk import admin_pages, body, fill, id_pool, portal_pages, routes, slugs_of

pytestmark = pytest.mark.django_db

DOWNLOAD_ROUTE = re.compile(r"export|download|attachment|print|original|document|file", re.I)
# Django writes filename*=UTF-8''… for a non-ASCII name and a quoted filename="…" for an ASCII one.
DISPOSITION = re.compile(r"^attachment; (?:filename\*=utf-8''(?P<name>[^;\s]+)|filename=\"(?P<ascii>[\x20-\x7e]+)\")$", re.I)
TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".csv": "text/csv",
    ".pdf": "application/pdf",
}


def _view_name(route) -> str:
    """The route's own name: for a ModelAdmin's page, without its "<app>_<model>_" prefix."""
    name = route.name.split(":")[-1]
    if route.admin_model is not None:
        name = name.removeprefix(f"{route.admin_model._meta.app_label}_{route.admin_model._meta.model_name}_")
    return name


def _check(url: str, response) -> str:
    disposition = response.get("Content-Disposition", "")
    match = DISPOSITION.match(disposition)
    assert match, f"{url}: Content-Disposition {disposition!r}"
    name = unquote(match.group("name")) if match.group("name") else match.group("ascii")
    assert name.isascii() or match.group("name"), f"{url}: a non-ASCII name must be sent as filename*"
    content_type = response["Content-Type"].split(";")[0].strip()
    suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    expected = TYPES.get(suffix) or mimetypes.guess_type(name)[0]
    assert content_type in {expected, "application/octet-stream"}, f"{url}: {content_type} for {name}"
    assert content_type != "text/html" and response["X-Content-Type-Options"] == "nosniff"
    assert body(response), f"{url}: empty download"
    return name


def test_every_download_is_an_attachment_with_a_utf8_name_and_its_content_type(world):
    pages = portal_pages(world.office, world.user_b)
    slugs = slugs_of([*pages, *admin_pages(world.office, ids=id_pool(world))])
    checked: dict[str, list[str]] = {}
    download_routes = [r for r in routes() if DOWNLOAD_ROUTE.search(_view_name(r))]
    assert download_routes
    office, owner = logged_in(world.office), logged_in(world.user_b)
    for route in download_routes:
        for url in fill(route, ids=id_pool(world), slugs=slugs):
            for client in (office, owner):
                response = client.get(url)
                if response.status_code == 200:
                    checked.setdefault(route.name, []).append(_check(url, response))
    for path, response in pages:  # anything else a page links to that is not a page
        if response.status_code == 200 and "text/html" not in response.get("Content-Type", ""):
            checked.setdefault(path, []).append(_check(path, response))
    missing = [r.name for r in download_routes if r.name not in checked]
    assert not missing, f"no download checked for {missing}: make the world in tests/security/world.py reach them"
    names = [name for found in checked.values() for name in found]
    assert any(n.endswith(".xlsx") for n in names) and any(n.endswith(".csv") for n in names)
    assert "卫健委进展.pdf" in names


def test_an_uploaded_html_file_is_served_as_a_download(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tracker.models import Attachment

    report = world.tasks_b[0].progress_reports.get()
    attachment = Attachment.objects.create(report=report, original_name="页面.html", size=30,
                                           content_type="text/html", uploaded_by=world.user_b,
                                           file=SimpleUploadedFile("x.html", b"<script>alert(1)</script>"))
    response = logged_in(world.user_b).get(f"/portal/attachments/{attachment.pk}/")
    assert response["Content-Type"] == "application/octet-stream"
    assert _check("/portal/attachments/", response) == "页面.html"
