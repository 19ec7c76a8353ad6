"""Failed logins as the office sees them (django-axes keeps the rows; this names them in Chinese)."""
from __future__ import annotations

from axes.models import AccessAttempt


class LoginLockout(AccessAttempt):
    """Failed login attempts of one user from one address; deleting them unlocks the login."""

    class Meta:
        proxy = True
        verbose_name = "登录失败记录"
        verbose_name_plural = "登录失败与锁定"
