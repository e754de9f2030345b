"""SafeFetcher: SSRF guard after DNS, redirects checked hop by hop, size cap, timeouts,
per-host spacing with jitter and back-off — all through httpx.MockTransport, an injected
resolver and an injected clock; one test talks to a real loopback server."""

from __future__ import annotations

import asyncio
import shutil
import socket
import ssl
import subprocess
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from aiohttp import web

from shopguard.prices import (
    DEFAULT_USER_AGENT,
    FetchedPage,
    FetchError,
    FetchSettings,
    HostRateLimiter,
    Resolver,
    SafeFetcher,
    blocked_reason,
)
from shopguard.prices.addresses import parse_address
from shopguard.prices.charset import decode_html
from tests.conftest import missing_service

PUBLIC = "93.184.216.34"
PUBLIC_2 = "93.184.216.35"
PAGE = "<html><head><title>ok</title></head><body>ok</body></html>"


@dataclass
class FakeTime:
    """A monotonic clock that only moves when someone sleeps."""

    now: float = 1000.0
    sleeps: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class Recorder:
    """The requests the transport saw, with the fake time at which each arrived."""

    requests: list[httpx.Request] = field(default_factory=list)
    times: list[float] = field(default_factory=list)


Handler = Callable[[httpx.Request], httpx.Response]

DNS: dict[str, list[str]] = {
    "shop.example.cn": [PUBLIC],
    "other.example.cn": [PUBLIC_2],
    "two.example.cn": [PUBLIC, PUBLIC_2],
    "intranet.example.cn": ["10.0.0.5"],
    "metadata.example.cn": ["169.254.169.254"],
    "localhost.example.cn": ["127.0.0.1"],
    "v6loop.example.cn": ["::1"],
    "mixed.example.cn": [PUBLIC, "192.168.1.10"],
}


def make_resolver(table: Mapping[str, list[str]], calls: list[str] | None = None) -> Resolver:
    async def resolve(host: str, port: int) -> list[str]:
        if calls is not None:
            calls.append(host)
        if host not in table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return table[host]

    return resolve


def make_fetcher(
    handler: Handler,
    *,
    settings: FetchSettings | None = None,
    time: FakeTime | None = None,
    recorder: Recorder | None = None,
    dns: Mapping[str, list[str]] = DNS,
    dns_calls: list[str] | None = None,
    rand: Callable[[], float] = lambda: 0.5,
) -> SafeFetcher:
    time = time or FakeTime()
    settings = settings or FetchSettings(min_host_interval=10.0, jitter=0.2)

    def recording(request: httpx.Request) -> httpx.Response:
        if recorder is not None:
            recorder.requests.append(request)
            recorder.times.append(time.now)
        return handler(request)

    limiter = HostRateLimiter(
        settings.min_host_interval,
        settings.jitter,
        monotonic=time.monotonic,
        sleep=time.sleep,
        rand=rand,
    )
    return SafeFetcher(
        settings,
        transport=httpx.MockTransport(recording),
        resolver=make_resolver(dns, dns_calls),
        limiter=limiter,
    )


def html(body: str = PAGE, status: int = 200, **headers: str) -> httpx.Response:
    return httpx.Response(
        status,
        content=body.encode(),
        headers={"content-type": "text/html; charset=utf-8", **headers},
    )


def ok(request: httpx.Request) -> httpx.Response:
    return html()


# --- the happy path and pinning -------------------------------------------------------------


async def test_fetches_a_page_from_the_checked_address_with_the_real_host_name() -> None:
    seen = Recorder()
    async with make_fetcher(ok, recorder=seen) as fetcher:
        page = await fetcher.fetch("https://shop.example.cn/item/1.html?sku=2#reviews")
    assert isinstance(page, FetchedPage)
    assert page.html == PAGE
    assert page.url == "https://shop.example.cn/item/1.html?sku=2"
    (request,) = seen.requests
    assert request.url.host == PUBLIC  # connected to the address that was checked
    assert request.url.path == "/item/1.html"
    assert request.headers["host"] == "shop.example.cn"
    assert request.extensions["sni_hostname"] == "shop.example.cn"  # TLS checks the name
    assert request.headers["user-agent"] == DEFAULT_USER_AGENT
    assert "ShopGuard" in DEFAULT_USER_AGENT


