from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run Celery tasks in-process; the real-worker tests start their own worker.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://"
# Client.login() authenticates without a request, which axes refuses; the throttling tests turn it on.
AXES_ENABLED = False
# Tests read the summary line right after changing data (the cache's own test turns it on).
LIGHT_COUNTS_CACHE_SECONDS = 0
