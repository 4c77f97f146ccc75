"""The download of a vendor feed, safe against a URL typed by a town's analyst (SSRF): https
only, the host's addresses resolved and checked before any connection (no loopback, private,
link-local, multicast or reserved address unless the host is in MOBILITY_FEED_ALLOWED_HOSTS),
the connection made to the address checked (a second DNS answer cannot swap it), redirects
followed on the same host only, a timeout on connect and read, a size cap, and the body streamed
to a file, never held in memory."""

from __future__ import annotations

import hashlib
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.encoding import iri_to_uri

BLOCK_BYTES = 1 << 20
MAX_REDIRECTS = 3
DEFAULT_PORTS = {"https": 443, "http": 80}
#: However slowly a server drips bytes, a pull ends after this many seconds.
MAX_PULL_SECONDS = 15 * 60


class FetchFailed(Exception):
    """A pull that failed: a key of models.feeds.FAILURES and its parameters (never the URL's
    credentials nor the password)."""

    def __init__(self, key: str, **params) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@dataclass(frozen=True)
class Fetched:
    path: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str

    @classmethod
    def parse(cls, url: str) -> Target:
        parts = urlsplit(url)
        try:
            port = parts.port
        except ValueError:
            raise FetchFailed("feed.dns", host=parts.hostname or "?") from None
        scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
        if not host or parts.username or parts.password:
            raise FetchFailed("feed.dns", host=host or "?")
        if scheme != "https" and not (scheme == "http" and allowed_host(host)):
            raise FetchFailed("feed.scheme")
        # an address typed with accents (…/données.csv) is sent percent-encoded
        path = iri_to_uri(parts.path or "/")
        if parts.query:
            path += "?" + iri_to_uri(parts.query)
        return cls(scheme, host, port or DEFAULT_PORTS[scheme], path)


def allowed_host(host: str) -> bool:
    """A host the settings allow to be internal (a vendor's server on the town's network)."""
    allowed = {h.strip().lower() for h in settings.MOBILITY_FEED_ALLOWED_HOSTS}
    return host.lower() in allowed


def is_internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_loopback
        or ip.is_private
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve(target: Target) -> str:
    """The address to connect to; every address of the host is checked first."""
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise FetchFailed("feed.dns", host=target.host) from None
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise FetchFailed("feed.dns", host=target.host)
    if not allowed_host(target.host) and any(is_internal(a) for a in addresses):
        raise FetchFailed("feed.address", host=target.host)
    return addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address checked, whatever the host name resolves to now."""

    def __init__(self, host: str, address: str, **kwargs) -> None:
        super().__init__(host, **kwargs)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host: str, address: str, **kwargs) -> None:
        super().__init__(host, context=ssl.create_default_context(), **kwargs)
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _open(target: Target, headers: dict[str, str], timeout: float):
    address = resolve(target)
    kind = _PinnedHTTPS if target.scheme == "https" else _PinnedHTTP
    connection = kind(target.host, address, port=target.port, timeout=timeout)
    connection.request("GET", target.path, headers=headers)
    return connection, connection.getresponse()


def _follow(url: str, headers: dict[str, str], timeout: float):
    """The connection and response of `url`, through redirects on the same host only."""
    target = Target.parse(url)
    for _hop in range(MAX_REDIRECTS + 1):
        connection, response = _open(target, headers, timeout)
        if response.status not in {301, 302, 303, 307, 308}:
            return connection, response
        location = response.getheader("Location") or ""
        connection.close()
        url = urljoin(f"{target.scheme}://{target.host}:{target.port}{target.path}", location)
        parts = urlsplit(url)
        try:
            port = parts.port or DEFAULT_PORTS.get(parts.scheme)
        except ValueError:
            port = None
        if ((parts.hostname or "").lower(), port) != (target.host, target.port):
            raise FetchFailed("feed.redirect")  # another host: its addresses are not followed
        target = Target.parse(url)
    raise FetchFailed("feed.redirect")


def _check_status(response, host: str) -> None:
    if response.status in {401, 403}:
        raise FetchFailed("feed.auth", status=response.status)
    if response.status >= 400 or response.status < 200:
        raise FetchFailed("feed.http", status=response.status, host=host)


def _stream(response, path: Path, max_bytes: int, host: str) -> Fetched:
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise FetchFailed("feed.too_large", limit=max_bytes)
    digest, size, started = hashlib.sha256(), 0, time.monotonic()
    with open(path, "wb") as out:
        while block := response.read(BLOCK_BYTES):
            size += len(block)
            if size > max_bytes:
                raise FetchFailed("feed.too_large", limit=max_bytes)
            if time.monotonic() - started > MAX_PULL_SECONDS:
                raise FetchFailed("feed.timeout", host=host, seconds=MAX_PULL_SECONDS)
            digest.update(block)
            out.write(block)
    if size == 0:
        raise FetchFailed("feed.empty")
    return Fetched(path=path, sha256=digest.hexdigest(), size=size)


def fetch(*, url: str, headers: dict[str, str], path: Path, max_bytes: int) -> Fetched:
    """Download `url` into `path` (removed again when the pull fails)."""
    timeout = float(settings.MOBILITY_FEED_TIMEOUT_SECONDS)
    host = urlsplit(url).hostname or "?"
    headers = {"Accept-Encoding": "identity", "User-Agent": "commune-feed/1", **headers}
    connection = None
    try:
        connection, response = _follow(url, headers, timeout)
        _check_status(response, host)
        return _stream(response, path, max_bytes, host)
    except FetchFailed:
        path.unlink(missing_ok=True)
        raise
    except TimeoutError:
        path.unlink(missing_ok=True)
        raise FetchFailed("feed.timeout", host=host, seconds=timeout) from None
    except ssl.SSLCertVerificationError:
        path.unlink(missing_ok=True)
        raise FetchFailed("feed.tls", host=host) from None
    except (http.client.HTTPException, ConnectionResetError):
        path.unlink(missing_ok=True)
        raise FetchFailed("feed.broken") from None
    except OSError:
        path.unlink(missing_ok=True)
        raise FetchFailed("feed.unreachable", host=host) from None
    finally:
        if connection is not None:
            connection.close()