async def test_a_non_default_port_stays_in_the_host_header() -> None:
    seen = Recorder()
    settings = FetchSettings(allowed_ports=None)
    async with make_fetcher(ok, recorder=seen, settings=settings) as fetcher:
        page = await fetcher.fetch("http://shop.example.cn:8080/x")
    assert isinstance(page, FetchedPage)
    assert seen.requests[0].headers["host"] == "shop.example.cn:8080"
    assert seen.requests[0].url.port == 8080
    assert "sni_hostname" not in seen.requests[0].extensions


# --- SSRF ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "why"),
    [
        ("localhost.example.cn", "loopback"),
        ("v6loop.example.cn", "loopback"),
        ("intranet.example.cn", "private"),
        ("metadata.example.cn", "link_local"),
        ("mixed.example.cn", "private"),  # one bad record is enough
    ],
)
async def test_names_resolving_to_internal_addresses_are_refused(host: str, why: str) -> None:
    seen = Recorder()
    async with make_fetcher(ok, recorder=seen) as fetcher:
        result = await fetcher.fetch(f"http://{host}/item")
    assert isinstance(result, FetchError)
    assert result.code == "blocked_address"
    assert result.detail.startswith(why)
    assert result.permanent
    assert seen.requests == []  # nothing was sent


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://127.1.2.3/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.5/",
        "http://192.168.0.1/",
        "http://172.16.0.1/",
        "http://0.0.0.0/",
        "http://[::ffff:127.0.0.1]/",
        "http://[fe80::1]/",
        "http://[fd00::1]/",
        "http://224.0.0.1/",
        "http://100.64.0.1/",
        "http://240.0.0.1/",
    ],
)
async def test_literal_internal_addresses_are_refused_without_dns(url: str) -> None:
    seen, dns_calls = Recorder(), list[str]()
    async with make_fetcher(ok, recorder=seen, dns_calls=dns_calls) as fetcher:
        result = await fetcher.fetch(url)
    assert isinstance(result, FetchError)
    assert result.code == "blocked_address"
    assert seen.requests == []
    assert dns_calls == []


@pytest.mark.parametrize(
    "location",
    [
        "http://localhost.example.cn/admin",
        "http://metadata.example.cn/latest/meta-data/",
        "http://127.0.0.1:80/",
        "http://[::1]/",
        "//intranet.example.cn/",
    ],
)
async def test_a_redirect_to_an_internal_address_is_refused(location: str) -> None:
    seen = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": location})

    async with make_fetcher(handler, recorder=seen) as fetcher:
        result = await fetcher.fetch("http://shop.example.cn/item")
    assert isinstance(result, FetchError)
    assert result.code == "blocked_address"
    assert len(seen.requests) == 1  # the redirect itself was never requested


async def test_allow_loopback_lets_tests_reach_loopback_but_nothing_else() -> None:
    settings = FetchSettings(allow_loopback=True)
    async with make_fetcher(ok, settings=settings) as fetcher:
        assert isinstance(await fetcher.fetch("http://localhost.example.cn/"), FetchedPage)
        assert isinstance(await fetcher.fetch("http://[::1]/"), FetchedPage)
        refused = await fetcher.fetch("http://intranet.example.cn/")
    assert isinstance(refused, FetchError)
    assert refused.code == "blocked_address"


