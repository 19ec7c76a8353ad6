"""Production: refuses to start with unsafe settings; HTTPS-only behind a TLS-terminating reverse proxy.

The proxy must terminate TLS and set X-Forwarded-Proto (and overwrite any such header from the client);
every setting below can be turned off by its environment variable (README: Production settings).
"""
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY, SECRET_KEY, env

DEBUG = False
# No development default here: production names its hosts.
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])

if not SECRET_KEY or SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY is unset or is the development key published in the repository: set a long random "
        "value, e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )
if not ALLOWED_HOSTS or "*" in ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must list the host names this site is served under (comma-separated), not be "
        "empty or '*'."
    )

# HTTPS: the proxy says which requests came in over TLS; Django redirects the others and sends HSTS.
if env.bool("DJANGO_SECURE_PROXY_SSL_HEADER", default=True):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
# Health checks from the proxy or orchestrator come over plain HTTP.
SECURE_REDIRECT_EXEMPT = env.list("DJANGO_SECURE_REDIRECT_EXEMPT", default=[r"^healthz/?$"])
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=True)
SESSION_COOKIE_HTTPONLY = True
# Preloading is an opt-in with the browsers' lists (and only for a registrable domain, which a
# government subdomain is not): off by default, so its deploy-check warning is silenced here.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
