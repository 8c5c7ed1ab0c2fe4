"""Fuzzing every importer with hypothesis: arbitrary input is read or rejected with a message.

The importers are the article reader (HTML pages, CSV, JSON Lines and zip
files), the main-content extractor, the byte decoder and the Google Trends CSV
parser. Each must either return its result or raise an ApplicationError
subclass whose message is not empty; any other exception fails the test with
the input that caused it. Inputs are built from the pieces real files contain
(Japanese and English headers, dates, numbers, markup, encodings) as well as
from random bytes.
"""
import io
import json
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from seoassist.core.exceptions import ApplicationError

FUZZ_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "cp932", "latin-1"]
WORDS = st.sampled_from([
    "花粉症", "対策", "熱中症", "hay fever", "title", "body", "タイトル", "本文", "url", "date",
    "Week", "週", "Day", "日", "Month", "Category: All categories", "カテゴリ: すべてのカテゴリ",
    "<1", "100", "0", "-5", "2024-01-07", "2024/1/7", "1.5", "", " ", "\"", ",", ";", "\t",
    "<p>", "</p>", "<h2>", "<script>", "\x00", "\ufeff", "é", "\U0001f600",
])
TEXT = st.one_of(st.text(max_size=60), st.lists(WORDS, max_size=12).map(" ".join))


