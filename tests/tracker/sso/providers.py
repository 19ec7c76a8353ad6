"""Fake identity providers in the test process: an OpenID Connect OP and a CAS server.

Their HTTP endpoints are answered by `responses` (the backends call them with requests); the
browser side (redirect to the provider, the user signs in, redirect back) is played by the test.
"""
from __future__ import annotations

import base64
import hashlib
import json
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
import responses
from cryptography.hazmat.primitives.asymmetric import rsa

ISSUER = "https://idp.example.test"
CLIENT_ID = "duban-tracker"
CLIENT_SECRET = "client-secret-for-tests"


def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class FakeOIDCProvider:
    """Authorization-code flow with PKCE: authorize (played by the test), token, userinfo, JWKS."""

    key: rsa.RSAPrivateKey = field(default_factory=_rsa_key)
    kid: str = "test-key-1"
    # A key the OP does not publish: ID tokens signed with it must be refused.
    sign_with: rsa.RSAPrivateKey | None = None
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    tokens: dict[str, dict[str, Any]] = field(default_factory=dict)
    token_requests: list[dict[str, list[str]]] = field(default_factory=list)

    endpoints = {
        "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{ISSUER}/authorize",
        "OIDC_OP_TOKEN_ENDPOINT": f"{ISSUER}/token",
        "OIDC_OP_USER_ENDPOINT": f"{ISSUER}/userinfo",
        "OIDC_OP_JWKS_ENDPOINT": f"{ISSUER}/jwks",
        "OIDC_OP_LOGOUT_ENDPOINT": f"{ISSUER}/logout",
    }

    def register(self, mock: responses.RequestsMock) -> None:
        mock.add_callback(responses.POST, f"{ISSUER}/token", callback=self._token)
        mock.add_callback(responses.GET, f"{ISSUER}/userinfo", callback=self._userinfo)
        mock.add_callback(responses.GET, f"{ISSUER}/jwks", callback=self._jwks)

    def sign_in(self, authorize_url: str, claims: dict[str, Any], *, nonce: str | None = None) -> str:
        """The user signs in at the OP: returns the callback URL (path and query) the browser is sent to."""
        parts = urlsplit(authorize_url)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{ISSUER}/authorize"
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert query["response_type"] == "code" and query["client_id"] == CLIENT_ID
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "claims": claims,
            "nonce": query.get("nonce") if nonce is None else nonce,
            "redirect_uri": query["redirect_uri"],
            "code_challenge": query.get("code_challenge"),
        }
        callback = urlsplit(query["redirect_uri"])
        return f"{callback.path}?{urlencode({'code': code, 'state': query['state']})}"

    def _token(self, request: Any) -> tuple[int, dict[str, str], str]:
        form = parse_qs(request.body)
        self.token_requests.append(form)
        grant = self.codes.pop(form["code"][0], None)
        ok = (
            grant is not None
            and form["client_id"] == [CLIENT_ID] and form["client_secret"] == [CLIENT_SECRET]
            and form["redirect_uri"] == [grant["redirect_uri"]]
            and _pkce_ok(grant["code_challenge"], form.get("code_verifier", [""])[0])
        )
        if not ok:
            return 400, {}, json.dumps({"error": "invalid_grant"})
        access_token = secrets.token_urlsafe(24)
        self.tokens[access_token] = grant["claims"]
        now = int(time.time())
        id_claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": grant["claims"].get("sub", "s-1"),
                     "iat": now, "exp": now + 300, "nonce": grant["nonce"]}
        id_token = jwt.encode(id_claims, self.sign_with or self.key, algorithm="RS256", headers={"kid": self.kid})
        body = {"access_token": access_token, "token_type": "Bearer", "expires_in": 300, "id_token": id_token}
        return 200, {"Content-Type": "application/json"}, json.dumps(body)

    def _userinfo(self, request: Any) -> tuple[int, dict[str, str], str]:
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if token not in self.tokens:
            return 401, {}, ""
        return 200, {"Content-Type": "application/json"}, json.dumps(self.tokens[token], ensure_ascii=False)

    def _jwks(self, request: Any) -> tuple[int, dict[str, str], str]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update({"kid": self.kid, "alg": "RS256", "use": "sig"})
        return 200, {"Content-Type": "application/json"}, json.dumps({"keys": [jwk]})


def _pkce_ok(challenge: str | None, verifier: str) -> bool:
    if challenge is None:
        return True
    digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return digest == challenge


CAS_SERVER = "https://cas.example.test/cas/"


def cas_success(username: str, attributes: dict[str, list[str] | str]) -> str:
    """A CAS 3.0 serviceValidate answer for a valid ticket."""
    attrs = ""
    for name, values in attributes.items():
        for value in values if isinstance(values, list) else [values]:
            attrs += f"<cas:{name}>{value}</cas:{name}>"
    return (
        "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'><cas:authenticationSuccess>"
        f"<cas:user>{username}</cas:user><cas:attributes>{attrs}</cas:attributes>"
        "</cas:authenticationSuccess></cas:serviceResponse>"
    )


def cas_failure(ticket: str) -> str:
    return (
        "<cas:serviceResponse xmlns:cas='http://www.yale.edu/tp/cas'>"
        f"<cas:authenticationFailure code='INVALID_TICKET'>Ticket {ticket} not recognized</cas:authenticationFailure>"
        "</cas:serviceResponse>"
    )
