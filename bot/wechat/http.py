"""The few WeChat / WeCom HTTP endpoints we call, over the aiohttp we already ship.

wechatpy 1.8 sends with synchronous `requests` (no default timeout) in a worker thread; we
keep its crypto and XML parsing and do the HTTP here: every request has a deadline, every
answer a size cap, and all go to the configured API base.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import aiohttp
from wechatpy.exceptions import WeChatClientException

MAX_JSON = 256 * 1024  # WeChat's JSON answers are a few hundred bytes; more is not WeChat
_CHUNK = 64 * 1024


class TooLarge(Exception):
    """An answer over its size cap: read no further."""


@dataclass(frozen=True)
class Download:
    data: bytes
    content_type: str


def _decode(raw: bytes) -> dict[str, Any]:
    """WeChat's JSON (it sometimes declares a wrong charset, so bytes are read as UTF-8);
    a non-zero errcode raised as wechatpy's exception, which delivery maps to outcomes."""
    try:
        answer = json.loads(raw.decode("utf-8", "ignore"), strict=False)
    except ValueError as exc:
        raise WeChatClientException(-1, f"not JSON: {raw[:80]!r}") from exc
    if not isinstance(answer, dict):
        raise WeChatClientException(-1, f"not a JSON object: {raw[:80]!r}")
    if answer.get("errcode"):
        raise WeChatClientException(answer["errcode"], answer.get("errmsg"))
    return answer


async def _read(res: aiohttp.ClientResponse, limit: int) -> bytes:
    """The body, refused as soon as it (or what it declares) passes `limit` bytes."""
    if res.content_length is not None and res.content_length > limit:
        raise TooLarge(f"declared {res.content_length} bytes, over {limit}")
    body = bytearray()
    async for chunk in res.content.iter_chunked(_CHUNK):
        body += chunk
        if len(body) > limit:
            raise TooLarge(f"over {limit} bytes")
    return bytes(body)


class WeChatHttp:
    """One aiohttp session for one app's API (opened on first use, in the running loop)."""

    def __init__(self, base: str, timeout: float) -> None:
        self.base, self.timeout = base, timeout
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return self._session

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _deadline(self, seconds: float | None) -> aiohttp.ClientTimeout:
        # `total` covers connecting, sending and reading the whole body: a server that
        # drips bytes is cut off too.
        return aiohttp.ClientTimeout(total=seconds or self.timeout)

    async def get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        async with self._open().get(
            self.base + path, params=params, timeout=self._deadline(None)
        ) as res:
            return _decode(await _read(res, MAX_JSON))

    async def post(
        self, path: str, body: dict[str, Any], params: dict[str, str] | None = None
    ) -> dict[str, Any]:
        # UTF-8 as is, not \\u escapes, as wechatpy sends it: WeChat shows escapes literally
        # in some fields.
        data = json.dumps(body, ensure_ascii=False).encode()
        headers = {"Content-Type": "application/json; charset=utf-8"}
        async with self._open().post(
            self.base + path,
            params=params or {},
            data=data,
            headers=headers,
            timeout=self._deadline(None),
        ) as res:
            return _decode(await _read(res, MAX_JSON))

    async def download(
        self, path: str, params: dict[str, str], kind: str, limit: int, seconds: float
    ) -> Download:
        """A file whose content type starts with `kind` (e.g. "image/"), at most `limit`
        bytes, within `seconds` all told. WeChat's JSON error is raised as such (so a stale
        token is replaced); another answer that is not the file raises ValueError."""
        async with self._open().get(
            self.base + path, params=params, timeout=self._deadline(seconds)
        ) as res:
            got = (res.content_type or "").lower()
            if res.status == 200 and got.startswith(kind):
                return Download(await _read(res, limit), got)
            try:
                raw = await _read(res, MAX_JSON)
            except TooLarge as exc:  # a large error page: still an error, not a big file
                raise ValueError(f"HTTP {res.status}, {got}: {exc}") from exc
            if got in ("application/json", "text/plain"):
                _decode(raw)  # raises WeChat's errcode
            raise ValueError(f"HTTP {res.status}, {got or 'no content type'}")

    async def download_any(
        self, path: str, params: dict[str, str], limit: int, seconds: float
    ) -> Download:
        """A file of any type (a CSV may come as text/plain), at most `limit` bytes; an answer
        that is WeChat's JSON error is raised as such, a failed HTTP status as ValueError."""
        async with self._open().get(
            self.base + path, params=params, timeout=self._deadline(seconds)
        ) as res:
            got = (res.content_type or "").lower()
            raw = await _read(res, limit)
        if raw[:1] == b"{" and b'"errcode"' in raw[:64]:
            _decode(raw)  # raises WeChat's errcode; errcode 0 would be a JSON file
        if res.status != 200:
            raise ValueError(f"HTTP {res.status}, {got or 'no content type'}")
        return Download(raw, got)

    async def upload(
        self, path: str, params: dict[str, str], filename: str, data: bytes, mime: str,
        seconds: float,
    ) -> dict[str, Any]:  # fmt: skip
        """A multipart upload as WeChat wants it: the file in the field "media", its name raw
        UTF-8 (aiohttp would percent-encode a Chinese name, and WeCom show it so)."""
        form = aiohttp.FormData(quote_fields=False)
        form.add_field("media", data, filename=filename, content_type=mime)
        async with self._open().post(
            self.base + path, params=params, data=form, timeout=self._deadline(seconds)
        ) as res:
            return _decode(await _read(res, MAX_JSON))
