"""Every setting, in sections. The only place environment variables are read."""
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

# CORE
# Published in the repository: config.settings.production refuses to start with it.
DEV_SECRET_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = env("DJANGO_SECRET_KEY", default=DEV_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_filters",
    "simple_history",
    "django_cas_ng",  # its session-ticket table exists whether CAS is on or off: turning it on needs no migrate
    "axes",
    "csp",
    # REST API (tracker/api/): DRF with token auth, the OpenAPI schema and its docs served from the package.
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tracker",
]

MIDDLEWARE = [
    # First: answers /healthz for probes before the host check and the HTTPS redirect.
    "tracker.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "tracker.uploads.RequestSizeLimitMiddleware",  # refuses an oversized body before reading it
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: request id, user and path on every log line of the request.
    "tracker.middleware.RequestLogMiddleware",
    "tracker.middleware.RequestMemoMiddleware",  # a user's units and the holidays read once per request
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last: turns a lockout flagged during authentication into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# DATABASE
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Web, worker and command may write at once: take the write lock up front and wait for it.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# AUTH
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "/portal/login/"
LOGIN_REDIRECT_URL = "/portal/"
# Axes first: it refuses a locked-out login before any backend checks the password. Every backend
# added later (LDAP, OIDC, CAS) goes after it.
# LOGIN THROTTLING (django-axes; tracker/login.py). Failures count within the cool-off window:
# the same user from the same address is locked after LOGIN_FAILURE_LIMIT, a user from any address
# after LOGIN_USER_FAILURE_LIMIT, an address for any user after LOGIN_IP_FAILURE_LIMIT (an office
# behind one NAT shares an address, so that limit is higher).
AXES_ENABLED = env.bool("LOGIN_THROTTLING", default=True)
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "username", "ip_address"]
LOGIN_FAILURE_LIMITS = {
    "username": env.int("LOGIN_USER_FAILURE_LIMIT", default=20),
    "ip_address": env.int("LOGIN_IP_FAILURE_LIMIT", default=50),
}
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_HANDLER = "tracker.login.LoginThrottleHandler"
AXES_LOCKOUT_CALLABLE = "tracker.login.lockout_response"
# A refused attempt during the lockout does not restart the cool-off, so the wait shown is true.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
# The client address: REMOTE_ADDR, or behind a reverse proxy the header it sets (e.g. HTTP_X_REAL_IP).
AXES_IPWARE_META_PRECEDENCE_ORDER = env.list("LOGIN_CLIENT_IP_HEADERS", default=["REMOTE_ADDR"])
AXES_VERBOSE = False
AXES_DISABLE_ACCESS_LOG = True  # failures are what lock; successful logins are not kept by axes
AXES_ENABLE_ADMIN = False  # tracker.admin_logins shows the attempts in Chinese, to the office only


# ORGANISATION LOGINS (统一身份认证): OpenID Connect, LDAP, CAS; each off until its *_ENABLED is true.
# Local passwords always stay. Users are ordinary Django users, so the API's session/token
# authentication serves them too. Roles (督查室/领导/承办单位) and department memberships come from
# the provider only when its roles/departments claim is configured; otherwise the office sets them.
def _role_map(value: str) -> dict[str, list[str]]:
    """"office=a;office=b;manager=c;unit=d" → {"office": ["a", "b"], ...}; values may contain "=" and "," (LDAP DNs)."""
    mapping: dict[str, list[str]] = {}
    for item in filter(None, (part.strip() for part in value.split(";"))):
        role, _, external = item.partition("=")
        if role.strip() not in {"office", "manager", "unit"} or not external.strip():
            raise ValueError(f"role map item {item!r}: expected office=…, manager=… or unit=…")
        mapping.setdefault(role.strip(), []).append(external.strip())
    return mapping


# Values an identity provider may send as they are: our own group names.
_DEFAULT_ROLE_MAP = "office=督查室;manager=领导;unit=承办单位"
SSO_CREATE_USERS = env.bool("SSO_CREATE_USERS", default=True)  # false: only users the office created may log in

