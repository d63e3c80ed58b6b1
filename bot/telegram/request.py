"""PTB's way to the Bot API over aiohttp instead of httpx (PTB's BaseRequest extension point).

Sending was a large share of the server's CPU at Telegram's 30 messages/s: httpcore's pool
checks every connection on every request, and aiohttp's round trip costs a fraction of
httpx's (bench/delivery_cost.py measures it; figures in docs/benchmarks.md). PTB still
builds every request and parses every answer; only the HTTP round trip is ours.

Proxies come from the environment (HTTPS_PROXY, NO_PROXY, ...) as with `trust_env`, but are
looked up once per host: `trust_env` reads ~/.netrc and the environment in a worker thread on
every request, two thread hops that cost more than the request itself.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from aiohttp.helpers import get_env_proxy_for_url
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData
from yarl import URL

Proxy = tuple[URL | None, aiohttp.BasicAuth | None]


class AiohttpRequest(BaseRequest):
    """One aiohttp session with at most `pool_size` connections, PTB's timeouts by default."""

    def __init__(
        self,
        pool_size: int = 32,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
    ) -> None:
        self._pool_size = pool_size
        self._defaults = (read_timeout, write_timeout, connect_timeout, pool_timeout)
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[tuple[str, str], Proxy] = {}  # by (scheme, host)

    @property
    def read_timeout(self) -> float | None:
        return self._defaults[0]

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._pool_size)
            self._session = aiohttp.ClientSession(connector=connector)

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        read, write, connect, pool = (
            default if given is BaseRequest.DEFAULT_NONE else given
            for given, default in zip(
                (read_timeout, write_timeout, connect_timeout, pool_timeout),
                self._defaults,
                strict=True,
            )
        )
        limits: list[float] = [x for x in (read, write, connect, pool) if x is not None]
        timeout = aiohttp.ClientTimeout(
            # aiohttp has no write timeout: a stalled upload ends at the sum of all four
            total=sum(limits) if len(limits) == 4 else None,
            # its `connect` counts the wait for a pooled connection and the connecting
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=read,
        )
        proxy, proxy_auth = self._proxy_for(URL(url))
        try:
            async with self._session.request(
                method,
                url,
                data=_body(request_data),
                headers={"User-Agent": self.USER_AGENT},
                timeout=timeout,
                proxy=proxy,
                proxy_auth=proxy_auth,
            ) as response:
                return response.status, await response.read()
        except TimeoutError as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err

    def _proxy_for(self, url: URL) -> Proxy:
        """The environment's proxy for this host (None: connect directly), read once."""
        key = (url.scheme, url.host or "")
        if key not in self._proxies:
            try:
                self._proxies[key] = get_env_proxy_for_url(url)
            except LookupError:  # no proxy set for the scheme, or NO_PROXY names the host
                self._proxies[key] = (None, None)
        return self._proxies[key]


def _body(request_data: RequestData | None) -> aiohttp.FormData | dict[str, str] | None:
    """Form fields as PTB encodes them; files (photos, exports) as multipart parts."""
    if request_data is None:
        return None
    if not request_data.contains_files:
        return request_data.json_parameters
    # Raw UTF-8 names, as PTB's own httpx client sends them: aiohttp would percent-encode
    # them, and Telegram would show a Chinese file name as %E5%90%8D….
    form = aiohttp.FormData(quote_fields=False)
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, (filename, content, mime) in request_data.multipart_data.items():
        form.add_field(name, content, filename=filename, content_type=mime)
    return form
