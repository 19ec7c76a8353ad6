"""/api/docs/ in a real browser: Swagger UI renders the API's operations from the installed package, with no
Content-Security-Policy violation in the console (its scripts and styles come from this site only)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


def test_swagger_ui_renders_the_operations_without_csp_violations(chromium: Any, live_server: Any,
                                                                  artifacts: Path) -> None:
    problems: list[str] = []
    requests: list[str] = []
    context = chromium.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" or "Content Security Policy" in m.text
            else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".opblock-summary", timeout=20000)
    assert page.locator(".opblock-summary").count() >= 25
    assert "督查督办 API" in page.locator(".title").first.inner_text()
    assert page.get_by_text("取得令牌").count() >= 1
    page.screenshot(path=str(artifacts / "api_docs.png"), full_page=False)
    assert problems == []
    assert all(url.startswith(live_server.url) or url.startswith("data:") for url in requests), requests
    context.close()
