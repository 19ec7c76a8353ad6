"""The env vars of the organisation logins, read by config/settings/base.py, and the app with them off."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client

from tests.tracker.workflow import PASSWORD, office_user

ROOT = Path(__file__).resolve().parents[3]
PROBE = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "backends": s.AUTHENTICATION_BACKENDS,
    "oidc": [s.OIDC_RP_CLIENT_ID, s.OIDC_OP_TOKEN_ENDPOINT, s.OIDC_ROLES_CLAIM, s.OIDC_ROLE_MAP, s.OIDC_CREATE_USER],
    "cas": [s.CAS_SERVER_URL, s.CAS_VERSION, s.CAS_ROLE_MAP, s.CAS_CREATE_USER],
    "ldap": [s.AUTH_LDAP_SERVER_URI, s.AUTH_LDAP_USER_SEARCH.base_dn, s.AUTH_LDAP_USER_SEARCH.filterstr,
             s.AUTH_LDAP_GROUP_SEARCH.base_dn, type(s.AUTH_LDAP_GROUP_TYPE).__name__, s.LDAP_ROLE_MAP,
             s.AUTH_LDAP_NO_NEW_USERS],
}, ensure_ascii=False))
"""


def settings_with(env: dict[str, str]) -> dict:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("OIDC_", "CAS_", "LDAP_", "SSO_"))}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_env_vars_turn_each_login_on():
    pytest.importorskip("django_auth_ldap")
    got = settings_with({
        "OIDC_ENABLED": "true", "OIDC_RP_CLIENT_ID": "duban", "OIDC_OP_TOKEN_ENDPOINT": "https://sso.example/token",
        "OIDC_ROLES_CLAIM": "groups", "OIDC_ROLE_MAP": "office=duban-office;office=督查;unit=units",
        "CAS_ENABLED": "true", "CAS_SERVER_URL": "https://cas.example/cas/", "CAS_VERSION": "2",
        "LDAP_ENABLED": "true", "LDAP_SERVER_URI": "ldaps://ldap.example", "LDAP_USER_SEARCH_BASE": "ou=people,dc=x",
        "LDAP_USER_FILTER": "(sAMAccountName=%(user)s)", "LDAP_GROUP_SEARCH_BASE": "ou=groups,dc=x",
        "LDAP_GROUP_TYPE": "activeDirectory", "LDAP_ROLE_MAP": "manager=cn=leaders,ou=groups,dc=x",
        "SSO_CREATE_USERS": "false",
    })
    assert got["backends"] == ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend", "tracker.sso.ldap.LDAPBackend",
                               "tracker.sso.oidc.OIDCBackend", "tracker.sso.cas.CASBackend"]
    assert got["oidc"] == ["duban", "https://sso.example/token", "groups",
                           {"office": ["duban-office", "督查"], "unit": ["units"]}, False]
    assert got["cas"] == ["https://cas.example/cas/", "2", {"office": ["督查室"], "manager": ["领导"], "unit": ["承办单位"]},
                          False]
    assert got["ldap"] == ["ldaps://ldap.example", "ou=people,dc=x", "(sAMAccountName=%(user)s)", "ou=groups,dc=x",
                           "NestedActiveDirectoryGroupType", {"manager": ["cn=leaders,ou=groups,dc=x"]}, True]


def test_a_malformed_role_map_stops_the_settings_from_loading():
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "OIDC_ROLE_MAP": "boss=duban-office"},
    )
    assert result.returncode != 0 and "role map item 'boss=duban-office'" in result.stderr


def test_by_default_only_local_passwords_exist():
    assert django_settings.AUTHENTICATION_BACKENDS == ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
    assert not (django_settings.OIDC_ENABLED or django_settings.CAS_ENABLED or django_settings.LDAP_ENABLED)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/oidc/authenticate/", "/oidc/callback/?code=x&state=y", "/cas/login/",
                                 "/cas/login/?ticket=ST-1"])
def test_provider_routes_are_404_while_off(url):
    assert Client().get(url).status_code == 404


@pytest.mark.django_db
def test_login_pages_and_logout_are_as_before_while_off():
    for page in ("/portal/login/", "/admin/login/"):
        html = Client().get(page).content.decode()
        assert "统一身份认证" not in html and "sso-login" not in html
    office_user(username="office")
    client = Client()
    assert client.post("/portal/login/", {"username": "office", "password": PASSWORD})["Location"] == "/portal/"
    assert client.post("/portal/logout/")["Location"] == "/portal/login/"
    assert client.get("/portal/logout/").status_code == 405  # logout stays POST-only
    assert client.get("/portal/")["Location"].startswith("/portal/login/")
