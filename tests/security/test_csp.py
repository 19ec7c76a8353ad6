"""A Content-Security-Policy on every response, and no page that needs it relaxed: no inline script, no
<style> element, no style or on* attribute, no javascript: link, in any page of the admin or the portal
(django-csp; the browser test tests/browser/test_csp_browser.py checks the console)."""
from __future__ import annotations

import lxml.html
import pytest
from django.test import Client

from tests.security.walk import admin_pages, body, html_of, id_pool, portal_pages

pytestmark = pytest.mark.django_db

DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}  # data blocks: never executed


def inline_code(html: str) -> list[str]:
    """What a strict CSP (no 'unsafe-inline') would block in this page."""
    doc = lxml.html.fromstring(html)
    found = []
    for script in doc.iter("script"):
        if not script.get("src") and (script.get("type") or "").lower() not in DATA_SCRIPT_TYPES \
                and (script.text or "").strip():
            found.append(f"<script>{(script.text or '').strip()[:60]}")
    found += [f"<style>{(s.text or '')[:60]}" for s in doc.iter("style")]
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name == "style" or name.lower().startswith("on"):
                found.append(f"<{element.tag} {name}={value[:60]!r}>")
            elif name in ("href", "action", "src") and value.strip().lower().startswith("javascript:"):
                found.append(f"<{element.tag} {name}={value[:60]!r}>")
    return found


def test_every_page_has_a_strict_policy_and_nothing_inline(world):
    pages = [*admin_pages(world.office, ids=id_pool(world)), *admin_pages(world.manager, ids=id_pool(world)),
             *portal_pages(world.office, world.user_a, world.user_b)]
    pages += [(url, Client().get(url)) for url in ("/portal/login/", "/admin/login/")]
    html_pages = 0
    for url, response in pages:
        policy = response.get("Content-Security-Policy", "")
        assert "default-src 'self'" in policy and "script-src 'self'" in policy, url
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url
        assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy, url
        html = html_of(response)
        if response.status_code == 200 and html:
            assert inline_code(html) == [], url
            html_pages += 1
        body(response)  # close streamed downloads
    assert html_pages > 60


def test_the_checker_finds_inline_code():
    page = ('<html><body><script>alert(1)</script><script type="application/json">{}</script>'
            '<p style="color:red" onclick="x()">a</p><a href="javascript:void(0)">b</a><style>p{}</style></body></html>')
    assert len(inline_code(page)) == 5
