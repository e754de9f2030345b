"""Which network addresses the price fetcher may connect to (SSRF guard).

A shopper gives the bot a URL; the bot's server must never be turned into a probe of its own
network. Every address a host name resolves to is checked, after DNS resolution, and the
fetcher then connects to the checked address itself (no second lookup that a rebinding DNS
server could answer differently). Refused: loopback, private (RFC 1918, ULA), link-local
(169.254/16 — cloud metadata — and fe80::/10), multicast, reserved, unspecified, and anything
else not globally routable (100.64/10 carrier NAT, documentation ranges…). IPv4 addresses
wrapped in IPv6 (``::ffff:127.0.0.1``, NAT64 ``64:ff9b::/96``) are judged as the IPv4 inside.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence
from typing import Final, Literal

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
BlockReason = Literal[
    "loopback", "unspecified", "link_local", "multicast", "private", "reserved", "not_global"
]
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]
"""``(host, port)`` → the addresses it resolves to, as text. Raises ``OSError`` when it fails."""

_NAT64: Final = ipaddress.IPv6Network("64:ff9b::/96")


async def system_resolver(host: str, port: int) -> list[str]:
    """The event loop's ``getaddrinfo`` (runs in the loop's executor: never blocks the loop)."""
    loop = asyncio.get_running_loop()
    infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[str] = []
    for _family, _type, _proto, _name, sockaddr in infos:
        address = str(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def parse_address(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])  # drop an IPv6 zone id
    except ValueError:
        return None


def blocked_reason(address: IPAddress, *, allow_loopback: bool = False) -> BlockReason | None:
    """Why the fetcher must not connect to ``address``; ``None`` when it may."""
    address = _unwrap(address)
    if address.is_loopback:
        return None if allow_loopback else "loopback"
    if address.is_unspecified:
        return "unspecified"
    if address.is_link_local:
        return "link_local"
    if address.is_multicast:
        return "multicast"
    if address.is_private:
        return "private"
    if address.is_reserved:
        return "reserved"
    if not address.is_global:
        return "not_global"
    return None


def _unwrap(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address in _NAT64:
            return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return address
