"""Fetching of public web pages for imports, guarded against requests into private networks.

Every request goes through `url_check`, which accepts only http and https and
resolves the host name. The connection is then opened to the checked address
itself, so a second DNS answer cannot point it elsewhere. Redirects are
followed one at a time, and each target is checked before any connection.
"""
from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import time
from dataclasses import dataclass
from email.message import Message
from urllib.parse import quote, urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from seoassist.core.exceptions import ApplicationError

logger = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("http", "https")
DEFAULT_PORTS = {"http": 80, "https": 443}
HTML_CONTENT_TYPES = ("text/html", "application/xhtml+xml")
XML_CONTENT_TYPES = ("application/xml", "text/xml", "application/rss+xml", "application/atom+xml")
# Spreadsheet exports (Google Trends, Search Console) are often served as
# plain text or as a generic download.
CSV_CONTENT_TYPES = (
    "text/csv", "application/csv", "text/plain", "text/tab-separated-values",
    "application/vnd.ms-excel", "application/octet-stream",
)
GZIP_CONTENT_TYPES = ("application/gzip", "application/x-gzip", "application/octet-stream")
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
_READ_CHUNK = 64 * 1024
_PATH_SAFE = "/%?=&;:@!$'()*+,~-._"
# Address kinds that non_public_address_kind returns, as shown to editors.
_ADDRESS_KIND_LABELS = {
    "loopback": gettext_lazy("loopback"),
    "unspecified": gettext_lazy("unspecified"),
    "link-local": gettext_lazy("link-local"),
    "multicast": gettext_lazy("multicast"),
    "reserved": gettext_lazy("reserved"),
    "private": gettext_lazy("private"),
    "not globally reachable": gettext_lazy("not globally reachable"),
}


class FetchError(ApplicationError):
    """A page that could not be fetched or was rejected by the guard; the message names the URL."""

    def __init__(self, message: str, *, url: str, status: int | None = None) -> None:
        super().__init__(message, extra={"url": url, "status": status})
        self.url = url
        self.status = status  # the HTTP status when the server returned an error status


@dataclass(frozen=True)
class CheckedTarget:
    """A URL whose host resolved to an address that may be contacted."""

    url: str
    scheme: str
    host: str
    port: int
    address: str  # the IP address the connection goes to
    path: str  # path and query, as sent in the request line


@dataclass
class FetchedPage:
    url: str  # the final URL, after redirects
    status: int
    content_type: str  # lowercase media type without parameters
    charset: str  # charset parameter of Content-Type, "" when absent
    data: bytes


def non_public_address_kind(address: str) -> str | None:
    """Return the kind of a non-public address ("private", "loopback"…), or None for a public one.

    IPv4-mapped and IPv4-compatible IPv6 addresses are judged by their IPv4 part.
    """
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        mapped = ip.ipv4_mapped or ip.sixtofour
        if mapped is None and ip.packed[:12] == bytes(12) and int(ip) > 1:
            mapped = ipaddress.IPv4Address(ip.packed[12:])
        if mapped is not None:
            ip = mapped
    if ip.is_loopback:
        if getattr(settings, "SEOASSIST_FETCH_ALLOW_LOOPBACK", False):
            return None
        return "loopback"
    for reason, flag in (
        ("unspecified", ip.is_unspecified),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("not globally reachable", not ip.is_global),
    ):
        if flag:
            return reason
    return None


def _resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchError(
            _("%(url)s: the host name could not be resolved (%(error)s). Check the address.")
            % {"url": host, "error": error},
            url=host,
        ) from None
    return list(dict.fromkeys(info[4][0] for info in infos))


