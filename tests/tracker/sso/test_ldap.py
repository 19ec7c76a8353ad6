"""LDAP login against a real OpenLDAP server (Debian's slapd, started by python-ldap's slapdtest)."""
from __future__ import annotations

import shutil
import tempfile

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from tests.conftest import in_ci
from tests.tracker.sso.conftest import LOCAL
from tests.tracker.workflow import PASSWORD, office_user
from tracker.models import DepartmentMembership

# python-ldap and slapd come with `make` (the ldap extra, `make sysdeps`); under CI their absence fails.
try:
    import ldap
    import slapdtest
    from django_auth_ldap import config as ldap_config
except ImportError:
    if in_ci():
        raise
    pytest.skip("python-ldap is not installed (the ldap extra)", allow_module_level=True)
if shutil.which("slapd", path="/usr/sbin:/usr/local/sbin") is None and not in_ci():
    pytest.skip("slapd is not installed (make sysdeps installs it)", allow_module_level=True)

pytestmark = pytest.mark.django_db

LDAP = "tracker.sso.ldap.LDAPBackend"
BASE = "dc=example,dc=gov,dc=cn"
OFFICE_GROUP_DN = f"cn=duban-office,ou=groups,{BASE}"
UNIT_GROUP_DN = f"cn=duban-units,ou=groups,{BASE}"
User = get_user_model()

DIRECTORY = f"""dn: {BASE}
objectClass: dcObject
objectClass: organization
dc: example
o: 示例市人民政府

dn: ou=people,{BASE}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{BASE}
objectClass: organizationalUnit
ou: groups

dn: uid=wangwu,ou=people,{BASE}
objectClass: inetOrgPerson
uid: wangwu
cn: 王五
sn: 王
mail: wangwu@example.gov.cn
departmentNumber: 市教育局
departmentNumber: 市卫健委
userPassword: ldap-secret-1

dn: uid=zhaoliu,ou=people,{BASE}
objectClass: inetOrgPerson
uid: zhaoliu
cn: 赵六
sn: 赵
mail: zhaoliu@example.gov.cn
userPassword: ldap-secret-2

dn: {UNIT_GROUP_DN}
objectClass: groupOfNames
cn: duban-units
member: uid=wangwu,ou=people,{BASE}

dn: {OFFICE_GROUP_DN}
objectClass: groupOfNames
cn: duban-office
member: uid=zhaoliu,ou=people,{BASE}
"""


class Slapd(slapdtest.SlapdObject):
    TMPDIR = tempfile.gettempdir()
    suffix = BASE
    openldap_schema_files = ("core.ldif", "cosine.ldif", "inetorgperson.ldif")


@pytest.fixture(scope="module")
def slapd():
    server = Slapd()
    server.start()
    try:
        server.ldapadd(DIRECTORY)
        yield server
    finally:
        server.stop()


@pytest.fixture
def ldap_on(settings, slapd):
    """The settings base.py builds from LDAP_* env vars (checked in tests/tracker/sso/test_settings.py)."""
    settings.LDAP_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [LOCAL, LDAP]
    settings.AUTH_LDAP_SERVER_URI = slapd.ldap_uri
    settings.AUTH_LDAP_BIND_DN = slapd.root_dn
    settings.AUTH_LDAP_BIND_PASSWORD = slapd.root_pw
    settings.AUTH_LDAP_USER_SEARCH = ldap_config.LDAPSearch(f"ou=people,{BASE}", ldap.SCOPE_SUBTREE, "(uid=%(user)s)")
    settings.AUTH_LDAP_USER_ATTR_MAP = {"first_name": "cn", "email": "mail"}
    settings.AUTH_LDAP_GROUP_SEARCH = ldap_config.LDAPSearch(f"ou=groups,{BASE}", ldap.SCOPE_SUBTREE)
    settings.AUTH_LDAP_GROUP_TYPE = ldap_config.GroupOfNamesType()
    settings.LDAP_ROLE_MAP = {"office": [OFFICE_GROUP_DN.upper()], "unit": [UNIT_GROUP_DN]}
    settings.LDAP_DEPARTMENTS_ATTRIBUTE = "departmentNumber"


def login(client: Client, username: str, password: str):
    return client.post("/portal/login/", {"username": username, "password": password})


def test_directory_password_logs_in_with_roles_from_groups_and_units_from_an_attribute(ldap_on, units):
    education, health = units
    client = Client()
    assert login(client, "wangwu", "ldap-secret-1")["Location"] == "/portal/"
    user = User.objects.get(username="wangwu")
    assert (user.first_name, user.email, user.has_usable_password()) == ("王五", "wangwu@example.gov.cn", False)
    assert set(user.groups.values_list("name", flat=True)) == {"承办单位"} and not user.is_staff
    assert set(DepartmentMembership.objects.filter(user=user).values_list("department_id", flat=True)) == {
        education.pk, health.pk}
    assert client.session["_auth_user_backend"] == LDAP
    assert client.post("/portal/logout/")["Location"] == "/portal/login/"
    assert "可使用统一身份认证的账号和密码登录" in Client().get("/portal/login/").content.decode()


def test_group_dns_match_whatever_their_case(ldap_on):
    login(Client(), "zhaoliu", "ldap-secret-2")
    user = User.objects.get(username="zhaoliu")
    assert set(user.groups.values_list("name", flat=True)) == {"督查室"} and user.is_staff


def test_wrong_directory_password_is_refused(ldap_on):
    page = login(Client(), "wangwu", "wrong")
    assert page.status_code == 200 and "用户名或密码不正确" in page.content.decode()
    assert not User.objects.filter(username="wangwu").exists()


def test_roles_left_to_the_office_without_a_role_map(ldap_on, settings):
    settings.LDAP_ROLE_MAP = {}
    settings.LDAP_DEPARTMENTS_ATTRIBUTE = ""
    login(Client(), "wangwu", "ldap-secret-1")
    user = User.objects.get(username="wangwu")
    assert not user.groups.exists() and not DepartmentMembership.objects.filter(user=user).exists()


def test_local_accounts_still_log_in_and_logout_is_local(ldap_on):
    office_user(username="office")
    client = Client()
    assert login(client, "office", PASSWORD)["Location"] == "/portal/"
    assert client.session["_auth_user_backend"] == LOCAL
    assert client.post("/portal/logout/")["Location"] == "/portal/login/"
    assert client.get("/portal/")["Location"].startswith("/portal/login/")


def test_no_new_users_when_creation_is_off(ldap_on, settings):
    settings.AUTH_LDAP_NO_NEW_USERS = True
    assert login(Client(), "wangwu", "ldap-secret-1").status_code == 200
    assert not User.objects.filter(username="wangwu").exists()