OIDC_ENABLED = env.bool("OIDC_ENABLED", default=False)
OIDC_LOGIN_LABEL = env("OIDC_LOGIN_LABEL", default="使用统一身份认证登录")
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_OP_LOGOUT_ENDPOINT = env("OIDC_OP_LOGOUT_ENDPOINT", default="")  # end_session_endpoint; empty: local logout only
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
OIDC_MATCH_USERS_BY = env("OIDC_MATCH_USERS_BY", default="username")  # "username" or "email"
OIDC_USERNAME_CLAIM = env("OIDC_USERNAME_CLAIM", default="preferred_username")
OIDC_NAME_CLAIM = env("OIDC_NAME_CLAIM", default="name")
OIDC_ROLES_CLAIM = env("OIDC_ROLES_CLAIM", default="")  # e.g. "groups"; empty: roles left to the office
OIDC_DEPARTMENTS_CLAIM = env("OIDC_DEPARTMENTS_CLAIM", default="")  # unit names; empty: left to the office
OIDC_ROLE_MAP = _role_map(env("OIDC_ROLE_MAP", default=_DEFAULT_ROLE_MAP))
# mozilla-django-oidc's own settings, fixed by the app.
OIDC_CREATE_USER = SSO_CREATE_USERS
OIDC_STORE_ID_TOKEN = True  # the id_token_hint of the provider's logout
OIDC_AUTHENTICATION_CALLBACK_URL = "tracker:oidc_callback"
OIDC_OP_LOGOUT_URL_METHOD = "tracker.sso.oidc.provider_logout_url"
LOGIN_REDIRECT_URL_FAILURE = "/portal/login/?sso=failed"

CAS_ENABLED = env.bool("CAS_ENABLED", default=False)
CAS_LOGIN_LABEL = env("CAS_LOGIN_LABEL", default="使用统一身份认证登录")
CAS_SERVER_URL = env("CAS_SERVER_URL", default="")  # e.g. https://cas.example.gov.cn/cas/
CAS_VERSION = env("CAS_VERSION", default="3")
CAS_NAME_ATTRIBUTE = env("CAS_NAME_ATTRIBUTE", default="cn")
CAS_EMAIL_ATTRIBUTE = env("CAS_EMAIL_ATTRIBUTE", default="mail")
CAS_ROLES_ATTRIBUTE = env("CAS_ROLES_ATTRIBUTE", default="")
CAS_DEPARTMENTS_ATTRIBUTE = env("CAS_DEPARTMENTS_ATTRIBUTE", default="")
CAS_ROLE_MAP = _role_map(env("CAS_ROLE_MAP", default=_DEFAULT_ROLE_MAP))
# django-cas-ng's own settings, fixed by the app.
CAS_CREATE_USER = SSO_CREATE_USERS
CAS_REDIRECT_URL = LOGIN_REDIRECT_URL
CAS_LOGOUT_NEXT_PAGE = LOGIN_URL
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None
CAS_APPLY_ATTRIBUTES_TO_USER = False  # never: an attribute named is_superuser would be applied too

