"""Trend exports fetched by URL go through the same address guard as page imports.

The guard's address rules are tested in tests/seoassist/corpus/test_fetching.py;
these tests fetch CSV exports from a server started on 127.0.0.1.
"""
import pytest

from seoassist.corpus.fetching import CSV_CONTENT_TYPES, FetchError, fetch_url
from tests.seoassist.tracking.support import local_server

CSV = {"Content-Type": "text/csv; charset=utf-8"}


class TrendExportFetchTests:
    def test_fetch_from_local_server(self, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = True
        with local_server({"/export.csv": (200, CSV, b"week,value\n")}) as base:
            page = fetch_url(base + "/export.csv", accept=CSV_CONTENT_TYPES)
        assert page.data == b"week,value\n"

    def test_loopback_refused_by_default(self, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = False
        with local_server({"/export.csv": (200, CSV, b"data")}) as base:
            with pytest.raises(FetchError, match="127.0.0.1"):
                fetch_url(base + "/export.csv", accept=CSV_CONTENT_TYPES)

    def test_redirect_to_private_address_is_refused(self, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = True
        routes = {"/export.csv": (302, {"Location": "http://10.0.0.1/secret.csv"}, b"")}
        with local_server(routes) as base:
            with pytest.raises(FetchError, match="10.0.0.1"):
                fetch_url(base + "/export.csv", accept=CSV_CONTENT_TYPES)

    def test_redirect_within_allowed_host_is_followed(self, settings):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = True
        routes = {"/old.csv": (301, {"Location": "/new.csv"}, b""), "/new.csv": (200, CSV, b"new")}
        with local_server(routes) as base:
            assert fetch_url(base + "/old.csv", accept=CSV_CONTENT_TYPES).data == b"new"

    def test_html_page_is_not_taken_for_an_export(self, settings, english_messages):
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = True
        routes = {"/login": (200, {"Content-Type": "text/html"}, b"<html></html>")}
        with local_server(routes) as base:
            with pytest.raises(FetchError, match="sent text/html"):
                fetch_url(base + "/login", accept=CSV_CONTENT_TYPES)