def test_address_policy() -> None:
    def why(text: str, allow_loopback: bool = False) -> str | None:
        address = parse_address(text)
        assert address is not None
        return blocked_reason(address, allow_loopback=allow_loopback)

    assert why(PUBLIC) is None
    assert why("2606:4700::1111") is None
    assert why("127.0.0.1") == "loopback"
    assert why("127.0.0.1", allow_loopback=True) is None
    assert why("::") == "unspecified"
    assert why("169.254.169.254") == "link_local"
    assert why("ff02::1") == "multicast"
    assert why("10.1.2.3") == "private"
    assert why("64:ff9b::a00:5") == "private"  # NAT64 of 10.0.0.5
    assert why("::ffff:169.254.169.254") == "link_local"
    assert why("100.64.0.1") == "not_global"
    assert why("fe80::1%eth0") == "link_local"


# --- URLs ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://shop.example.cn/x", "bad_url"),
        ("file:///etc/passwd", "bad_url"),
        ("javascript:alert(1)", "bad_url"),
        ("gopher://shop.example.cn:70/", "bad_url"),
        ("http://user:secret@shop.example.cn/", "bad_url"),
        ("http://user@shop.example.cn/", "bad_url"),
        ("not a url", "bad_url"),
        ("http:///no-host", "bad_url"),
        ("https://shop.example.cn/" + "a" * 3000, "bad_url"),
        ("http://shop.example.cn:8080/", "blocked_port"),
        ("http://shop.example.cn:22/", "blocked_port"),
        ("http://no-such-host.example.cn/", "dns_failure"),
    ],
)
async def test_bad_urls_are_values_not_exceptions(url: str, code: str) -> None:
    seen = Recorder()
    async with make_fetcher(ok, recorder=seen) as fetcher:
        result = await fetcher.fetch(url)
    assert isinstance(result, FetchError)
    assert result.code == code
    assert seen.requests == []


# --- redirects ----------------------------------------------------------------------------


async def test_redirects_are_followed_hop_by_hop() -> None:
    seen = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        host, path = request.headers["host"], request.url.path
        if (host, path) == ("shop.example.cn", "/short"):
            return httpx.Response(301, headers={"location": "/item/9.html"})
        if (host, path) == ("shop.example.cn", "/item/9.html"):
            return httpx.Response(302, headers={"location": "https://other.example.cn/p/9"})
        return html()

    async with make_fetcher(handler, recorder=seen) as fetcher:
        page = await fetcher.fetch("http://shop.example.cn/short")
    assert isinstance(page, FetchedPage)
    assert page.url == "https://other.example.cn/p/9"
    assert page.redirects == ("http://shop.example.cn/short", "http://shop.example.cn/item/9.html")
    assert [r.url.host for r in seen.requests] == [PUBLIC, PUBLIC, PUBLIC_2]


async def test_redirect_loops_end() -> None:
    seen = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "/again"})

    settings = FetchSettings(max_redirects=3, min_host_interval=0)
    async with make_fetcher(handler, recorder=seen, settings=settings) as fetcher:
        result = await fetcher.fetch("http://shop.example.cn/")
    assert isinstance(result, FetchError)
    assert result.code == "too_many_redirects"
    assert len(seen.requests) == 4


async def test_a_redirect_to_another_scheme_is_refused() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(302, headers={"location": "file:///etc/passwd"})

    async with make_fetcher(handler) as fetcher:
        result = await fetcher.fetch("http://shop.example.cn/")
    assert isinstance(result, FetchError)
    assert result.code == "bad_url"


# --- size, type, status -------------------------------------------------------------------


async def test_a_declared_large_body_is_refused_before_reading() -> None:
    pulled: list[int] = []

    async def body() -> AsyncIterator[bytes]:
        for n in range(100):
            pulled.append(n)
            yield b"x" * 1000

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, content=body(), headers={"content-type": "text/html", "content-length": "100000"}
        )

    settings = FetchSettings(max_bytes=10_000)
    async with make_fetcher(handler, settings=settings) as fetcher:
        result = await fetcher.fetch("http://shop.example.cn/")
    assert isinstance(result, FetchError)
    assert result.code == "too_large"
    assert pulled == []


