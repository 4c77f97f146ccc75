"""The client's address, the one thing log-in lockouts, throttles and the request log key on.

X-Forwarded-For is written by whoever sends the request, so it is believed only when the
connection comes from one of our own proxies (settings.TRUSTED_PROXIES), and then only the part
those proxies appended: the header is read from the right, skipping our proxies, and the first
other address is the client. What a client wrote into the header itself sits further left and
is never reached. Without a configured proxy the header is ignored.

django-ipware is not used for this: it trusts the header whatever the connection's peer.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


#: In TRUSTED_PROXIES: a connection without an IP address (the proxy on a Unix socket).
UNIX_SOCKET = "unix"


def client_address(request) -> str:
    """The address of the client that made `request`, as a string."""
    entries = tuple(settings.TRUSTED_PROXIES)
    proxies = _networks(tuple(e for e in entries if e.strip() != UNIX_SOCKET))
    remote = request.META.get("REMOTE_ADDR", "")
    peer = _parse(remote)
    if peer is None:
        trusted = UNIX_SOCKET in (e.strip() for e in entries)
    else:
        trusted = _trusted(peer, proxies)
    nearest = str(peer) if peer is not None else remote
    if trusted:
        for hop in reversed(_forwarded_hops(request)):
            address = _parse(hop)
            if address is None:
                break  # garbled: nothing further left can be vouched for
            nearest = str(address)
            if not _trusted(address, proxies):
                break
    return nearest


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError as exc:
            raise ValueError(f"TRUSTED_PROXIES: {entry!r} is not an address or network") from exc
    return tuple(networks)


def _trusted(address: Address, proxies: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in proxies)


def _forwarded_hops(request) -> list[str]:
    """Every X-Forwarded-For entry, left to right (several headers are joined by commas)."""
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return [hop.strip() for hop in header.split(",")]


def _parse(value: str) -> Address | None:
    """An address from '1.2.3.4', '1.2.3.4:80', '2001:db8::1' or '[2001:db8::1]:80'."""
    value = value.strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address
