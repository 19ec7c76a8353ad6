"""deploy/nginx: `nginx -t` on the real config (Debian's nginx, a throwaway certificate)."""
from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from tests.conftest import in_ci
from tests.deploy.conftest import DEPLOY, env_template

NGINX = shutil.which("nginx", path="/usr/sbin:/usr/bin:/usr/local/sbin")
CONF = (DEPLOY / "nginx" / "tracker.conf").read_text(encoding="utf-8")


def self_signed(directory) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "duban.example.gov.cn")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now)
            .not_valid_after(now + dt.timedelta(days=1)).sign(key, hashes.SHA256()))
    (directory / "fullchain.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (directory / "privkey.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()))


def test_nginx_accepts_the_config(tmp_path):
    if NGINX is None:
        if in_ci():
            pytest.fail("nginx is not installed (make sysdeps installs it)")
        pytest.skip("nginx is not installed (make sysdeps installs it)")
    certs, static, logs = tmp_path / "certs", tmp_path / "static", tmp_path / "logs"
    for directory in (certs, static, logs):
        directory.mkdir()
    self_signed(certs)
    # Only the machine-specific paths move into the scratch directory; the directives are the real ones.
    conf = (CONF.replace("/etc/nginx/certs/", f"{certs}/").replace("/srv/tracker/staticfiles/", f"{static}/")
            .replace("/var/log/nginx/", f"{logs}/"))
    (tmp_path / "tracker.conf").write_text(conf, encoding="utf-8")
    main = f"""pid {tmp_path}/nginx.pid;
error_log {logs}/error.log;
events {{}}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    include {DEPLOY}/nginx/upstream-systemd.conf;
    include {tmp_path}/tracker.conf;
}}
"""
    (tmp_path / "nginx.conf").write_text(main, encoding="utf-8")
    result = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-e",
                             str(logs / "error.log")], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr and "test is successful" in result.stderr


def test_proxy_headers_tls_and_no_public_uploads():
    for header in ("Host $host", "X-Forwarded-Proto $scheme", "X-Forwarded-Host $host",
                   "X-Forwarded-For $proxy_add_x_forwarded_for", "X-Request-ID $request_id"):
        assert f"proxy_set_header {header};" in CONF
    assert "return 301 https://$host$request_uri;" in CONF and "listen 443 ssl" in CONF
    media_root = env_template()["MEDIA_ROOT"]
    assert media_root not in CONF and "/media" not in CONF.replace("# No /media/ location", "")
    locations = re.findall(r"location\s+(\S+)", CONF)
    assert locations == ["/.well-known/acme-challenge/", "/", "/static/", "/"]


def test_request_size_limit_admits_the_largest_upload():
    size = re.search(r"client_max_body_size (\d+)m;", CONF)
    assert size, "client_max_body_size must be set in megabytes"
    assert int(size.group(1)) * 1024 * 1024 >= 4 * int(env_template()["UPLOAD_MAX_BYTES"])
    assert "server web:8000;" in (DEPLOY / "nginx" / "upstream-compose.conf").read_text()