async def test_a_streamed_body_is_cut_at_the_cap() -> None:
    pulled: list[int] = []

    async def body() -> AsyncIterator[bytes]:
        for n in range(1000):
            pulled.append(n)
            yield b"<p>" + b"x" * 997

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body(), headers={"content-type": "text/html"})

    settings = FetchSettings(max_bytes=10_000)
    async with make_fetcher(handler, settings=settings) as fetcher:
        result = await fetcher.fetch("http://shop.example.cn/")
    assert isinstance(result, FetchError)
    assert result.code == "too_large"
    assert len(pulled) <= 12  # stopped reading soon after the cap, not at 1000 chunks


async def test_a_body_just_under_the_cap_is_read() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return html("<p>" + "x" * 9_990)

    async with make_fetcher(handler, settings=FetchSettings(max_bytes=10_000)) as fetcher:
        assert isinstance(await fetcher.fetch("http://shop.example.cn/"), FetchedPage)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [("application/json", b'{"price": 1}'), ("image/png", b"\x89PNG"), ("", b"%PDF-1.4")],
)
async def test_only_html_is_accepted(content_type: str, body: bytes) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": content_type} if content_type else {}
        return httpx.Response(200, content=body, headers=headers)

    async with make_fetcher(handler) as fetcher:
        result = await fetcher.fetch("http://shop.example.cn/")
    assert isinstance(result, FetchError)
    assert result.code == "not_html"


async def test_a_missing_page_is_a_permanent_status_error_without_retries() -> None:
    seen = Recorder()
    async with make_fetcher(lambda r: html(status=404), recorder=seen) as fetcher:
        result = await fetcher.fetch("http://shop.example.cn/gone")
    assert isinstance(result, FetchError)
    assert (result.code, result.status, result.permanent) == ("http_status", 404, True)
    assert len(seen.requests) == 1


async def test_transport_errors_are_values() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("server hung up", request=request)

    async with make_fetcher(handler) as fetcher:
        result = await fetcher.fetch("http://shop.example.cn/")
    assert isinstance(result, FetchError)
    assert result.code == "network"
    assert not result.permanent


async def test_a_refused_connection_tries_the_next_checked_address() -> None:
    seen = Recorder()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.host == PUBLIC:
            raise httpx.ConnectError("refused", request=request)
        return html()

    async with make_fetcher(handler, recorder=seen) as fetcher:
        page = await fetcher.fetch("http://two.example.cn/")
    assert isinstance(page, FetchedPage)
    assert [r.url.host for r in seen.requests] == [PUBLIC, PUBLIC_2]


# --- timeouts -----------------------------------------------------------------------------


async def test_a_transport_timeout_is_a_timeout() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    async with make_fetcher(handler) as fetcher:
        result = await fetcher.fetch("http://shop.example.cn/")
    assert isinstance(result, FetchError)
    assert result.code == "timeout"


async def test_a_slow_dripping_body_hits_the_total_timeout() -> None:
    async def drip() -> AsyncIterator[bytes]:
        for _ in range(1000):
            await asyncio.sleep(0.01)
            yield b"<"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=drip(), headers={"content-type": "text/html"})

    settings = FetchSettings(total_timeout=0.1)
    async with make_fetcher(handler, settings=settings) as fetcher:
        started = asyncio.get_running_loop().time()
        result = await fetcher.fetch("http://shop.example.cn/")
        elapsed = asyncio.get_running_loop().time() - started
    assert isinstance(result, FetchError)
    assert result.code == "timeout"
    assert elapsed < 5  # the 10 s drip was cut off


