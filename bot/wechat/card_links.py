"""Links from a WeCom text card to the page of its message: unguessable and expiring.

A link is `<outbox id>.<expires, unix s>.<HMAC-SHA256 of both>`: nothing is stored per link,
any instance can check one, and changing either number breaks the signature. The key is
derived from the WeCom app secret (a secret we already hold, and only from the environment)
under a label of its own, so the secret itself never signs anything; rotating the secret
voids every link, which is what rotation should do.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import timedelta

from handlers.clock import Clock

CARD_PATH = "/wechat/work/card/"
_LABEL = b"chatcrm:wecom-card-link:v1"
_TOKEN = re.compile(r"([0-9]{1,18})\.([0-9]{1,12})\.([A-Za-z0-9_-]{43})")


class LinkRefused(Exception):
    """A link that opens nothing: `why` is "invalid" (forged, garbled) or "expired"."""

    def __init__(self, why: str) -> None:
        super().__init__(why)
        self.why = why


class CardLinks:
    def __init__(self, public_url: str, secret: str, clock: Clock, ttl: timedelta) -> None:
        self.base = public_url.rstrip("/") + CARD_PATH
        self._key = hmac.new(secret.encode(), _LABEL, hashlib.sha256).digest()
        self.clock, self.ttl = clock, ttl

    def url(self, entry_id: int) -> str:
        expires = int((self.clock.now() + self.ttl).timestamp())
        return f"{self.base}{entry_id}.{expires}.{self._sign(entry_id, expires)}"

    def check(self, token: str) -> int:
        """The outbox id the link opens; LinkRefused if it was not made here or is too old."""
        found = _TOKEN.fullmatch(token)
        if found is None:
            raise LinkRefused("invalid")
        entry_id, expires = int(found[1]), int(found[2])
        if not hmac.compare_digest(found[3], self._sign(entry_id, expires)):
            raise LinkRefused("invalid")
        if expires <= self.clock.now().timestamp():  # checked after the signature: no oracle
            raise LinkRefused("expired")
        return entry_id

    def _sign(self, entry_id: int, expires: int) -> str:
        mac = hmac.new(self._key, f"{entry_id}.{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac).decode().rstrip("=")