def url_check(url: str) -> CheckedTarget:
    """Check that `url` is http(s) and that every address of its host may be contacted.

    Raises
    ------
    FetchError
        For another scheme, a missing host, or a host with a loopback,
        private, link-local, multicast, reserved or unspecified address.
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError as error:
        # For example an unclosed "[" of an IPv6 address, or a host name
        # with characters that NFKC normalisation turns into "#" or "/".
        raise FetchError(
            _("%(url)s: the address is not a valid URL (%(error)s). Correct the address and "
              "try again.") % {"url": url, "error": error},
            url=url,
        ) from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise FetchError(
            _("%(url)s: only http:// and https:// addresses can be imported.") % {"url": url},
            url=url,
        )
    host = parts.hostname
    if not host:
        raise FetchError(
            _("%(url)s: the address has no host name. Enter a full address such as "
              "https://example.com/page.") % {"url": url},
            url=url,
        )
    try:
        port = parts.port or DEFAULT_PORTS[scheme]
    except ValueError:
        raise FetchError(
            _("%(url)s: the port number is invalid.") % {"url": url}, url=url
        ) from None
    try:
        addresses = [str(ipaddress.ip_address(host))]
    except ValueError:
        addresses = _resolve(host, port)
    for address in addresses:
        reason = non_public_address_kind(address)
        if reason is not None:
            logger.warning("Rejected %s: %s resolves to a %s address", url, host, reason)
            raise FetchError(
                _("%(url)s: the host %(host)s points to a %(reason)s address (%(address)s); "
                  "only public web sites can be imported.")
                % {"url": url, "host": host, "reason": _ADDRESS_KIND_LABELS[reason],
                   "address": address},
                url=url,
            )
    # Sitemaps of Japanese sites often list paths in raw UTF-8; the request line
    # must be ASCII, and characters already percent-encoded stay as they are.
    path = quote(parts.path or "/", safe=_PATH_SAFE)
    if parts.query:
        path = f"{path}?{quote(parts.query, safe=_PATH_SAFE)}"
    return CheckedTarget(
        url=url, scheme=scheme, host=host, port=port, address=addresses[0], path=path
    )


def redirect_check(current_url: str, location: str) -> CheckedTarget:
    """Resolve a redirect's Location against the current URL and check the target."""
    try:
        target_url = urljoin(current_url, location.strip())
    except ValueError as error:
        raise FetchError(
            _("%(url)s: the server redirected to %(location)s, which is not a valid URL "
              "(%(error)s). Import the final address of the page instead.")
            % {"url": current_url, "location": location, "error": error},
            url=current_url,
        ) from None
    return url_check(target_url)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to an already checked address, whatever the host name resolves to now."""

    def __init__(self, target: CheckedTarget, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: CheckedTarget, timeout: float) -> None:
        super().__init__(
            target.host, target.port, timeout=timeout, context=ssl.create_default_context()
        )
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def _content_type(message: Message) -> tuple[str, str]:
    return message.get_content_type().lower(), (message.get_content_charset() or "").lower()


def _accepted(content_type: str, accept: tuple[str, ...]) -> bool:
    return content_type in accept or (content_type.endswith("+xml") and "application/xml" in accept)


def fetch_url(
    url: str,
    *,
    accept: tuple[str, ...] = HTML_CONTENT_TYPES,
    max_bytes: int | None = None,
    timeout: float | None = None,
    max_redirects: int | None = None,
) -> FetchedPage:
    """Fetch one page through the address guard, following and re-checking redirects.

    The whole exchange (all redirects and the body) must finish within
    `timeout` seconds, and the body may not exceed `max_bytes`.

    Raises
    ------
    FetchError
        When the guard rejects an address, the server returns an error
        status or another content type, or a limit is exceeded.
    """
    max_bytes = max_bytes or settings.SEOASSIST_FETCH_MAX_BYTES
    timeout = timeout or settings.SEOASSIST_FETCH_TIMEOUT
    max_redirects = settings.SEOASSIST_FETCH_MAX_REDIRECTS if max_redirects is None else max_redirects
    deadline = time.monotonic() + timeout
    target = url_check(url)
    for _hop in range(max_redirects + 1):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _timeout_error(url, timeout)
        connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
        connection = connection_class(target, timeout=remaining)
        try:
            connection.request("GET", target.path, headers=_request_headers())
            response = connection.getresponse()
            if response.status in REDIRECT_STATUSES and response.getheader("Location"):
                location = response.getheader("Location", "")
                logger.info("Redirect from %s to %s", target.url, location)
                target = redirect_check(target.url, location)
                continue
            return _read_response(target.url, response, accept, max_bytes, deadline, timeout)
        except (OSError, http.client.HTTPException) as error:
            if isinstance(error, (socket.timeout, TimeoutError)):
                raise _timeout_error(target.url, timeout) from None
            raise FetchError(
                _("%(url)s: the page could not be fetched (%(error)s).")
                % {"url": target.url, "error": error or type(error).__name__},
                url=target.url,
            ) from None
        finally:
            connection.close()
    raise FetchError(
        _("%(url)s: more than %(limit)d redirects; the page could not be reached.")
        % {"url": url, "limit": max_redirects},
        url=url,
    )


def _request_headers() -> dict[str, str]:
    return {
        "User-Agent": settings.SEOASSIST_FETCH_USER_AGENT,
        "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.1",
        "Accept-Encoding": "identity",
    }


def _timeout_error(url: str, timeout: float) -> FetchError:
    return FetchError(
        _("%(url)s: the server did not answer within %(seconds)d seconds.")
        % {"url": url, "seconds": timeout},
        url=url,
    )


def _read_response(
    url: str,
    response: http.client.HTTPResponse,
    accept: tuple[str, ...],
    max_bytes: int,
    deadline: float,
    timeout: float,
) -> FetchedPage:
    if response.status >= 400:
        raise FetchError(
            _("%(url)s: the server answered with HTTP status %(status)d.")
            % {"url": url, "status": response.status},
            url=url,
            status=response.status,
        )
    content_type, charset = _content_type(response.msg)
    if not _accepted(content_type, accept):
        raise FetchError(
            _("%(url)s: the server sent %(type)s, but only %(expected)s is accepted here.")
            % {"url": url, "type": content_type or "?", "expected": ", ".join(accept)},
            url=url,
        )
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > max_bytes:
        raise _size_error(url, max_bytes)
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise _timeout_error(url, timeout)
        chunk = response.read(_READ_CHUNK)
        if not chunk:
            break
        size += len(chunk)
        if size > max_bytes:
            raise _size_error(url, max_bytes)
        chunks.append(chunk)
    return FetchedPage(
        url=url, status=response.status, content_type=content_type, charset=charset,
        data=b"".join(chunks),
    )


def _size_error(url: str, max_bytes: int) -> FetchError:
    return FetchError(
        _("%(url)s: the page is larger than %(limit)d MB and was not imported.")
        % {"url": url, "limit": max(1, max_bytes // (1024 * 1024))},
        url=url,
    )
