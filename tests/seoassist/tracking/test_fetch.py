import pytest

from seoassist.tracking.fetch import FetchRefusedError, url_check, url_fetch
from tests.seoassist.tracking.support import local_server


class URLCheckTests:
    @pytest.mark.parametrize(
        "url",
        [
            "ftp://93.184.215.14/export.csv",
            "file:///etc/passwd",
            "gopher://93.184.215.14/",
            "http:///no-host",
            "http://user:secret@93.184.215.14/export.csv",
        ],
    )
    def test_other_schemes_and_odd_urls_are_refused(self, url):
        with pytest.raises(FetchRefusedError):
            url_check(url, allow_loopback=True)

    @pytest.mark.parametrize(
        "url",
        [
            "http://127.0.0.1/export.csv",
            "http://127.8.9.10:8000/export.csv",
            "http://[::1]/export.csv",
            "http://[::ffff:127.0.0.1]/export.csv",
            "http://localhost/export.csv",
            "http://10.1.2.3/export.csv",
            "http://172.16.0.1/export.csv",
            "http://192.168.0.10/export.csv",
            "http://169.254.169.254/latest/meta-data/",
            "http://[fe80::1]/export.csv",
            "http://[fd00::1]/export.csv",
            "http://100.64.0.1/export.csv",
            "http://0.0.0.0/export.csv",
            "http://224.0.0.1/export.csv",
            "http://2130706433/export.csv",
        ],
    )
    def test_inner_addresses_are_refused(self, url):
        with pytest.raises(FetchRefusedError, match="private, loopback or reserved"):
            url_check(url, allow_loopback=False)

    def test_private_stays_refused_when_loopback_is_allowed(self):
        with pytest.raises(FetchRefusedError):
            url_check("http://192.168.0.10/export.csv", allow_loopback=True)
        with pytest.raises(FetchRefusedError):
            url_check("http://169.254.169.254/", allow_loopback=True)

    def test_public_address_passes_without_connecting(self):
        checked = url_check("https://93.184.215.14:8443/trends/export.csv?geo=JP", allow_loopback=False)
        assert checked.address == "93.184.215.14"
        assert checked.port == 8443
        assert checked.target == "/trends/export.csv?geo=JP"

    def test_loopback_passes_only_when_allowed(self):
        assert url_check("http://127.0.0.1:9/x.csv", allow_loopback=True).address == "127.0.0.1"

    def test_loopback_setting_is_read(self, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = False
        with pytest.raises(FetchRefusedError):
            url_check("http://127.0.0.1:9/x.csv")
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = True
        assert url_check("http://127.0.0.1:9/x.csv").host == "127.0.0.1"


class URLFetchTests:
    def test_fetch_from_local_server(self, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = True
        with local_server({"/export.csv": (200, {}, b"week,value\n")}) as base:
            assert url_fetch(base + "/export.csv") == b"week,value\n"

    def test_loopback_refused_by_default(self, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = False
        with local_server({"/export.csv": (200, {}, b"data")}) as base:
            with pytest.raises(FetchRefusedError, match="private, loopback or reserved"):
                url_fetch(base + "/export.csv")

    def test_redirect_to_private_address_is_refused(self, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = True
        routes = {"/export.csv": (302, {"Location": "http://10.0.0.1/secret.csv"}, b"")}
        with local_server(routes) as base:
            with pytest.raises(FetchRefusedError, match="10.0.0.1"):
                url_fetch(base + "/export.csv")

    def test_redirect_within_allowed_host_is_followed(self, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = True
        routes = {"/old.csv": (301, {"Location": "/new.csv"}, b""), "/new.csv": (200, {}, b"new")}
        with local_server(routes) as base:
            assert url_fetch(base + "/old.csv") == b"new"

    def test_error_status_and_size_limit(self, settings, english_messages):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = True
        routes = {"/big.csv": (200, {}, b"x" * 2000)}
        with local_server(routes) as base:
            with pytest.raises(FetchRefusedError, match="HTTP status 404"):
                url_fetch(base + "/missing.csv")
            with pytest.raises(FetchRefusedError, match="limit of 1000 bytes"):
                url_fetch(base + "/big.csv", max_bytes=1000)
