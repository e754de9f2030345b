"""Fetch a product page a shopper named, safely: :class:`SafeFetcher`.

- only ``http``/``https``, no credentials in the URL, only ports 80/443 by default;
- the host is resolved first (the event loop's ``getaddrinfo``, injectable) and *every*
  address checked (:mod:`shopguard.prices.addresses`); the request then goes to the checked
  address with the original ``Host`` header and TLS server name, so a second DNS answer can
  never point it elsewhere;
- redirects are followed by hand, each hop checked like the first (at most ``max_redirects``);
- timeouts per phase and for the whole exchange; the body is streamed and cut at
  ``max_bytes`` (after decompression); only HTML is accepted;
- one host is asked at most once per ``min_host_interval`` (with jitter); 429 and 5xx are
  retried with exponential back-off (``Retry-After`` respected, capped);
- a clear User-Agent; no cookies kept, no proxy from the environment, no connection reuse
  (a kept-alive TLS connection to a shared CDN address must not serve another host name).

Failures are values (:class:`FetchError` with a ``code``), never exceptions to the caller.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, replace
from typing import Final, Literal

import httpx

from shopguard.prices.addresses import (
    IPAddress,
    Resolver,
    blocked_reason,
    parse_address,
    system_resolver,
)
from shopguard.prices.charset import decode_html
from shopguard.prices.hostlimit import HostRateLimiter

FetchErrorCode = Literal[
    "bad_url",  # not http(s), credentials in it, no host, unparsable
    "blocked_port",  # a port other than the allowed ones
    "blocked_address",  # resolves to loopback / private / link-local / … addresses
    "dns_failure",
    "connect_failed",
    "timeout",
    "too_large",
    "http_status",  # a non-2xx answer (after retries for 429/5xx); ``status`` says which
    "not_html",
    "too_many_redirects",
    "network",  # any other transport failure
]
_PERMANENT: Final[frozenset[FetchErrorCode]] = frozenset(
    {"bad_url", "blocked_port", "blocked_address", "not_html", "too_large", "too_many_redirects"}
)
DEFAULT_USER_AGENT: Final = (
    "ShopGuardBot/0.1 (price-protection check of one product page a shopper asked to watch)"
)
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})
_HTML_TYPES: Final = frozenset({"text/html", "application/xhtml+xml"})
_DEFAULT_PORTS: Final = {"http": 80, "https": 443}
_MAX_URL: Final = 2048


@dataclass(frozen=True)
class FetchSettings:
    user_agent: str = DEFAULT_USER_AGENT
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 20.0  # one request/response exchange, body included
    max_bytes: int = 2 * 1024 * 1024
    max_redirects: int = 5
    min_host_interval: float = 5.0
    jitter: float = 0.25
    max_retries: int = 2  # extra tries after a 429 / 5xx
    backoff_base: float = 2.0  # seconds; doubled each retry
    backoff_max: float = 60.0  # also the cap on Retry-After
    allow_loopback: bool = False  # tests talking to a local server
    allowed_ports: frozenset[int] | None = frozenset({80, 443})  # None: any port


@dataclass(frozen=True)
class FetchError:
    code: FetchErrorCode
    detail: str = ""
    url: str = ""
    status: int | None = None

    @property
    def permanent(self) -> bool:
        """Retrying later will not help (a blocked address, a removed page…)."""
        if self.code == "http_status" and self.status is not None:
            return 400 <= self.status < 500 and self.status not in (408, 425, 429)
        return self.code in _PERMANENT


@dataclass(frozen=True)
class FetchedPage:
    url: str  # the final URL, after redirects
    status: int
    html: str
    content_type: str
    redirects: tuple[str, ...] = ()  # the URLs redirected from, in order


@dataclass(frozen=True)
class _Target:
    url: httpx.URL
    host: str  # ASCII (IDNA) host name or address
    port: int
    host_header: str


@dataclass(frozen=True)
class _Redirect:
    location: str


@dataclass(frozen=True)
class _Retry:
    status: int
    retry_after: float | None


class SafeFetcher:
    """One per process: the per-host spacing is shared by every watch that uses it."""

    def __init__(
        self,
        settings: FetchSettings | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        resolver: Resolver = system_resolver,
        limiter: HostRateLimiter | None = None,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        """``transport``, ``resolver``, ``limiter`` and ``ssl_context`` (trusted CAs) are for
        tests; production uses the defaults."""
        self.settings = settings or FetchSettings()
        s = self.settings
        self._resolver = resolver
        self.limiter = limiter or HostRateLimiter(s.min_host_interval, s.jitter)
        self._client = httpx.AsyncClient(
            transport=transport,
            timeout=httpx.Timeout(
                connect=s.connect_timeout, read=s.read_timeout, write=s.read_timeout, pool=5.0
            ),
            limits=httpx.Limits(max_keepalive_connections=0),
            verify=ssl_context if ssl_context is not None else True,
            follow_redirects=False,
            trust_env=False,
            headers={
                "User-Agent": s.user_agent,
                "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
                "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
                "Accept-Encoding": "gzip, deflate",
            },
        )

    async def __aenter__(self) -> SafeFetcher:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def fetch(self, url: str) -> FetchedPage | FetchError:
        """The HTML page at ``url`` (redirects followed), or why not."""
        try:
            return await self._fetch(url)
        except (TimeoutError, httpx.TimeoutException) as exc:
            return FetchError("timeout", type(exc).__name__, url)
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, OSError) as exc:
            return FetchError("network", type(exc).__name__, url)

    async def _fetch(self, url: str) -> FetchedPage | FetchError:
        current = url
        visited: list[str] = []
        for _hop in range(self.settings.max_redirects + 1):
            target = self._target(current)
            if isinstance(target, FetchError):
                return target
            addresses = await self._addresses(target)
            if isinstance(addresses, FetchError):
                return addresses
            reply = await self._with_retries(target, addresses)
            if isinstance(reply, FetchedPage):
                return replace(reply, redirects=tuple(visited))
            if isinstance(reply, FetchError):
                return reply
            visited.append(str(target.url))
            try:
                current = str(target.url.join(reply.location))
            except httpx.InvalidURL:
                return FetchError("bad_url", "bad redirect location", str(target.url))
        return FetchError("too_many_redirects", f"more than {self.settings.max_redirects}", url)

    def _target(self, url: str) -> _Target | FetchError:
        if len(url) > _MAX_URL:
            return FetchError("bad_url", "too long", url[:100])
        try:
            parsed = httpx.URL(url.strip())
            host = parsed.raw_host.decode("ascii").lower()
        except (httpx.InvalidURL, UnicodeError, ValueError):
            return FetchError("bad_url", "not a URL", url)
        if parsed.scheme not in _DEFAULT_PORTS:
            return FetchError("bad_url", f"scheme {parsed.scheme!r}", url)
        if parsed.userinfo:
            return FetchError("bad_url", "credentials in the URL", url)
        if not host:
            return FetchError("bad_url", "no host", url)
        default = _DEFAULT_PORTS[parsed.scheme]
        port = parsed.port or default
        allowed = self.settings.allowed_ports
        if allowed is not None and port not in allowed:
            return FetchError("blocked_port", str(port), url)
        shown = f"[{host}]" if ":" in host else host
        header = shown if port == default else f"{shown}:{port}"
        return _Target(parsed.copy_with(fragment=None), host, port, header)

    async def _addresses(self, target: _Target) -> list[IPAddress] | FetchError:
        literal = parse_address(target.host)
        if literal is not None:
            found = [literal]
        else:
            try:
                async with asyncio.timeout(self.settings.connect_timeout):
                    texts = await self._resolver(target.host, target.port)
            except TimeoutError:  # before OSError: TimeoutError is one
                return FetchError("timeout", "DNS lookup", str(target.url))
            except OSError as exc:
                return FetchError("dns_failure", str(exc)[:100], str(target.url))
            found = [a for a in map(parse_address, texts) if a is not None]
        if not found:
            return FetchError("dns_failure", "no address", str(target.url))
        for address in found:
            reason = blocked_reason(address, allow_loopback=self.settings.allow_loopback)
            if reason is not None:
                return FetchError("blocked_address", f"{reason} {address}", str(target.url))
        return found

    async def _with_retries(
        self, target: _Target, addresses: list[IPAddress]
    ) -> FetchedPage | FetchError | _Redirect:
        s = self.settings
        for attempt in range(s.max_retries + 1):
            await self.limiter.wait(target.host)
            reply = await self._exchange(target, addresses)
            if not isinstance(reply, _Retry):
                return reply
            if attempt == s.max_retries:
                url = str(target.url)
                return FetchError("http_status", "still failing after retries", url, reply.status)
            delay = min(s.backoff_max, s.backoff_base * 2**attempt)
            if reply.retry_after is not None:
                delay = max(delay, min(s.backoff_max, reply.retry_after))
            self.limiter.hold(target.host, self.limiter.jittered(delay))
        raise AssertionError("unreachable")  # pragma: no cover

    async def _exchange(
        self, target: _Target, addresses: list[IPAddress]
    ) -> FetchedPage | FetchError | _Redirect | _Retry:
        """One request, to the first checked address that accepts a connection."""
        extensions: dict[str, object] = {}
        if target.url.scheme == "https" and parse_address(target.host) is None:
            extensions["sni_hostname"] = target.host  # the certificate is checked for the name
        failure = ""
        for address in addresses:
            request = self._client.build_request(
                "GET",
                target.url.copy_with(host=str(address)),
                headers={"Host": target.host_header},
                extensions=extensions,
            )
            try:
                async with asyncio.timeout(self.settings.total_timeout):
                    response = await self._client.send(request, stream=True)
                    try:
                        return await self._read(response, target)
                    finally:
                        await response.aclose()
            except httpx.ConnectError as exc:
                failure = f"{address}: {exc}"[:200]
        return FetchError("connect_failed", failure, str(target.url))

    async def _read(
        self, response: httpx.Response, target: _Target
    ) -> FetchedPage | FetchError | _Redirect | _Retry:
        status = response.status_code
        url = str(target.url)
        if status in _REDIRECTS:
            location = response.headers.get("location", "").strip()
            if not location:
                return FetchError("http_status", "redirect without a location", url, status)
            return _Redirect(location)
        if status == 429 or status >= 500:
            return _Retry(status, _retry_after(response.headers.get("retry-after")))
        if not 200 <= status < 300:
            return FetchError("http_status", response.reason_phrase, url, status)
        content_type = response.headers.get("content-type", "")
        mime = content_type.split(";", 1)[0].strip().lower()
        if mime and mime not in _HTML_TYPES:
            return FetchError("not_html", mime, url)
        limit = self.settings.max_bytes
        length = response.headers.get("content-length", "")
        if length.isdigit() and int(length) > limit:
            return FetchError("too_large", f"Content-Length {length}", url)
        body = bytearray()
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > limit:
                return FetchError("too_large", f"more than {limit} bytes", url)
        if not mime and not bytes(body[:512]).lstrip().startswith(b"<"):
            return FetchError("not_html", "no content type, not markup", url)
        return FetchedPage(url, status, decode_html(bytes(body), content_type), mime)


def _retry_after(value: str | None) -> float | None:
    """Seconds of a ``Retry-After`` header (the HTTP-date form is ignored: back-off applies)."""
    if value is None or not value.strip().isdigit():
        return None
    return float(value.strip())
