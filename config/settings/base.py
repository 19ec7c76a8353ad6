"""Every setting, in sections. The only place environment variables are read."""
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

# CORE
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-change-me")
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
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
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

# I18N
LANGUAGE_CODE = "zh-hans"
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
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

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
# Progress reports, extension reasons and completion notes shorter than this are refused.
PROGRESS_REPORT_MIN_CHARS = env.int("PROGRESS_REPORT_MIN_CHARS", default=10)

# LOGGING
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
}
