"""Reading articles from the web: one page by its address, or every page a sitemap lists.

Every request goes through the address guard in `fetching`. A sitemap crawl
honours robots.txt, runs a bounded number of requests at once, waits between
requests to the same host, and stops at a page limit and a time limit.
"""
from __future__ import annotations

import logging
import threading
import time
import urllib.robotparser
import zlib
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit, urlunsplit

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from seoassist.core.exceptions import ApplicationError, ImportFileError
from seoassist.corpus.fetching import (
    GZIP_CONTENT_TYPES,
    HTML_CONTENT_TYPES,
    XML_CONTENT_TYPES,
    FetchError,
    fetch_url,
)
from seoassist.corpus.parsing import (
    ArticleItem,
    ArticleProblem,
    ArticleSkip,
    ParsedArticle,
    decode_bytes,
    extract_page,
)
from seoassist.corpus.parsing.xml import local_name, parse_xml

logger = logging.getLogger(__name__)

MAX_SITEMAP_DEPTH = 3  # index → nested index → urlset
MAX_SITEMAP_FILES = 200
MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps protocol's own limit for one file


def page_article(url: str, *, source: str | None = None) -> ArticleItem:
    """Fetch one web page and extract its article; a failure is returned as an ArticleProblem."""
    source = source or url
    try:
        page = fetch_url(url, accept=HTML_CONTENT_TYPES)
        text = decode_bytes(page.data, file_name=url, html=True, declared_charset=page.charset)
    except ApplicationError as error:
        return ArticleProblem(source, error.message)
    extracted = extract_page(text, url=page.url)
    body = extracted.markdown()
    if not body:
        return ArticleProblem(
            source,
            _("%(url)s: no article text was found in the page. Check that it is an article page.")
            % {"url": url},
        )
    title = extracted.title or next(
        (text for kind, text in extracted.blocks if kind == "heading"), ""
    )
    if not title:
        return ArticleProblem(
            source, _("%(url)s: the page has no title.") % {"url": url}
        )
    return ParsedArticle(
        title=title,
        body=body,
        url=extracted.canonical_url or page.url,
        category=extracted.section,
        published_at=extracted.published_at,
        language=extracted.language,
        source=source,
        author=extracted.author,
        meta_description=extracted.meta_description,
        tags=extracted.tags,
    )


# ---------------------------------------------------------------------------
# Sitemaps


def _gunzip(data: bytes, url: str) -> bytes:
    """Decompress a gzip sitemap, rejecting one that unpacks past the size limit."""
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        output = decompressor.decompress(data, MAX_SITEMAP_BYTES + 1)
    except zlib.error as error:
        raise FetchError(
            _("%(url)s: the compressed sitemap is damaged (%(error)s).") % {"url": url, "error": error},
            url=url,
        ) from None
    if len(output) > MAX_SITEMAP_BYTES or decompressor.unconsumed_tail:
        raise FetchError(
            _("%(url)s: the sitemap unpacks to more than %(limit)d MB; split it into smaller "
              "sitemaps.") % {"url": url, "limit": MAX_SITEMAP_BYTES // (1024 * 1024)},
            url=url,
        )
    return output


def _location_url(base_url: str, location: str, sitemap_url: str) -> str:
    """Resolve one <loc> against the sitemap's address; reject a location that is not a URL."""
    try:
        resolved = urljoin(base_url, location)
        urlsplit(resolved)  # urljoin returns `location` unparsed when `base_url` is empty
    except ValueError as error:
        raise ImportFileError(
            _("%(url)s: the sitemap lists %(location)s, which is not a valid URL (%(error)s). "
              "Correct or remove that entry.")
            % {"url": sitemap_url, "location": location, "error": error},
            file_name=sitemap_url,
        ) from None
    return resolved


def sitemap_parse(data: bytes, *, url: str, base_url: str) -> tuple[list[str], list[str]]:
    """Parse a sitemap's bytes (XML or gzip) and return (nested sitemap URLs, page URLs).

    `url` names the sitemap in messages, and relative locations are resolved
    against `base_url`, the address it was fetched from after redirects.

    Raises
    ------
    FetchError, ImportFileError
        When the data is damaged gzip, too large unpacked, not XML or not a sitemap.
    """
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, url)
    root = parse_xml(data, file_name=url)
    kind = local_name(root)
    if kind not in ("urlset", "sitemapindex"):
        raise ImportFileError(
            _("%(url)s: the XML document is not a sitemap (its root is <%(root)s>, not "
              "<urlset> or <sitemapindex>).") % {"url": url, "root": kind},
            file_name=url,
        )
    # Only <loc> children of <url> or <sitemap>, not image:loc inside image:image.
    # Relative locations, which static exports of WordPress sites contain, are
    # resolved against the sitemap's own URL.
    locations = [
        _location_url(base_url, (element.text or "").strip(), url)
        for entry in root
        for element in entry
        if local_name(element) == "loc" and (element.text or "").strip()
    ]
    if kind == "sitemapindex":
        return locations, []
    return [], locations