LDAP_ENABLED = env.bool("LDAP_ENABLED", default=False)
LDAP_SERVER_URI = env("LDAP_SERVER_URI", default="")  # ldap://ldap.example.gov.cn or ldaps://…
LDAP_START_TLS = env.bool("LDAP_START_TLS", default=False)
LDAP_BIND_DN = env("LDAP_BIND_DN", default="")  # empty with LDAP_BIND_PASSWORD empty: anonymous search
LDAP_BIND_PASSWORD = env("LDAP_BIND_PASSWORD", default="")
LDAP_USER_SEARCH_BASE = env("LDAP_USER_SEARCH_BASE", default="")
LDAP_USER_FILTER = env("LDAP_USER_FILTER", default="(uid=%(user)s)")  # Active Directory: (sAMAccountName=%(user)s)
LDAP_NAME_ATTRIBUTE = env("LDAP_NAME_ATTRIBUTE", default="cn")
LDAP_EMAIL_ATTRIBUTE = env("LDAP_EMAIL_ATTRIBUTE", default="mail")
LDAP_GROUP_SEARCH_BASE = env("LDAP_GROUP_SEARCH_BASE", default="")
LDAP_GROUP_TYPE = env("LDAP_GROUP_TYPE", default="groupOfNames")  # groupOfNames, groupOfUniqueNames, posixGroup, activeDirectory
LDAP_ROLE_MAP = _role_map(env("LDAP_ROLE_MAP", default=""))  # role=group DN; empty: roles left to the office
LDAP_DEPARTMENTS_ATTRIBUTE = env("LDAP_DEPARTMENTS_ATTRIBUTE", default="")  # user attribute holding unit names
if LDAP_ENABLED:
    # python-ldap is an optional extra (it compiles against libldap): imported only when LDAP is on.
    import ldap
    from django_auth_ldap import config as ldap_config

    AUTH_LDAP_SERVER_URI = LDAP_SERVER_URI
    AUTH_LDAP_START_TLS = LDAP_START_TLS
    AUTH_LDAP_BIND_DN = LDAP_BIND_DN
    AUTH_LDAP_BIND_PASSWORD = LDAP_BIND_PASSWORD
    AUTH_LDAP_USER_SEARCH = ldap_config.LDAPSearch(LDAP_USER_SEARCH_BASE, ldap.SCOPE_SUBTREE, LDAP_USER_FILTER)
    AUTH_LDAP_USER_ATTR_MAP = {"first_name": LDAP_NAME_ATTRIBUTE, "email": LDAP_EMAIL_ATTRIBUTE}
    AUTH_LDAP_NO_NEW_USERS = not SSO_CREATE_USERS
    if LDAP_GROUP_SEARCH_BASE:
        AUTH_LDAP_GROUP_SEARCH = ldap_config.LDAPSearch(LDAP_GROUP_SEARCH_BASE, ldap.SCOPE_SUBTREE)
        AUTH_LDAP_GROUP_TYPE = {
            "groupOfNames": ldap_config.GroupOfNamesType,
            "groupOfUniqueNames": ldap_config.GroupOfUniqueNamesType,
            "posixGroup": ldap_config.PosixGroupType,
            "activeDirectory": ldap_config.NestedActiveDirectoryGroupType,
        }[LDAP_GROUP_TYPE]()

# Local passwords first; a provider's backend only answers its own kind of request.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked-out login never reaches a backend
    "django.contrib.auth.backends.ModelBackend",
    *(["tracker.sso.ldap.LDAPBackend"] if LDAP_ENABLED else []),
    *(["tracker.sso.oidc.OIDCBackend"] if OIDC_ENABLED else []),
    *(["tracker.sso.cas.CASBackend"] if CAS_ENABLED else []),
]

# I18N
LANGUAGE_CODE = "zh-hans"
# Keeps Django's own Chinese wording where DRF translates the same message (tracker/locale/…/django.po).
LOCALE_PATHS = [BASE_DIR / "tracker" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# FILES
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Uploads live outside static files and are served only through a permission-checked view.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "uploads")))
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
UPLOAD_REPORT_MAX_BYTES = env.int("UPLOAD_REPORT_MAX_BYTES", default=30 * 1024 * 1024)  # all files of one report
UPLOAD_ALLOWED_EXTENSIONS = env.list(
    "UPLOAD_ALLOWED_EXTENSIONS",
    default=["pdf", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "txt", "zip"],
)
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
# UPLOADS (tracker/uploads.py): a request announcing more than UPLOAD_REQUEST_MAX_BYTES is refused before its body
# is read, and counted again while streaming; files above FILE_UPLOAD_MAX_MEMORY_SIZE stream to a temporary file;
# DATA_UPLOAD_MAX_MEMORY_SIZE bounds the form fields other than files.
UPLOAD_REQUEST_MAX_BYTES = env.int("UPLOAD_REQUEST_MAX_BYTES", default=100 * 1024 * 1024)
DIRECTIVE_UPLOAD_MAX_BYTES = env.int("DIRECTIVE_UPLOAD_MAX_BYTES", default=50 * 1024 * 1024)  # per imported file
DIRECTIVE_UPLOAD_MAX_FILES = env.int("DIRECTIVE_UPLOAD_MAX_FILES", default=20)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "tracker.uploads.RequestTotalUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# EMAIL
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="督查室 <duban@localhost>")

