"""Fixtures for the browser tests: Debian's chromium through Playwright, one context per test.

The pages come from pytest-django's `live_server`, a thread of this process
that serves the test database on 127.0.0.1. Playwright is used through its sync
API directly, so no browser is ever downloaded.
"""
import logging
import os
import re
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, sync_playwright
from pytest_django.live_server_helper import LiveServer

from seoassist.core.models import Site
from tests.conftest import DEMO_CONTENT

logger = logging.getLogger(__name__)

CHROMIUM_PATH = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Timeout of actions and navigations; Playwright's own default is 30 s. The pages
# respond in well under a second, so a shorter limit makes a broken selector fail
# sooner. Waits for the worker pass their own, longer timeouts.
DEFAULT_TIMEOUT_MS = 15_000
IN_CI = os.environ.get("CI", "").lower() == "true"
ASYNC_UNSAFE_VARIABLE = "DJANGO_ALLOW_ASYNC_UNSAFE"

# Serve on the loopback address itself rather than on the name "localhost".
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

_PHASE_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test item so that fixtures can see a failure."""
    report = yield
    item.stash.setdefault(_PHASE_REPORTS, {})[report.when] = report
    return report


# Package scope, not session scope: while Playwright's sync API is started, it
# marks its asyncio loop as running in the main thread. asyncio.run() then fails,
# and so do Django's database calls unless DJANGO_ALLOW_ASYNC_UNSAFE is set, so
# both must end with this package rather than leak into the rest of the suite.
@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    """Start one headless chromium for all the browser tests."""
    if not CHROMIUM_PATH.is_file():
        message = (
            f"The browser tests need Debian's chromium at {CHROMIUM_PATH}; "
            "install the chromium package."
        )
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)

    previous = os.environ.get(ASYNC_UNSAFE_VARIABLE)
    os.environ[ASYNC_UNSAFE_VARIABLE] = "true"
    playwright = sync_playwright().start()
    try:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM_PATH), args=CHROMIUM_ARGS
        )
        yield launched
        launched.close()
    finally:
        playwright.stop()
        if previous is None:
            del os.environ[ASYNC_UNSAFE_VARIABLE]
        else:
            os.environ[ASYNC_UNSAFE_VARIABLE] = previous


@pytest.fixture
def context(browser: Browser, live_server: LiveServer) -> Iterator[BrowserContext]:
    """Open a fresh Japanese browser context whose requests may only reach the live server."""
    context = browser.new_context(
        base_url=live_server.url, locale="ja-JP", timezone_id="Asia/Tokyo"
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    blocked: list[str] = []

    def block(route: Route) -> None:
        blocked.append(route.request.url)
        route.abort()

    # Any request that leaves the live server is aborted and fails the test,
    # so a page that loads an asset from another host cannot pass.
    context.route(re.compile(rf"^(?!{re.escape(live_server.url)}/)"), block)
    yield context
    context.close()
    assert not blocked, f"The pages requested other hosts: {blocked}"


@pytest.fixture
def page(context: BrowserContext, request: pytest.FixtureRequest) -> Iterator[Page]:
    """Open a page, and save a screenshot of it under var/test/screenshots if the test fails."""
    from django.conf import settings

    opened = context.new_page()
    yield opened
    reports = request.node.stash.get(_PHASE_REPORTS, {})
    if any(report.failed for report in reports.values()):
        folder = settings.TEST_DIR / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / (re.sub(r"[^\w.-]+", "_", request.node.nodeid) + ".png")
        try:
            opened.screenshot(path=str(path), full_page=True)
        except Exception as error:  # noqa: BLE001 — a failed screenshot must not hide the test's failure
            logger.warning("Could not save a screenshot of %s: %s", request.node.nodeid, error)
        else:
            logger.warning("Saved a screenshot of the failed test to %s", path)


@pytest.fixture
def demo_site(site: Site) -> Site:
    """The test site with the demo articles (Japanese and English) and trend exports imported."""
    from seoassist.corpus.services import articles_import_path
    from seoassist.trends.services import trends_import_file

    for name in ("articles_ja.jsonl", "articles_en.jsonl"):
        articles_import_path(site=site, path=DEMO_CONTENT / name)
    for path in sorted(DEMO_CONTENT.glob("trends_*_1.csv")):
        trends_import_file(site=site, data=path.read_bytes(), file_name=path.name)
    return site
