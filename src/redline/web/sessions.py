"""Browser sessions in signed cookies, and the CSRF token that every form carries.

A cookie holds the user id, the user's session generation, a random nonce and an expiry,
signed with HMAC-SHA256 under the server's key: the server keeps no session table, yet a client
cannot forge or extend one. Revoking is by generation: each page request compares the cookie's
with the user's row it loads anyway, and logging out moves the user's on, so every copy of
every cookie issued before is refused (`store.accounts.end_sessions`). The CSRF token is derived
from the nonce, so a page from another site cannot know it; logging in issues a fresh nonce, so
a token seen before login is worthless after.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass

import orjson

COOKIE_NAME = "redline_session"


@dataclass(frozen=True, slots=True)
class Session:
    user_id: int | None
    nonce: str
    expires: int  # unix seconds
    generation: int = 0  # the user's session generation when it was issued

    @classmethod
    def anonymous(cls, lifetime_s: int) -> Session:
        return cls(None, secrets.token_urlsafe(16), int(time.time()) + lifetime_s)

    def for_user(self, user_id: int, generation: int, lifetime_s: int) -> Session:
        return Session(
            user_id, secrets.token_urlsafe(16), int(time.time()) + lifetime_s, generation
        )


class SessionCodec:
    """Signs and checks session cookies and CSRF tokens with one key."""

    def __init__(self, key: bytes) -> None:
        self._key = key

    def _sign(self, data: bytes) -> str:
        digest = hmac.new(self._key, data, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def encode(self, session: Session) -> str:
        payload = orjson.dumps(
            {"u": session.user_id, "n": session.nonce, "e": session.expires,
             "g": session.generation}
        )  # fmt: skip
        body = base64.urlsafe_b64encode(payload).decode().rstrip("=")
        return f"{body}.{self._sign(body.encode())}"

    def decode(self, cookie: str | None) -> Session | None:
        """The session in a cookie, or None when it is missing, forged, malformed or expired.

        A user's session without a generation (issued before sessions had one) is malformed:
        nothing could ever revoke it.
        """
        if not cookie or cookie.count(".") != 1:
            return None
        body, signature = cookie.split(".")
        if not hmac.compare_digest(signature, self._sign(body.encode())):
            return None
        try:
            data = orjson.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            user_id = data["u"]
            generation = int(data["g"] if user_id is not None else data.get("g", 0))
            session = Session(user_id, str(data["n"]), int(data["e"]), generation)
        except (ValueError, KeyError, TypeError):
            return None
        return session if session.expires > time.time() else None

    def csrf_token(self, session: Session) -> str:
        return self._sign(b"csrf:" + session.nonce.encode())

    def check_csrf(self, session: Session, token: str | None) -> bool:
        return bool(token) and hmac.compare_digest(token or "", self.csrf_token(session))