# CELERY
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
# Without a broker the app still works: tasks run in-process.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not (REDIS_URL or env("CELERY_BROKER_URL", default="")))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
REMINDER_SCAN_HOUR = env.int("REMINDER_SCAN_HOUR", default=8)
REMINDER_SCAN_MINUTE = env.int("REMINDER_SCAN_MINUTE", default=30)
CELERY_BEAT_SCHEDULE = {
    # Recurring deadlines get their next occurrences before the reminder scan reads them.
    "occurrences-daily": {
        "task": "tracker.tasks.occurrences_generate",
        "schedule": crontab(hour=6, minute=0),
    },
    "reminders-daily-scan": {
        "task": "tracker.tasks.reminders_scan",
        "schedule": crontab(hour=REMINDER_SCAN_HOUR, minute=REMINDER_SCAN_MINUTE),
    },
}
# Redis redelivers an unacknowledged task (a killed worker's) after this many seconds. Sends are
# idempotent (claimed rows), so a redelivery never doubles a notice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    # How often a worker looks for abandoned (unacknowledged, timed-out) tasks: interval × throttle s.
    "unacked_restore_interval": env.int("CELERY_UNACKED_RESTORE_INTERVAL", default=10),
    "unacked_restore_throttle": env.int("CELERY_UNACKED_RESTORE_THROTTLE", default=10),
}
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default="celery")
# After the broker refused a publish (Redis down), later publishes skip it for this long (the request does not
# wait on every refused connection); the rows stay pending and the sweeps enqueue them (tracker.tasks).
CELERY_PUBLISH_BACKOFF_SECONDS = env.int("CELERY_PUBLISH_BACKOFF_SECONDS", default=30)

# REMINDERS
REMINDER_DUE_SOON_WORKDAYS = env.int("REMINDER_DUE_SOON_WORKDAYS", default=3)
REMINDER_OVERDUE_REPEAT_WORKDAYS = env.int("REMINDER_OVERDUE_REPEAT_WORKDAYS", default=2)
REMINDER_ESCALATE_AFTER_WORKDAYS = env.int("REMINDER_ESCALATE_AFTER_WORKDAYS", default=5)
# Local hours [start, end) during which nothing is sent; the scan and the sends defer.
REMINDER_QUIET_START_HOUR = env.int("REMINDER_QUIET_START_HOUR", default=20)
REMINDER_QUIET_END_HOUR = env.int("REMINDER_QUIET_END_HOUR", default=8)
# False only in tests that run on any day at any hour: the quiet-hours / non-working-day rule is off.
REMINDER_SEND_WINDOW = env.bool("REMINDER_SEND_WINDOW", default=True)
REMINDER_MAX_ATTEMPTS = env.int("REMINDER_MAX_ATTEMPTS", default=5)
REMINDER_RETRY_BASE_SECONDS = env.int("REMINDER_RETRY_BASE_SECONDS", default=60)
# Between daily scans, every REMINDER_SWEEP_MINUTES the sweep enqueues notices still owed: failures due for a
# retry, and pending rows older than REMINDER_REQUEUE_AFTER_SECONDS (their enqueue was lost: broker down).
REMINDER_SWEEP_MINUTES = env.int("REMINDER_SWEEP_MINUTES", default=5)
REMINDER_REQUEUE_AFTER_SECONDS = env.int("REMINDER_REQUEUE_AFTER_SECONDS", default=300)
CELERY_BEAT_SCHEDULE["reminders-sweep"] = {
    "task": "tracker.tasks.reminders_sweep",
    "schedule": crontab(minute=f"*/{max(1, REMINDER_SWEEP_MINUTES)}"),
}
# 企业微信/钉钉 group robots accept 20 messages a minute; DingTalk blocks a robot for 10 min beyond.
REMINDER_WEBHOOK_RATE_PER_MINUTE = env.int("REMINDER_WEBHOOK_RATE_PER_MINUTE", default=20)
REMINDER_WEBHOOK_MAX_BYTES = env.int("REMINDER_WEBHOOK_MAX_BYTES", default=2000)
REMINDER_WEBHOOK_TIMEOUT = env.float("REMINDER_WEBHOOK_TIMEOUT", default=10.0)
# Escalation copies (overdue beyond REMINDER_ESCALATE_AFTER_WORKDAYS) go to these addresses and to
# the e-mail of every user in the managers' group.
REMINDER_MANAGER_EMAILS = env.list("REMINDER_MANAGER_EMAILS", default=[])
REMINDER_MANAGER_GROUP = env("REMINDER_MANAGER_GROUP", default="领导")

