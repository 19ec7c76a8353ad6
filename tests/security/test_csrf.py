"""CSRF on every POST: a session without the token is refused (403) on every route of the URL conf,
with every form the pages render, and nothing changes; the login pages and logout too."""
from __future__ import annotations

import pytest
from django.test import Client

from tests.security.conftest import logged_in
from tests.security.walk import (
    JUNK,
    admin_pages,
    changed_tables,
    fill,
    id_pool,
    portal_pages,
    posts_from,
    routes,
    slugs_of,
    snapshot,
)

pytestmark = pytest.mark.django_db

# Routes that must take a POST without a token, and why. Nothing else may.
CSRF_EXEMPT = {
    "/cas/login/": "the CAS server's single-logout request carries no token; it can only end sessions",
}


def test_every_post_without_the_csrf_token_is_refused(world):
    pages = portal_pages(world.office, world.user_b)
    office_pages = admin_pages(world.office, ids=id_pool(world))
    slugs = slugs_of([*pages, *office_pages])
    posts = [post for path, page in [*pages, *office_pages] for post in posts_from(path, page)]
    posts += [(url, JUNK) for route in routes() for url in fill(route, ids=id_pool(world), slugs=slugs)]
    posts = [(url, data) for url, data in posts if url.split("?")[0] not in CSRF_EXEMPT]
    before = snapshot()
    for user in (world.office, world.user_b, world.manager):
        client = logged_in(user, enforce_csrf_checks=True)
        for target, data in posts:
            data = {k: v for k, v in data.items() if k != "csrfmiddlewaretoken"}
            response = client.post(target, data)
            # A view that must set its upload limits before CSRF reads the body checks access first: a user
            # who may not enter is sent to the login page, which is a refusal too.
            to_login = response.status_code == 302 and "/login/" in response["Location"]
            assert response.status_code == 403 or to_login, f"POST {target} without a CSRF token → {response.status_code}"
    assert not changed_tables(before)
    assert len(posts) > 200


@pytest.mark.parametrize("url", ["/portal/login/", "/admin/login/"])
def test_login_without_the_csrf_token_is_refused(world, url):
    response = Client(enforce_csrf_checks=True).post(url, {"username": "office", "password": "pw-test-123"})
    assert response.status_code == 403


@pytest.mark.parametrize("url", ["/portal/logout/", "/admin/logout/"])
def test_logout_without_the_csrf_token_is_refused(world, url):
    client = logged_in(world.user_b, enforce_csrf_checks=True)
    assert client.post(url).status_code == 403
    assert client.get("/portal/").status_code == 200  # still logged in