def sitemap_read(url: str) -> tuple[list[str], list[str]]:
    """Fetch one sitemap and return (nested sitemap URLs, page URLs).

    Raises
    ------
    FetchError, ImportFileError
        When the sitemap cannot be fetched or is not a sitemap.
    """
    page = fetch_url(
        url, accept=XML_CONTENT_TYPES + GZIP_CONTENT_TYPES, max_bytes=MAX_SITEMAP_BYTES
    )
    return sitemap_parse(page.data, url=url, base_url=page.url)


def _same_site(url: str, other: str) -> bool:
    return urlsplit(url).hostname == urlsplit(other).hostname


def sitemap_page_urls(url: str, *, limit: int, deadline: float) -> tuple[list[str], list[str]]:
    """Walk a sitemap (index, nested sitemaps, .xml.gz) breadth first; return (pages, problems).

    Page URLs on another host than the sitemap are left out, as the sitemaps
    protocol requires. A nested sitemap that cannot be read is a problem,
    not a failure of the crawl; the top sitemap raises.
    """
    pages: list[str] = []
    problems: list[str] = []
    seen_pages: set[str] = set()
    queue: list[tuple[str, int]] = [(url, 0)]
    seen_sitemaps = {url}
    while queue and len(pages) < limit and time.monotonic() < deadline:
        current, depth = queue.pop(0)
        try:
            nested, locations = sitemap_read(current)
        except (FetchError, ImportFileError) as error:
            if current == url:
                raise
            problems.append(error.message)
            continue
        for location in nested:
            if (
                depth + 1 <= MAX_SITEMAP_DEPTH
                and location not in seen_sitemaps
                and len(seen_sitemaps) < MAX_SITEMAP_FILES
                and _same_site(url, location)
            ):
                seen_sitemaps.add(location)
                queue.append((location, depth + 1))
        for location in locations:
            if location not in seen_pages and _same_site(url, location):
                seen_pages.add(location)
                pages.append(location)
    return pages[:limit], problems