# WORKFLOW (督办 cycle)
# Node clocks per task category, after Shanxi's 13710 rule: node -> (amount, unit), unit one of
# "workdays" | "days" | "months"; every clock starts at 交办. "close" applies only to undated tasks.
TASK_NODE_CLOCKS = {
    "ordinary": {"sign": (1, "workdays"), "first_report": (3, "days"), "close": (7, "days")},
    "major": {"sign": (1, "workdays"), "first_report": (3, "days"), "close": (1, "months")},
}
# Yellow light: due within this many working days, or reported % this many points behind 序时进度.
TASK_YELLOW_WITHIN_WORKDAYS = env.int("TASK_YELLOW_WITHIN_WORKDAYS", default=3)
TASK_BEHIND_SCHEDULE_MARGIN = env.int("TASK_BEHIND_SCHEDULE_MARGIN", default=20)
# The lists' summary line (正常/预警/逾期 counts) is kept this many seconds per scope and day (0: never kept): at
# 100,000 tasks it is a list page's costliest query. The lists and their filters are always exact.
LIGHT_COUNTS_CACHE_SECONDS = env.int("LIGHT_COUNTS_CACHE_SECONDS", default=60)
# Progress reports, extension reasons and completion notes shorter than this are refused.
PROGRESS_REPORT_MIN_CHARS = env.int("PROGRESS_REPORT_MIN_CHARS", default=10)

# PRINTABLES (督办通知单, 催办通知单, 督查通报): what the office prints on them. Lists are separated by "|".
OFFICE_NAME = env("OFFICE_NAME", default="市人民政府督查室")
OFFICE_CONTACT_NAME = env("OFFICE_CONTACT_NAME", default="")
OFFICE_CONTACT_PHONE = env("OFFICE_CONTACT_PHONE", default="")
NOTICE_REQUIREMENTS = [item.strip() for item in env("NOTICE_REQUIREMENTS", default=(
    "请牵头单位接到通知后明确责任领导和具体承办人员，制定工作方案，细化工作措施和时间节点。|"
    "请按要求通过督查督办系统及时报送办理进展，并附相关佐证材料。|"
    "确需延期的，应在办理时限届满前提出延期申请，说明理由和新的完成时间。"
)).split("|") if item.strip()]
BULLETIN_RECIPIENTS = env("BULLETIN_RECIPIENTS", default="各县（区）人民政府，市政府各部门，各有关单位")
BULLETIN_SCOPE_LABEL = env("BULLETIN_SCOPE_LABEL", default="全市")
BULLETIN_REQUIREMENTS = [item.strip() for item in env("BULLETIN_REQUIREMENTS", default=(
    "各责任单位要对照督办事项逐项梳理，对逾期未办结事项说明原因，明确整改措施和完成时限。|"
    "各牵头单位要切实履行牵头责任，加强与配合单位的沟通协调，确保按期办结。"
)).split("|") if item.strip()]
URGE_REPLY_WORKDAYS = env.int("URGE_REPLY_WORKDAYS", default=3)  # 催办通知单: reply within N working days
# 文号: <prefix>〔year〕N号 (期 for the 通报), numbered per kind and year.
DOCUMENT_NUMBER_PREFIXES = dict(
    pair.split("=", 1) for pair in env("DOCUMENT_NUMBER_PREFIXES",
                                       default="notice=督办;urge=催办;bulletin=督查通报").split(";") if "=" in pair
)