async def test_a_hanging_resolver_is_a_timeout() -> None:
    async def hang(host: str, port: int) -> list[str]:
        await asyncio.sleep(30)
        return [PUBLIC]

    fetcher = SafeFetcher(
        FetchSettings(connect_timeout=0.05), transport=httpx.MockTransport(ok), resolver=hang
    )
    async with fetcher:
        result = await fetcher.fetch("http://shop.example.cn/")
    assert isinstance(result, FetchError)
    assert result.code == "timeout"


# --- politeness: spacing, jitter, back-off ------------------------------------------------


async def test_requests_to_one_host_are_spaced_with_jitter() -> None:
    time, seen = FakeTime(), Recorder()
    async with make_fetcher(ok, time=time, recorder=seen) as fetcher:
        for _ in range(3):
            assert isinstance(await fetcher.fetch("http://shop.example.cn/"), FetchedPage)
        assert isinstance(await fetcher.fetch("http://other.example.cn/"), FetchedPage)
    # 10 s × (1 + 0.2 × 0.5): the other host did not wait
    assert time.sleeps == [pytest.approx(11.0), pytest.approx(11.0)]
    assert seen.times == [pytest.approx(t) for t in (1000.0, 1011.0, 1022.0, 1022.0)]


async def test_jitter_varies_the_spacing() -> None:
    time = FakeTime()
    draws = iter([0.0, 1.0, 0.0])
    async with make_fetcher(ok, time=time, rand=lambda: next(draws)) as fetcher:
        for _ in range(3):
            await fetcher.fetch("http://shop.example.cn/")
    assert time.sleeps == [pytest.approx(10.0), pytest.approx(12.0)]


async def test_429_and_5xx_are_retried_with_exponential_backoff() -> None:
    time, seen = FakeTime(), Recorder()
    answers = iter([html(status=429), html(status=503), html()])
    settings = FetchSettings(min_host_interval=0, jitter=0.0, backoff_base=2.0, max_retries=2)
    async with make_fetcher(
        lambda r: next(answers), time=time, recorder=seen, settings=settings
    ) as fetcher:
        page = await fetcher.fetch("http://shop.example.cn/")
    assert isinstance(page, FetchedPage)
    assert time.sleeps == [2.0, 4.0]
    assert seen.times == [1000.0, 1002.0, 1006.0]


async def test_retry_after_is_respected_and_capped() -> None:
    time = FakeTime()
    answers = iter([html(status=429, **{"retry-after": "30"}), html(status=503), html()])
    answers_capped = iter([html(status=429, **{"retry-after": "86400"}), html()])
    settings = FetchSettings(min_host_interval=0, jitter=0.0, backoff_max=60.0)
    async with make_fetcher(lambda r: next(answers), time=time, settings=settings) as fetcher:
        assert isinstance(await fetcher.fetch("http://shop.example.cn/"), FetchedPage)
    assert time.sleeps == [30.0, 4.0]
    capped = FakeTime()
    async with make_fetcher(
        lambda r: next(answers_capped), time=capped, settings=settings
    ) as fetcher:
        assert isinstance(await fetcher.fetch("http://shop.example.cn/"), FetchedPage)
    assert capped.sleeps == [60.0]


async def test_a_host_that_keeps_failing_gives_up_after_the_retries() -> None:
    seen = Recorder()
    settings = FetchSettings(min_host_interval=0, max_retries=2)
    async with make_fetcher(lambda r: html(status=502), recorder=seen, settings=settings) as f:
        result = await f.fetch("http://shop.example.cn/")
    assert isinstance(result, FetchError)
    assert (result.code, result.status, result.permanent) == ("http_status", 502, False)
    assert len(seen.requests) == 3


async def test_backoff_also_holds_the_next_fetch_of_that_host() -> None:
    time = FakeTime()
    answers = iter([html(status=503), html(), html()])
    settings = FetchSettings(min_host_interval=1.0, jitter=0.0, backoff_base=8.0)
    async with make_fetcher(lambda r: next(answers), time=time, settings=settings) as fetcher:
        await fetcher.fetch("http://shop.example.cn/")
        await fetcher.fetch("http://shop.example.cn/")
    assert time.sleeps == [8.0, 1.0]  # back-off, then the normal spacing after the retry