def _encode(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace")


@st.composite
def csv_files(draw, header_choices) -> bytes:
    """CSV text with a plausible header, ragged rows and a random encoding."""
    header = draw(st.lists(st.sampled_from(header_choices), min_size=1, max_size=4))
    rows = draw(st.lists(st.lists(TEXT, max_size=6), max_size=8))
    preamble = draw(st.lists(TEXT, max_size=3))
    lines = [*preamble, ",".join(header), *(",".join(row) for row in rows)]
    separator = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    return _encode(separator.join(lines), draw(st.sampled_from(ENCODINGS)))


@st.composite
def html_pages(draw) -> bytes:
    tags = st.sampled_from(["p", "h1", "h2", "div", "article", "main", "table", "li", "script",
                            "nav", "span", "pre", "br"])
    parts = []
    for _ in range(draw(st.integers(0, 12))):
        tag = draw(tags)
        parts.append(f"<{tag}>{draw(TEXT)}" + (f"</{tag}>" if draw(st.booleans()) else ""))
    head = draw(st.sampled_from([
        "", "<title>花粉症の対策</title>", '<meta charset="shift_jis">',
        '<meta property="article:published_time" content="2024-13-45">',
        '<script type="application/ld+json">{"@type": "Article", "articleBody": 5}</script>',
        '<link rel="canonical" href="http://[::1">', '<link rel="canonical" href="/a?b#c">',
        '<meta property="og:url" content="https://[1.2.3.4]/">',
    ]))
    page = f"<html><head>{head}</head><body>{''.join(parts)}</body></html>"
    if draw(st.booleans()):
        page = page[: draw(st.integers(0, len(page)))]
    return _encode(page, draw(st.sampled_from(ENCODINGS)))


@st.composite
def json_lines_files(draw) -> bytes:
    values = st.recursive(
        st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), TEXT),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
        max_leaves=6,
    )
    objects = st.dictionaries(
        st.sampled_from(["title", "body", "url", "date", "category", "keywords", "language",
                         "タイトル", "本文", "x"]),
        values, max_size=6,
    )
    lines = draw(st.lists(st.one_of(objects.map(json.dumps), TEXT), max_size=6))
    return _encode("\n".join(lines), draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16"])))


@st.composite
def zip_files(draw) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for index in range(draw(st.integers(0, 3))):
            name = draw(st.sampled_from(["a.html", "posts/b.htm", "c.csv", "d.jsonl", "e.txt",
                                         "../escape.html", "/abs.html", ".hidden/f.html"]))
            data = draw(st.one_of(html_pages(), st.binary(max_size=200)))
            archive.writestr(f"{index}-{name}" if index and "/" not in name else name, data)
    raw = buffer.getvalue()
    if draw(st.booleans()):
        raw = raw[: draw(st.integers(0, len(raw)))]
    return raw


ARTICLE_HEADERS = ["title", "body", "url", "date", "category", "タイトル", "本文", "公開日",
                   "content", "x", ""]
TRENDS_HEADERS = ["Week", "週", "Day", "日", "Month", "Date", "花粉症: (日本)", "hay fever",
                  "対策: (Japan)", ""]


def _check_rejection(error: ApplicationError) -> None:
    assert isinstance(error.message, str)
    assert error.message.strip(), f"{type(error).__name__} without a message"


def _read_all(data: bytes, extension: str) -> None:
    from seoassist.corpus.parsing import ArticleProblem, ParsedArticle, read_articles

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{extension}"
        path.write_bytes(data)
        try:
            items = list(read_articles(path, display_name=f"fuzz{extension}"))
        except ApplicationError as error:
            _check_rejection(error)
            return
    for item in items:
        assert isinstance(item, ParsedArticle | ArticleProblem)
        if isinstance(item, ArticleProblem):
            assert item.message.strip()
        else:
            assert item.title.strip() or item.body.strip()


class ArticleImporterFuzzTests:
    @FUZZ_SETTINGS
    @given(data=csv_files(ARTICLE_HEADERS))
    def test_csv(self, data):
        _read_all(data, ".csv")

    @FUZZ_SETTINGS
    @given(data=html_pages())
    def test_html(self, data):
        _read_all(data, ".html")

    @FUZZ_SETTINGS
    @given(data=json_lines_files())
    def test_json_lines(self, data):
        _read_all(data, ".jsonl")

    @FUZZ_SETTINGS
    @given(data=zip_files())
    def test_zip(self, data):
        _read_all(data, ".zip")

    @FUZZ_SETTINGS
    @given(data=st.binary(max_size=400), extension=st.sampled_from(
        [".csv", ".html", ".jsonl", ".zip", ".txt", ""]))
    def test_random_bytes(self, data, extension):
        _read_all(data, extension)


class PageExtractionFuzzTests:
    @FUZZ_SETTINGS
    @given(data=html_pages(), url=st.sampled_from(["", "https://media.example.com/a", "::"]))
    def test_extract_page(self, data, url):
        from seoassist.corpus.parsing import extract_page

        try:
            page = extract_page(data, url=url)
        except ApplicationError as error:
            _check_rejection(error)
            return
        assert isinstance(page.title, str)

    @FUZZ_SETTINGS
    @given(data=st.binary(max_size=400), html=st.booleans())
    def test_decode_bytes(self, data, html):
        from seoassist.corpus.parsing import decode_bytes

        try:
            text = decode_bytes(data, file_name="fuzz.bin", html=html)
        except ApplicationError as error:
            _check_rejection(error)
            return
        assert isinstance(text, str)


class TrendsImporterFuzzTests:
    @FUZZ_SETTINGS
    @given(data=csv_files(TRENDS_HEADERS))
    def test_trends_csv(self, data):
        self._parse(data)

    @FUZZ_SETTINGS
    @given(data=st.binary(max_size=400))
    def test_random_bytes(self, data):
        self._parse(data)

    @staticmethod
    def _parse(data: bytes) -> None:
        from seoassist.trends.parsing import parse_trends_csv

        try:
            series = parse_trends_csv(data, file_name="fuzz.csv")
        except ApplicationError as error:
            _check_rejection(error)
            return
        assert isinstance(series, list)


@pytest.mark.django_db
class TrendsImportServiceFuzzTests:
    # The site is shared by all examples on purpose: repeated imports into one site must work too.
    @settings(
        max_examples=40, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(data=csv_files(TRENDS_HEADERS))
    def test_import_file(self, site, data):
        from seoassist.trends.services import trends_import_file

        try:
            trends_import_file(site=site, data=data, file_name="fuzz.csv")
        except ApplicationError as error:
            _check_rejection(error)