# REST API (tracker/api/, README: API). Token or session authentication (a session's unsafe calls need the CSRF
# token); the token endpoint is throttled like the login pages; lists are paginated (page_size up to 500).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "EXCEPTION_HANDLER": "tracker.api.views.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "督查督办 API",
    "DESCRIPTION": "督查督办系统的开放接口：读取文件、任务与各承办单位的办理情况，代承办单位签收、反馈、申请延期和办结，"
                   "督查室立项、交办、催办、办结确认与退办。认证：`Authorization: Token <token>`（由 "
                   "`POST /api/v1/auth/token/` 取得）；浏览器已登录时亦可使用会话（写操作须带 CSRF 令牌）。"
                   "时间均为北京时间（+08:00）。",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "ENUM_NAME_OVERRIDES": {
        "TaskStatusEnum": "tracker.models.tasks.Task.Status",
        "AssignmentStatusEnum": "tracker.models.tasks.Assignment.Status",
        "ReminderStatusEnum": "tracker.models.reminders.Reminder.Status",
        "ExtensionStatusEnum": "tracker.models.workflow.ExtensionRequest.Status",
        "LightEnum": "tracker.api.serializers.LIGHT_CHOICES",
    },
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "persistAuthorization": True},
}
# OUTGOING WEBHOOKS (tracker/services/webhooks.py): signed POSTs to the systems the office registered.
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=10.0)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_RETRY_BASE_SECONDS = env.int("WEBHOOK_RETRY_BASE_SECONDS", default=30)  # then ×2 per attempt
# assignment.overdue: parts that became overdue within this many days (a registered endpoint is not flooded
# with every old overdue part; a scan missed for a few days still reports them).
WEBHOOK_OVERDUE_LOOKBACK_DAYS = env.int("WEBHOOK_OVERDUE_LOOKBACK_DAYS", default=7)
# A pending delivery older than this lost its enqueue (broker down at commit): the sweep sends it.
WEBHOOK_REQUEUE_AFTER_SECONDS = env.int("WEBHOOK_REQUEUE_AFTER_SECONDS", default=300)
CELERY_BEAT_SCHEDULE["webhooks-sweep"] = {
    "task": "tracker.tasks.webhooks_sweep",
    "schedule": crontab(minute="*/10"),
}

# HISTORY: old versions are read-only; corrections go through the services, which record an event.
SIMPLE_HISTORY_REVERT_DISABLED = True

# CONTENT SECURITY POLICY (django-csp 4): nothing inline, nothing from another origin (the deployment is
# offline). Templates keep scripts and styles in static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

# LOGGING
# "json" (production): one JSON object per line on stdout, with request_id/user/path during a
# request and task/task_id inside a Celery task; "text": plain messages for a terminal.
LOG_FORMAT = env("DJANGO_LOG_FORMAT", default="text")
LOG_REQUESTS = env.bool("DJANGO_LOG_REQUESTS", default=False)  # one line per request (status, duration)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "tracker.logcontext.ContextFilter"}},
    "formatters": {
        "text": {"format": "%(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            "json_ensure_ascii": False,  # Chinese stays readable in the log
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout" if LOG_FORMAT == "json" else "ext://sys.stderr",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
# Celery keeps its own terminal format unless the logs are JSON: then Django's handler serves the worker too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = LOG_FORMAT != "json"
