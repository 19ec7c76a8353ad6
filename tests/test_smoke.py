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