class HostThrottle:
    """Spaces requests to one host by a minimum delay, across threads."""

    def __init__(self, delay_seconds: float) -> None:
        self.delay = delay_seconds
        self._next: dict[str, float] = {}
        self._lock = threading.Lock()

    def wait(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        with self._lock:
            now = time.monotonic()
            slot = max(now, self._next.get(host, now))
            self._next[host] = slot + self.delay
        if slot > now:
            time.sleep(slot - now)


class RobotsRules:
    """robots.txt rules per host, fetched once through the address guard."""

    def __init__(self, user_agent: str) -> None:
        self.user_agent = user_agent
        self._parsers: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._lock = threading.Lock()

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        root = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        with self._lock:
            parser = self._parsers.get(root)
            if parser is None:
                parser = self._load(root)
                self._parsers[root] = parser
        return parser.can_fetch(self.user_agent, url)

    def delay(self, url: str) -> float | None:
        parts = urlsplit(url)
        parser = self._parsers.get(urlunsplit((parts.scheme, parts.netloc, "", "", "")))
        value = parser.crawl_delay(self.user_agent) if parser else None
        return float(value) if value is not None else None

    def _load(self, root: str) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser(f"{root}/robots.txt")
        try:
            page = fetch_url(f"{root}/robots.txt", accept=("text/plain",), max_bytes=512 * 1024)
        except FetchError as error:
            # Following RFC 9309, a robots.txt that returns a 4xx status places no
            # restriction, while an unreachable one (5xx, network error) forbids everything.
            if error.status is not None and 400 <= error.status < 500:
                logger.info("No robots.txt rules for %s: %s", root, error.message)
                parser.parse([])
            else:
                logger.warning("robots.txt of %s is unreachable, so nothing is fetched: %s",
                               root, error.message)
                parser.parse(["User-agent: *", "Disallow: /"])
            return parser
        parser.parse(page.data.decode("utf-8", errors="replace").splitlines())
        return parser


@dataclass
class SitemapCrawl:
    """One crawl of the pages a sitemap lists; iterate it for the articles.

    Pages in `done` (already imported by an earlier run of the same import)
    are not fetched again. After iteration, `stopped_by` names the limit that
    ended the crawl early, if any.
    """

    url: str
    done: set[str] = field(default_factory=set)
    max_pages: int = 0
    time_limit: float = 0
    concurrency: int = 0
    host_delay: float = -1
    should_stop: Callable[[], bool] = lambda: False
    stopped_by: str = ""
    total: int = 0
    _stop: threading.Event = field(default_factory=threading.Event, repr=False)

    def __post_init__(self) -> None:
        self.max_pages = self.max_pages or settings.SEOASSIST_CRAWL_MAX_PAGES
        self.time_limit = self.time_limit or settings.SEOASSIST_CRAWL_TIME_LIMIT
        self.concurrency = max(1, self.concurrency or settings.SEOASSIST_CRAWL_CONCURRENCY)
        if self.host_delay < 0:
            self.host_delay = settings.SEOASSIST_CRAWL_HOST_DELAY_MS / 1000

    def __iter__(self) -> Iterator[ArticleItem]:
        self._stop.clear()
        deadline = time.monotonic() + self.time_limit
        pages, problems = sitemap_page_urls(self.url, limit=self.max_pages, deadline=deadline)
        for number, message in enumerate(problems, start=1):
            yield ArticleProblem(f"{self.url}#sitemap-{number}", message)
        if len(pages) >= self.max_pages:
            self.stopped_by = "pages"
        todo = [page for page in pages if page not in self.done]
        self.total = len(pages)
        robots = RobotsRules(settings.SEOASSIST_FETCH_USER_AGENT)
        throttle = HostThrottle(self.host_delay)
        yield from self._crawl(todo, robots, throttle, deadline)

    def _fetch(
        self, url: str, robots: RobotsRules, throttle: HostThrottle, deadline: float
    ) -> ArticleItem | None:
        """Fetch one page in a worker thread; return None when the crawl stopped first."""
        if not robots.allowed(url):
            return ArticleSkip(
                url, _("%(url)s: robots.txt does not allow fetching this page.") % {"url": url}
            )
        crawl_delay = robots.delay(url)
        if crawl_delay is not None and crawl_delay > throttle.delay:
            throttle.delay = min(crawl_delay, 30.0)
        throttle.wait(url)
        # A page left out by a cancel or the time limit yields no item, so that
        # resuming the import fetches it.
        if self._stop.is_set() or time.monotonic() > deadline:
            return None
        try:
            return page_article(url)
        except Exception as error:  # noqa: BLE001 — one page's parser failure must not end the crawl
            logger.exception("Reading %s failed", url)
            return ArticleProblem(
                url, _("%(url)s: the page could not be read (%(error)s).")
                % {"url": url, "error": type(error).__name__},
            )

    def _crawl(
        self, urls: list[str], robots: RobotsRules, throttle: HostThrottle, deadline: float
    ) -> Iterator[ArticleItem]:
        pending: set[Future] = set()
        queue = iter(urls)
        # The active language is per thread, so each worker thread takes the caller's,
        # and the messages of a page it fails on read like the rest of the import.
        language = translation.get_language() or settings.LANGUAGE_CODE
        with ThreadPoolExecutor(
            max_workers=self.concurrency,
            thread_name_prefix="crawl",
            initializer=translation.activate,
            initargs=(language,),
        ) as pool:
            try:
                while True:
                    while len(pending) < self.concurrency * 2:
                        if self.should_stop():
                            self.stopped_by = self.stopped_by or "cancelled"
                            self._stop.set()
                            break
                        if time.monotonic() > deadline:
                            self.stopped_by = "time"
                            break
                        url = next(queue, None)
                        if url is None:
                            break
                        pending.add(pool.submit(self._fetch, url, robots, throttle, deadline))
                    if not pending:
                        return
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        item = future.result()
                        if item is not None:
                            yield item
            finally:
                # Requests already waiting for their turn end without fetching.
                self._stop.set()
                for future in pending:
                    future.cancel()

