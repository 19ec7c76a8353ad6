"""{% sso_login_links %}: the organisation-login buttons of the portal and admin login pages."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("tracker/sso/_login_links.html")
def sso_login_links(next_url: str = "") -> dict[str, Any]:
    query = f"?{urlencode({'next': next_url})}" if next_url else ""
    links = []
    if settings.OIDC_ENABLED:
        links.append({"url": reverse("tracker:oidc_login") + query, "label": settings.OIDC_LOGIN_LABEL})
    if settings.CAS_ENABLED:
        links.append({"url": reverse("tracker:cas_login") + query, "label": settings.CAS_LOGIN_LABEL})
    return {"links": links, "ldap": settings.LDAP_ENABLED}
