"""CAS login against a fake CAS server: its serviceValidate answer is the only thing mocked."""
from __future__ import annotations

from urllib.parse import parse_qs, quote, urlsplit

import pytest
import responses
from django.contrib.auth import get_user_model
from django.test import Client
from django_cas_ng.models import SessionTicket

from tests.tracker.sso.conftest import LOCAL
from tests.tracker.sso.providers import CAS_SERVER, cas_failure, cas_success
from tracker.models import DepartmentMembership

pytestmark = pytest.mark.django_db

CAS = "tracker.sso.cas.CASBackend"
User = get_user_model()
SERVICE = "http://testserver/cas/login/?next=%2Fportal%2F"
VALIDATE = f"{CAS_SERVER}p3/serviceValidate"


@pytest.fixture
def cas_on(settings):
    settings.CAS_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [LOCAL, CAS]
    settings.CAS_SERVER_URL = CAS_SERVER
    settings.CAS_ROLES_ATTRIBUTE = "groups"
    settings.CAS_DEPARTMENTS_ATTRIBUTE = "departments"
    settings.CAS_ROLE_MAP = {"office": ["督查室"], "manager": ["领导"], "unit": ["承办单位"]}
    with responses.RequestsMock() as mock:
        yield mock


def validate_answers(mock, ticket: str, body: str) -> None:
    mock.add(responses.GET, VALIDATE, body=body, content_type="application/xml",
             match=[responses.matchers.query_param_matcher({"ticket": ticket, "service": SERVICE})])


def test_login_button_sends_the_browser_to_the_cas_server(cas_on):
    page = Client().get("/portal/login/?next=/portal/").content.decode()
    assert 'href="/cas/login/?next=%2Fportal%2F"' in page and "使用统一身份认证登录" in page
    start = Client().get("/cas/login/?next=/portal/")
    assert start["Location"] == f"{CAS_SERVER}login?service={quote(SERVICE, safe='')}"


def test_ticket_from_the_cas_server_logs_the_user_in_with_its_attributes(cas_on, units):
    education, _ = units
    validate_answers(cas_on, "ST-1-abc", cas_success("lisi", {
        "cn": "李四", "mail": "lisi@example.gov.cn", "groups": ["承办单位", "OA用户"], "departments": "市教育局"}))
    client = Client()
    done = client.get("/cas/login/", {"next": "/portal/", "ticket": "ST-1-abc"})
    assert done.status_code == 302 and done["Location"] == "/portal/"
    user = User.objects.get(username="lisi")
    assert (user.first_name, user.email, user.is_staff) == ("李四", "lisi@example.gov.cn", False)
    assert set(user.groups.values_list("name", flat=True)) == {"承办单位"}
    assert list(DepartmentMembership.objects.filter(user=user).values_list("department_id", flat=True)) == [
        education.pk]
    assert client.session["_auth_user_backend"] == CAS
    assert SessionTicket.objects.filter(ticket="ST-1-abc").count() == 1
    assert client.get("/portal/").status_code == 200


def test_a_ticket_the_server_refuses_logs_nobody_in(cas_on):
    validate_answers(cas_on, "ST-forged", cas_failure("ST-forged"))
    client = Client()
    done = client.get("/cas/login/", {"next": "/portal/", "ticket": "ST-forged"})
    assert done["Location"] == "/portal/login/?sso=failed"
    assert "_auth_user_id" not in client.session and not User.objects.exists()


def test_logout_ends_the_session_here_and_at_the_cas_server(cas_on):
    validate_answers(cas_on, "ST-2", cas_success("lisi", {}))
    client = Client()
    client.get("/cas/login/", {"next": "/portal/", "ticket": "ST-2"})
    out = client.post("/portal/logout/")
    target = urlsplit(out["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{CAS_SERVER}logout"
    assert parse_qs(target.query) == {"service": ["http://testserver/portal/login/"]}
    assert not SessionTicket.objects.exists()
    assert client.get("/portal/")["Location"].startswith("/portal/login/")


def test_single_logout_from_the_cas_server_ends_the_session(cas_on):
    validate_answers(cas_on, "ST-3", cas_success("lisi", {}))
    client = Client()
    client.get("/cas/login/", {"next": "/portal/", "ticket": "ST-3"})
    slo = ("<samlp:LogoutRequest xmlns:samlp='urn:oasis:names:tc:SAML:2.0:protocol' "
           "xmlns:saml='urn:oasis:names:tc:SAML:2.0:assertion' ID='x' Version='2.0' IssueInstant='2026-01-01T00:00:00Z'>"
           "<saml:NameID>@NOT_USED@</saml:NameID><samlp:SessionIndex>ST-3</samlp:SessionIndex></samlp:LogoutRequest>")
    Client().post("/cas/login/", {"logoutRequest": slo})
    assert client.get("/portal/")["Location"].startswith("/portal/login/")