# --- text ---------------------------------------------------------------------------------


def test_chinese_pages_in_gbk_are_decoded() -> None:
    body = '<html><meta charset="gbk"><title>价格保护</title></html>'.encode("gbk")
    assert "价格保护" in decode_html(body)
    assert "价格保护" in decode_html("价格保护".encode("gb2312"), "text/html; charset=GB2312")
    assert decode_html("价格".encode(), "text/html") == "价格"
    assert decode_html(b"\xef\xbb\xbf<p>\xe4\xbb\xb7</p>") == "<p>价</p>"
    assert decode_html(b"<p>\xff</p>", "text/html; charset=no-such-codec") == "<p>\ufffd</p>"


# --- a real loopback server ---------------------------------------------------------------


async def test_real_loopback_server_with_allow_loopback() -> None:
    seen_hosts: list[str] = []

    async def product(request: web.Request) -> web.Response:
        seen_hosts.append(request.headers.get("Host", ""))
        return web.Response(text=PAGE, content_type="text/html")

    async def hop(request: web.Request) -> web.Response:
        raise web.HTTPFound("/product")

    app = web.Application()
    app.router.add_get("/product", product)
    app.router.add_get("/hop", hop)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        allowed = FetchSettings(allow_loopback=True, allowed_ports=None, min_host_interval=0)
        async with SafeFetcher(allowed, resolver=make_resolver({"shop.test": ["127.0.0.1"]})) as f:
            page = await f.fetch(f"http://shop.test:{port}/hop")
        assert isinstance(page, FetchedPage), page
        assert page.html == PAGE
        assert page.url == f"http://shop.test:{port}/product"
        assert seen_hosts == [f"shop.test:{port}"]

        async with SafeFetcher(FetchSettings(allowed_ports=None)) as default:
            refused = await default.fetch(f"http://127.0.0.1:{port}/product")
        assert isinstance(refused, FetchError)
        assert refused.code == "blocked_address"
        assert len(seen_hosts) == 1
    finally:
        await runner.cleanup()


def self_signed(tmp_path: Path, name: str) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:  # scripts/services.sh installs it for `make test`
        missing_service("openssl is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subject = ["-subj", f"/CN={name}", "-addext", f"subjectAltName=DNS:{name}"]
    files = ["-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            *subject,
            *files,
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


async def test_https_goes_to_the_checked_address_and_checks_the_certificate_name(
    tmp_path: Path,
) -> None:
    """The request is sent to the IP, but TLS still verifies the host name's certificate."""
    cert, key = self_signed(tmp_path, "shop.test")
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)

    async def product(request: web.Request) -> web.Response:
        return web.Response(text=PAGE, content_type="text/html")

    app = web.Application()
    app.router.add_get("/product", product)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=server_tls)
    await site.start()
    try:
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        settings = FetchSettings(allow_loopback=True, allowed_ports=None, min_host_interval=0)
        names = make_resolver({"shop.test": ["127.0.0.1"], "other.test": ["127.0.0.1"]})
        trust = ssl.create_default_context(cafile=str(cert))
        async with SafeFetcher(settings, resolver=names, ssl_context=trust) as fetcher:
            page = await fetcher.fetch(f"https://shop.test:{port}/product")
            wrong_name = await fetcher.fetch(f"https://other.test:{port}/product")
        assert isinstance(page, FetchedPage), page
        assert page.html == PAGE
        assert isinstance(wrong_name, FetchError)  # the certificate is for shop.test only
        assert wrong_name.code == "connect_failed"
        assert "CERTIFICATE_VERIFY_FAILED" in wrong_name.detail
    finally:
        await runner.cleanup()
