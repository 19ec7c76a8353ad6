"""The OpenAPI document: generated without a warning, served at /api/schema/ exactly as committed in
docs/openapi.yaml (`make openapi` regenerates it), and browsable at /api/docs/ from the installed Swagger UI
(no CDN) under the strict CSP."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.test import Client

from tests.security.test_csp import inline_code

pytestmark = pytest.mark.django_db
COMMITTED = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"


def test_the_schema_generates_without_warnings_and_matches_the_committed_file(tmp_path):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(generated))
    assert generated.read_text() == COMMITTED.read_text(), "the API changed: run `make openapi` and commit it"


def test_the_served_schema_is_the_committed_one():
    response = Client().get("/api/schema/")
    assert response.status_code == 200
    assert yaml.safe_load(response.content) == yaml.safe_load(COMMITTED.read_text())


def test_the_schema_documents_every_endpoint_in_chinese():
    schema = yaml.safe_load(COMMITTED.read_text())
    paths = schema["paths"]
    for path in ("/api/v1/auth/token/", "/api/v1/me/", "/api/v1/tasks/", "/api/v1/tasks/{id}/assign/",
                 "/api/v1/tasks/{id}/urge/", "/api/v1/assignments/{id}/sign/", "/api/v1/assignments/{id}/return/",
                 "/api/v1/assignments/{id}/reports/", "/api/v1/assignments/{id}/extension-requests/",
                 "/api/v1/assignments/{id}/completion-request/", "/api/v1/assignments/{id}/accept/",
                 "/api/v1/assignments/{id}/send-back/", "/api/v1/extension-requests/{id}/decide/",
                 "/api/v1/directives/import/", "/api/v1/directives/{id}/", "/api/v1/departments/",
                 "/api/v1/reminders/"):
        assert path in paths, path
    operations = [op for item in paths.values() for op in item.values()]
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in op.get("summary", "")) for op in operations)
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])
    task_list = {p["name"] for p in paths["/api/v1/tasks/"]["get"]["parameters"]}
    assert {"status", "department", "overdue", "light", "due_after", "due_before", "directive", "q", "page",
            "page_size"} <= task_list
    report = paths["/api/v1/assignments/{id}/reports/"]["post"]
    assert "multipart/form-data" in report["requestBody"]["content"]
    assert "Idempotency-Key" in {p["name"] for p in report["parameters"]}


def test_the_docs_page_serves_swagger_ui_from_this_site_under_the_strict_csp():
    client = Client()
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert inline_code(html) == []
    assert "//" not in "".join(part.split("http://testserver")[-1] for part in html.split('src="')[1:]).replace(
        "://testserver", "")  # no script or style from another host
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css", "tracker/api-docs.css"):
        assert asset in html, asset
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
    assert "/api/schema/" in script.content.decode()
