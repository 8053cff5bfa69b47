"""The candidate page's guards: CSRF tokens, encrypted option choices, rate limits, security headers."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets

from cryptography.fernet import Fernet, InvalidToken
from flask import Response, abort, request, session

CSRF_FIELD = "csrf_token"
# No inline script or style: everything comes from /candidate/static.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",  # the token is in the URL
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}


def page_secret(signing_secret: str | None) -> bytes:
    """The key for the page's session cookie and signed choices: derived from Slack's signing secret
    (the same on every replica), or random per process when there is none (Socket Mode)."""
    if not signing_secret:
        return secrets.token_bytes(32)
    return hmac.new(signing_secret.encode(), b"loopbot candidate page", hashlib.sha256).digest()


def csrf_token() -> str:
    """This browser's CSRF token (kept in the signed session cookie), made on first use."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(24)
        session[CSRF_FIELD] = token
    return token


def check_csrf() -> None:
    """Refuse (400) a POST whose form token does not match the session's."""
    sent = request.form.get(CSRF_FIELD, "")
    kept = session.get(CSRF_FIELD)
    if not isinstance(kept, str) or not hmac.compare_digest(sent.encode(), kept.encode()):
        abort(400)


def add_headers(response: Response) -> Response:
    """The security headers every candidate page carries."""
    for name, value in HEADERS.items():
        response.headers[name] = value
    return response


class Choices:
    """Option choices for one link, encrypted and authenticated (Fernet), so a page can neither be
    edited into other times nor read for who is on the panel (a choice holds Slack user ids)."""

    def __init__(self, secret: bytes) -> None:
        key = hmac.new(secret, b"loopbot-choice", hashlib.sha256).digest()
        self.fernet = Fernet(base64.urlsafe_b64encode(key))

    def sign(self, link_id: int, encoded: str) -> str:
        """The opaque value a form carries for `encoded` on link `link_id`."""
        return self.fernet.encrypt(json.dumps([link_id, encoded]).encode()).decode()

    def read(self, link_id: int, signed: str) -> str | None:
        """The encoded choice, or None when the value was altered or belongs to another link."""
        try:
            value = json.loads(self.fernet.decrypt(signed.encode()))
        except (InvalidToken, ValueError):
            return None
        if not (isinstance(value, list) and len(value) == 2 and value[0] == link_id):
            return None
        return str(value[1])
