"""The fetch guard is tested by calling it: no test connects to a refused address."""
from __future__ import annotations

import socket

import pytest

from seoassist.corpus.fetching import (
    FetchError,
    non_public_address_kind,
    fetch_url,
    redirect_check,
    url_check,
)

pytestmark = pytest.mark.usefixtures("english_messages")


class NonPublicAddressKindTests:
    @pytest.mark.parametrize(
        ("address", "reason"),
        [
            ("127.0.0.1", "loopback"),
            ("127.8.9.10", "loopback"),
            ("::1", "loopback"),
            ("10.1.2.3", "private"),
            ("172.16.0.9", "private"),
            ("192.168.1.1", "private"),
            ("fc00::1", "private"),
            ("169.254.169.254", "link-local"),
            ("fe80::1", "link-local"),
            ("224.0.0.1", "multicast"),
            ("ff02::1", "multicast"),
            ("0.0.0.0", "unspecified"),
            ("::", "unspecified"),
            ("240.0.0.1", "reserved"),
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:169.254.169.254", "link-local"),
            ("::ffff:10.0.0.1", "private"),
            ("100.64.0.1", "not globally reachable"),
        ],
    )
    def test_non_public_addresses_are_refused(self, address, reason, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = False
        assert non_public_address_kind(address) == reason

    @pytest.mark.parametrize("address", ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"])
    def test_public_addresses_pass(self, address):
        assert non_public_address_kind(address) is None

    def test_loopback_setting_allows_only_loopback(self, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = True
        assert non_public_address_kind("127.0.0.1") is None
        assert non_public_address_kind("::ffff:127.0.0.1") is None
        assert non_public_address_kind("169.254.169.254") == "link-local"
        assert non_public_address_kind("192.168.0.1") == "private"


class UrlCheckTests:
    @pytest.mark.parametrize("url", ["ftp://example.com/a", "file:///etc/passwd", "javascript:alert(1)"])
    def test_other_schemes_are_refused(self, url):
        with pytest.raises(FetchError, match="only http:// and https://"):
            url_check(url)

    def test_metadata_address_is_refused(self):
        with pytest.raises(FetchError, match="link-local address"):
            url_check("http://169.254.169.254/latest/meta-data/")

    def test_loopback_name_is_refused_after_resolving(self, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = False
        with pytest.raises(FetchError, match="localhost points to a loopback address"):
            url_check("http://localhost:8000/")

    def test_mapped_ipv6_literal_is_refused(self):
        with pytest.raises(FetchError, match="link-local"):
            url_check("http://[::ffff:169.254.169.254]/")

    def test_missing_host_is_refused(self):
        with pytest.raises(FetchError, match="no host name"):
            url_check("http:///path")

    @pytest.mark.parametrize(
        "url", ["http://[::1/page", "http://[1.2.3.4]/", "http://[bad]/", "http://0.0.0.0\uff03/"]
    )
    def test_invalid_url_is_refused(self, url):
        with pytest.raises(FetchError, match="not a valid URL"):
            url_check(url)

    def test_invalid_redirect_location_is_refused(self):
        with pytest.raises(FetchError, match=r"to http://\[::1, which is not a valid URL"):
            redirect_check("https://93.184.215.14/a", "http://[::1")

    def test_redirect_to_loopback_is_refused(self, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = False
        with pytest.raises(FetchError, match="loopback"):
            redirect_check("https://example.com/a", "http://127.0.0.1/admin")

    def test_relative_redirect_keeps_host(self, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = True
        target = redirect_check("http://127.0.0.1:8123/a/b", "../c?x=1")
        assert (target.host, target.port, target.path) == ("127.0.0.1", 8123, "/c?x=1")


class FetchUrlTests:
    def test_page_is_fetched_with_charset(self, local_site):
        local_site.add("/a", "<html><title>A</title></html>", content_type="text/html; charset=EUC-JP")
        page = fetch_url(local_site.url("/a"))
        assert page.data.startswith(b"<html>")
        assert (page.content_type, page.charset) == ("text/html", "euc-jp")

    def test_raw_utf8_path_is_percent_encoded(self, local_site):
        local_site.add("/%E8%8A%B1%E7%B2%89?q=%E6%97%A5", "<p>花粉</p>")
        page = fetch_url(local_site.url("/花粉?q=日"))
        assert page.data == "<p>花粉</p>".encode()

    def test_redirect_to_metadata_address_is_refused_before_connecting(self, local_site, monkeypatch):
        local_site.add("/go", status=302, headers={"Location": "http://169.254.169.254/latest/"})
        connected: list[tuple] = []
        original = socket.create_connection

        def recording_connection(address, *args, **kwargs):
            connected.append(address)
            return original(address, *args, **kwargs)

        monkeypatch.setattr(socket, "create_connection", recording_connection)
        with pytest.raises(FetchError, match="169.254.169.254"):
            fetch_url(local_site.url("/go"))
        assert [host for host, _port in connected] == ["127.0.0.1"]

    def test_redirects_are_followed_and_limited(self, local_site, settings):
        settings.SEOASSIST_FETCH_MAX_REDIRECTS = 2
        local_site.add("/1", status=301, headers={"Location": "/2"})
        local_site.add("/2", status=302, headers={"Location": "/3"})
        local_site.add("/3", "<p>end</p>")
        assert fetch_url(local_site.url("/1")).url == local_site.url("/3")
        local_site.add("/0", status=301, headers={"Location": "/1"})
        with pytest.raises(FetchError, match="more than 2 redirects"):
            fetch_url(local_site.url("/0"))

    def test_ten_megabyte_page_is_refused(self, local_site, settings):
        settings.SEOASSIST_FETCH_MAX_BYTES = 5 * 1024 * 1024
        local_site.add("/big", b"<p>" + b"x" * (10 * 1024 * 1024) + b"</p>")
        with pytest.raises(FetchError, match="larger than 5 MB"):
            fetch_url(local_site.url("/big"))

    def test_other_content_types_are_refused(self, local_site):
        local_site.add("/img", b"\x89PNG", content_type="image/png")
        with pytest.raises(FetchError, match="sent image/png, but only text/html"):
            fetch_url(local_site.url("/img"))

    def test_error_status_is_reported(self, local_site):
        with pytest.raises(FetchError, match="HTTP status 404"):
            fetch_url(local_site.url("/missing"))

    def test_loopback_is_refused_by_default(self, local_site, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = False
        local_site.add("/a", "<p>a</p>")
        with pytest.raises(FetchError, match="loopback"):
            fetch_url(local_site.url("/a"))
        assert local_site.requests == []
