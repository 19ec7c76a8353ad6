import subprocess
import sys

from django.conf import settings


def test_settings_speak_chinese_in_shanghai_time():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True


def test_manage_check_passes():
    out = subprocess.run([sys.executable, "manage.py", "check"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_admin_speaks_chinese_whatever_the_browser_asks(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert "用户名" in response.content.decode()
