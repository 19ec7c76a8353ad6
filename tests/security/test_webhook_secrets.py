"""The outgoing webhooks' signing secret is write-only as the robot secrets are: no admin page, portal page or
API answer shows it to anyone (the office sees "••••2026"), and only the office sees the endpoints at all."""
from __future__ import annotations

import pytest

from tests.api.conftest import token_client
from tests.security.conftest import logged_in
from tests.security.walk import body, crawl, fill, id_pool, routes
from tests.security.world import WEBHOOK_SECRET
from tracker.models import WebhookEndpoint
from tracker.secrets import secret_mask

pytestmark = pytest.mark.django_db
API_LISTS = ("tasks", "assignments", "directives", "departments", "extension-requests", "reminders")


def test_no_page_or_api_answer_shows_the_webhook_secret(world):
    endpoint = WebhookEndpoint.objects.get()
    admin_urls = [url for route in routes() if route.is_admin for url in fill(route, ids=id_pool(world), slugs={})]
    seen = 0
    for user in (world.office, world.manager, world.user_a, world.user_b):
        client = logged_in(user)
        responses = [client.get(url) for url in admin_urls] if user.is_staff else []
        responses += [response for _path, response in crawl(client, ["/portal/"], prefix="/portal/")]
        api = token_client(user)
        responses += [api.get(f"/api/v1/{name}/?page_size=500") for name in API_LISTS]
        for response in responses:
            assert WEBHOOK_SECRET.encode() not in body(response)
            seen += 1
    office_page = logged_in(world.office).get(f"/admin/tracker/webhookendpoint/{endpoint.pk}/change/")
    assert secret_mask(WEBHOOK_SECRET).encode() in office_page.content
    manager_page = logged_in(world.manager).get(f"/admin/tracker/webhookendpoint/{endpoint.pk}/change/")
    assert manager_page.status_code == 403
    assert seen > 100
