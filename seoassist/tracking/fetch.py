"""Fetch a trend export by URL, refusing addresses inside the host's own network.

The guard resolves the host name once, checks every address, and connects to
the checked address itself, so a DNS answer that changes between the check
and the connection cannot redirect the request. Redirects are followed a few
times, and each target passes the same check.
"""
import http.client
import ipaddress
import logging
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

from seoassist.core.exceptions import ApplicationError

logger = logging.getLogger(__name__)

MAX_REDIRECTS = 3
ALLOWED_SCHEMES = ("http", "https")


class FetchRefusedError(ApplicationError):
    """A URL that the guard does not allow, or a response that could not be read."""


@dataclass(frozen=True)
class CheckedURL:
    """A URL whose host resolved only to allowed addresses, with the address to connect to."""

    url: str
    scheme: str
    host: str
    port: int
    address: str
    target: str


def _address_allowed(address: ipaddress.IPv4Address | ipaddress.IPv6Address, allow_loopback: bool) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return allow_loopback
    return address.is_global and not (
        address.is_multicast or address.is_reserved or address.is_unspecified
        or address.is_link_local or address.is_private
    )


def url_check(url: str, *, allow_loopback: bool | None = None) -> CheckedURL:
    """Return the checked URL, or raise FetchRefusedError naming the URL and the reason.

    Only http and https are allowed. Every address the host resolves to must be
    public: loopback, private, link-local, multicast and reserved addresses are
    refused, loopback only while ``SEOASSIST_FETCH_ALLOW_LOOPBACK`` is off.
    """
    if allow_loopback is None:
        allow_loopback = settings.SEOASSIST_FETCH_ALLOW_LOOPBACK
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise FetchRefusedError(
            _("The URL “%(url)s” uses “%(scheme)s”; only http and https addresses can be fetched.")
            % {"url": url, "scheme": scheme or "-"}
        )
    host = parts.hostname
    if not host or parts.username or parts.password:
        raise FetchRefusedError(
            _("The URL “%(url)s” has no host name, or carries a user name. Enter a plain http or https address.")
            % {"url": url}
        )
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as error:
        raise FetchRefusedError(
            _("The URL “%(url)s” has an invalid port.") % {"url": url}
        ) from error
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise FetchRefusedError(
            _("The host “%(host)s” of “%(url)s” could not be resolved (%(error)s). Check the address.")
            % {"host": host, "url": url, "error": error}
        ) from error
    addresses = sorted({info[4][0] for info in infos})
    for address in addresses:
        if not _address_allowed(ipaddress.ip_address(address.split("%")[0]), allow_loopback):
            raise FetchRefusedError(
                _(
                    "The URL “%(url)s” points at %(address)s, an address inside a private, loopback "
                    "or reserved network. Trend sources must be public http or https addresses."
                )
                % {"url": url, "address": address}
            )
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return CheckedURL(url=url, scheme=scheme, host=host, port=port, address=addresses[0], target=target)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """An HTTP connection to an address checked beforehand, whatever the host name resolves to now."""

    def __init__(self, checked: CheckedURL, timeout: float) -> None:
        super().__init__(checked.host, checked.port, timeout=timeout)
        self._address = checked.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """An HTTPS connection to a checked address that verifies the certificate of the host name."""

    def __init__(self, checked: CheckedURL, timeout: float) -> None:
        super().__init__(checked.host, checked.port, timeout=timeout, context=ssl.create_default_context())
        self._address = checked.address

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def url_fetch(url: str, *, max_bytes: int | None = None, timeout: float | None = None) -> bytes:
    """Download ``url`` through the guard and return its body, at most ``max_bytes`` long."""
    max_bytes = max_bytes or settings.SEOASSIST_MAX_UPLOAD_BYTES
    timeout = timeout or settings.SEOASSIST_FETCH_TIMEOUT_SECONDS
    current = url
    for _redirect in range(MAX_REDIRECTS + 1):
        checked = url_check(current)
        connection_class = _PinnedHTTPSConnection if checked.scheme == "https" else _PinnedHTTPConnection
        connection = connection_class(checked, timeout)
        try:
            connection.request("GET", checked.target, headers={"User-Agent": "seoassist trend importer"})
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308) and response.getheader("Location"):
                current = urljoin(current, response.getheader("Location"))
                continue
            if response.status != 200:
                raise FetchRefusedError(
                    _("Fetching “%(url)s” failed with HTTP status %(status)d. Check that the export is public.")
                    % {"url": current, "status": response.status}
                )
            body = response.read(max_bytes + 1)
        except (OSError, http.client.HTTPException) as error:
            raise FetchRefusedError(
                _("Fetching “%(url)s” failed (%(error)s). Check the address and try again later.")
                % {"url": current, "error": error}
            ) from error
        finally:
            connection.close()
        if len(body) > max_bytes:
            raise FetchRefusedError(
                _("The file at “%(url)s” is larger than the limit of %(limit)d bytes. Export a shorter period.")
                % {"url": current, "limit": max_bytes}
            )
        logger.info("Fetched %d bytes from a trend source", len(body))
        return body
    raise FetchRefusedError(
        _("“%(url)s” redirected more than %(count)d times. Enter the final address of the export.")
        % {"url": url, "count": MAX_REDIRECTS}
    )
