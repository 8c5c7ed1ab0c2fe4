"""Fuzzing the newer corpus readers with hypothesis: input is read or rejected with a message.

The readers covered are the WordPress export (WXR) reader, Markdown with YAML
or TOML front matter, the safe XML parser and sitemap parsing (plain, index
and gzip). The URL guard, the near-duplicate fingerprints and the import
service that stores WordPress and Markdown articles are covered too. Each must
return its result or raise an ApplicationError subclass whose message is not
empty.

The URL guard is called only with URLs whose host is an IP address literal
or that urlsplit rejects, so no host name is resolved. Checking a URL never
opens a connection.
"""
import gzip
import ipaddress
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from seoassist.core.exceptions import ApplicationError

FUZZ_SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

WXR_NS = "http://wordpress.org/export/1.2/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
EXCERPT_NS = "http://wordpress.org/export/1.2/excerpt/"
DC_NS = "http://purl.org/dc/elements/1.1/"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"

WORDS = st.sampled_from([
    "花粉症", "対策", "hay fever", "<p>", "</p>", "<h2>見出し</h2>", "[caption id=\"1\"]",
    "[/caption]", "[gallery]", "[[escaped]]", "<!-- wp:paragraph -->", "<!-- /wp:paragraph -->",
    "&amp;", "&lt;", "&#x1F600;", "&nbsp;", "]]>", "\n\n", "\n", "\r\n", " ", "#", "é",
    "2024-01-07 10:00:00", "0000-00-00 00:00:00", "Mon, 07 Jan 2024 10:00:00 +0900", "",
])
TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.lists(WORDS, max_size=10).map("".join),
)
# Text without control characters, which XML does not allow, so that most documents are well-formed.
XML_TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    st.lists(WORDS, max_size=10).map("".join),
    st.lists(WORDS, max_size=10).map("".join),
)


def _check_rejection(error: ApplicationError) -> None:
    # Events show in --hypothesis-show-statistics how often each outcome was reached.
    event(f"rejected: {type(error).__name__}: {error.message.split(':', 1)[-1][:50]}")
    assert isinstance(error.message, str)
    assert error.message.strip(), f"{type(error).__name__} without a message"


def _check_items(items: list) -> None:
    from seoassist.corpus.parsing import ArticleProblem, ArticleSkip, ParsedArticle

    for item in items:
        event(f"item: {type(item).__name__}: {getattr(item, 'message', '').split(':', 1)[-1][:50]}")
        assert isinstance(item, ParsedArticle | ArticleProblem | ArticleSkip)
        if isinstance(item, ParsedArticle):
            assert item.title.strip() or item.body.strip()
        else:
            assert item.message.strip()


def _read_upload(data: bytes, extension: str) -> None:
    from seoassist.corpus.parsing import ReadOptions, read_articles

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{extension}"
        path.write_bytes(data)
        options = ReadOptions(include_drafts=True, include_attachments=True)
        try:
            items = list(read_articles(path, display_name=f"fuzz{extension}", options=options))
        except ApplicationError as error:
            _check_rejection(error)
            return
    _check_items(items)


def _xml_text(draw, text: str) -> str:
    """Put `text` into an element as CDATA, escaped text or raw (possibly malformed) markup."""
    form = draw(st.sampled_from(["cdata", "cdata", "escaped", "escaped", "raw"]))
    if form == "cdata":
        return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"
    if form == "escaped":
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


@st.composite
def wxr_items(draw) -> str:
    fields = {
        "title": XML_TEXT,
        "link": st.sampled_from(["https://example.test/a", "/relative", "http://[::1", ""]),
        "pubDate": st.sampled_from(["Mon, 07 Jan 2024 10:00:00 +0900", "yesterday", "", "Mon, 99"]),
        "dc:creator": st.sampled_from(["admin", "editor", "", "誰か"]),
        "guid": st.sampled_from(["https://example.test/?p=1", ""]),
        "content:encoded": XML_TEXT,
        "excerpt:encoded": XML_TEXT,
        "wp:post_id": st.sampled_from(["1", "x", ""]),
        "wp:post_date": st.sampled_from(
            ["2024-01-07 10:00:00", "0000-00-00 00:00:00", "2024-13-45 25:61:61", ""]
        ),
        "wp:post_date_gmt": st.sampled_from(
            ["2024-01-07 01:00:00", "0000-00-00 00:00:00", "bad", ""]
        ),
        "wp:post_name": st.sampled_from(["kafun", "", "花粉"]),
        "wp:status": st.sampled_from(["publish", "draft", "pending", "private", "future", "inherit",
                                      "trash", "auto-draft", ""]),
        "wp:post_type": st.sampled_from(["post", "page", "attachment", "nav_menu_item", "revision",
                                         "product", ""]),
    }
    chosen = draw(st.lists(st.sampled_from(sorted(fields)), max_size=len(fields) + 2))
    if draw(st.integers(0, 3)):
        chosen += ["title", "content:encoded"]
    parts = []
    for name in chosen:
        value = draw(fields[name])
        parts.append(f"<{name}>{_xml_text(draw, value)}</{name}>")
    for _ in range(draw(st.integers(0, 3))):
        domain = draw(st.sampled_from(["category", "post_tag", "post_format", ""]))
        name = _xml_text(draw, draw(XML_TEXT))
        parts.append(f'<category domain="{domain}" nicename="n">{name}</category>')
    return "<item>" + "".join(parts) + "</item>"


@st.composite
def wxr_documents(draw) -> bytes:
    standard = [f'xmlns:wp="{WXR_NS}"', f'xmlns:content="{CONTENT_NS}"',
                f'xmlns:excerpt="{EXCERPT_NS}"', f'xmlns:dc="{DC_NS}"']
    # Mostly a complete set, so that items are read; otherwise some prefixes are
    # undeclared (not well-formed) or wp: points to another namespace.
    namespaces = draw(st.one_of(
        st.just(standard), st.just(standard),
        st.lists(st.sampled_from([*standard, 'xmlns:wp="http://example.test/not-wordpress/"']),
                 unique=True, max_size=5),
    ))
    authors = "".join(
        f"<wp:author><wp:author_login>{login}</wp:author_login><wp:author_display_name>"
        f"{_xml_text(draw, draw(XML_TEXT))}</wp:author_display_name></wp:author>"
        for login in draw(st.lists(st.sampled_from(["admin", "editor", ""]), max_size=2))
    )
    items = "".join(draw(st.lists(wxr_items(), max_size=4)))
    channel = f"<channel><title>Site</title>{authors}{items}</channel>"
    if draw(st.booleans()):
        channel = items  # items straight under <rss>, without a channel
    prolog = draw(st.sampled_from([
        "", "", '<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="Shift_JIS"?>', '<!DOCTYPE rss [<!ENTITY a "aaaa">]>',
        "<!DOCTYPE rss>", "\ufeff",
    ]))
    document = f'{prolog}<rss version="2.0" {" ".join(namespaces)}>{channel}</rss>'
    if draw(st.integers(0, 7)) == 0:
        document = document[: draw(st.integers(len(document) // 2, len(document)))]
    # UTF-16 also under a prolog that declares UTF-8, which libxml2 rejects.
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8", "utf-16"]))
    return document.encode(encoding, errors="replace")


YAML_LINES = st.sampled_from([
    "title: 花粉症の対策", "title:", "title: {x: 1}", "date: 2024-01-07", "date: 2024-13-45",
    "date: yesterday", "date: 2024-01-07T10:00:00+09:00", "published: 1", "tags: [花粉, 対策]",
    "tags: a, b", "tags: 5", "categories: 健康", "category: [x, y]", "draft: true", "draft: yes",
    "draft: 'true'", "author: 山田", "slug: kafun", "url: https://example.test/a",
    "description: 説明", "lang: ja", "lang: 5", "1: number key", "null: ~", "summary: [1, 2]",
])
BROKEN_YAML_LINES = st.sampled_from([
    "title: [a, b", "- list item", "key without colon", "  indented: wrongly", ": empty key",
    "? complex", "&anchor x", "*alias", "!!python/object:os.system ls", "\t", "'",
])
TOML_LINES = st.sampled_from([
    'title = "花粉症の対策"', 'date = 2024-01-07', "date = 2024-01-07T10:00:00Z",
    'tags = ["花粉", "対策"]', "draft = true", 'author = "x"', '"quoted key" = 1', "lang = 5",
    "published = 12:00:00", 'categories = "健康"', "[section]",
])
BROKEN_TOML_LINES = st.sampled_from([
    "title = ", "[[array]]", 'title = """multi', "key = value", "=", 'date = "2024-01-07',
])


@st.composite
def markdown_files(draw) -> bytes:
    fence, lines, broken = draw(st.sampled_from(
        [("---", YAML_LINES, BROKEN_YAML_LINES), ("+++", TOML_LINES, BROKEN_TOML_LINES)]
    ))
    head_lines = draw(st.lists(lines, max_size=6))
    if draw(st.integers(0, 3)):
        head_lines.insert(0, 'title = "花粉症の対策"' if fence == "+++" else "title: 花粉症の対策")
    if draw(st.integers(0, 3)) == 0:
        head_lines.insert(draw(st.integers(0, len(head_lines))), draw(broken))
    head = "\n".join(head_lines)
    closing = draw(st.sampled_from(
        [fence, fence, fence, "", "---" if fence == "+++" else "+++", fence + "  "]
    ))
    body_lines = draw(st.lists(st.one_of(TEXT, st.sampled_from([
        "# 花粉症", "## 対策", "- item", "1. first", "```", "> quote", "| a | b |", "|---|---|",
        "<div>html</div>", "*[abbr]: x", "[^1]: note",
    ])), max_size=8))
    text = f"{fence}\n{head}\n{closing}\n" + "\n".join(body_lines)
    if draw(st.booleans()):
        text = "\ufeff" + text
    return text.encode(draw(st.sampled_from(["utf-8", "utf-16", "cp932"])), errors="replace")


@st.composite
def sitemap_documents(draw) -> bytes:
    kind = draw(st.sampled_from(["urlset", "sitemapindex", "rss", "urlset"]))
    entry = "url" if kind == "urlset" else "sitemap"
    valid = st.sampled_from([
        "https://example.test/a", "/relative/path", "記事/花粉", "https://example.test:99999/",
        "https://example.test:port/", "//other.test/x", "javascript:alert(1)", " ",
        "http://a b/", "https://example.test/a?utm_source=x#top",
    ])
    invalid = st.sampled_from(["http://[::1", "http://[bad]/", "https://ex\uff03ample.test/"])
    locations = draw(st.lists(st.one_of(valid, valid, valid, invalid, XML_TEXT), max_size=5))
    entries = "".join(
        f"<{entry}><loc>{_xml_text(draw, location)}</loc><lastmod>2024-01-07</lastmod></{entry}>"
        for location in locations
    )
    namespace = draw(st.sampled_from([f' xmlns="{SITEMAP_NS}"', "", ' xmlns="urn:other"']))
    document = f'<?xml version="1.0"?><{kind}{namespace}>{entries}</{kind}>'
    if draw(st.integers(0, 7)) == 0:
        document = document[: draw(st.integers(len(document) // 2, len(document)))]
    data = document.encode()
    if draw(st.booleans()):
        data = gzip.compress(data)
        if draw(st.integers(0, 3)) == 0:
            data = data[: draw(st.integers(0, len(data)))]
    return data


IPV4 = st.ip_addresses(v=4).map(str)
IPV6 = st.ip_addresses(v=6).map(lambda address: f"[{address}]")
URL_PART = st.lists(
    st.sampled_from(list("abc/?#=&%:@[]. 花\\\t\n") + ["%2F", "%ZZ", "..", "\uff03", "\u2100"]),
    max_size=12,
).map("".join)


@st.composite
def ip_literal_urls(draw) -> str:
    """URLs whose host part is an IP address literal, with random scheme, port, path and query."""
    scheme = draw(st.sampled_from(
        ["http", "https", "http", "https", "HTTP", "ftp", "file", "javascript", ""]
    ))
    host = draw(st.one_of(
        IPV4, IPV6, st.sampled_from(["93.184.215.14", "[2606:4700::1]", "8.8.8.8"]),
        st.sampled_from(["[::1", "[1.2.3.4]", "[]", "", "[fe80::1%eth0]", "0x7f.1"]),
    ))
    port = draw(st.sampled_from(
        ["", "", "", ":80", ":443", ":8080", ":0", ":65536", ":99999", ":abc", ":", ":-1"]
    ))
    separator = draw(st.sampled_from(["://", "://", "://", ":/", ":", "//"]))
    return f"{scheme}{separator}{host}{port}{draw(URL_PART)}"


def _is_ip_literal_host(url: str) -> bool:
    """Return whether url_check would treat the host as an address without resolving it."""
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return True  # urlsplit rejects it before any lookup
    if not host:
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


class WordPressExportFuzzTests:
    @FUZZ_SETTINGS
    @given(data=wxr_documents())
    def test_wxr_upload(self, data):
        _read_upload(data, ".xml")

    @FUZZ_SETTINGS
    @given(data=wxr_documents(), drafts=st.booleans(), attachments=st.booleans())
    def test_read_wxr(self, data, drafts, attachments):
        from seoassist.corpus.parsing.wxr import read_wxr

        try:
            items = list(read_wxr(data, "fuzz.xml", include_drafts=drafts,
                                  include_attachments=attachments))
        except ApplicationError as error:
            _check_rejection(error)
            return
        _check_items(items)

    @FUZZ_SETTINGS
    @given(content=TEXT)
    def test_content_markdown(self, content):
        from seoassist.corpus.parsing.wxr import content_markdown

        assert isinstance(content_markdown(content), str)


class XmlParserFuzzTests:
    @FUZZ_SETTINGS
    @given(data=st.one_of(
        st.binary(max_size=300),
        TEXT.map(lambda text: f"<a>{text}</a>".encode()),
        st.sampled_from([
            b'<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><a>&x;</a>',
            b'<!DOCTYPE a [<!ENTITY % p "x">]><a/>', b"<a>&undefined;</a>", b"<?xml?>",
            b'<?xml version="1.0" encoding="bogus"?><a/>', b"<a xmlns:x='u'><x:b/></a>",
        ]),
    ))
    def test_parse_xml(self, data):
        from seoassist.corpus.parsing.xml import local_name, namespace, parse_xml

        try:
            root = parse_xml(data, file_name="fuzz.xml")
        except ApplicationError as error:
            _check_rejection(error)
            return
        for element in root.iter():
            assert isinstance(local_name(element), str)
            assert isinstance(namespace(element), str)


class MarkdownFuzzTests:
    @FUZZ_SETTINGS
    @given(data=markdown_files())
    def test_markdown_upload(self, data):
        _read_upload(data, ".md")

    @FUZZ_SETTINGS
    @given(text=st.one_of(markdown_files().map(lambda data: data.decode("utf-8", "replace")), TEXT))
    def test_read_markdown(self, text):
        from seoassist.corpus.parsing.markdown import read_markdown

        _check_items([read_markdown(text, "fuzz.md", include_drafts=True)])


class SitemapFuzzTests:
    @FUZZ_SETTINGS
    @given(data=st.one_of(sitemap_documents(), sitemap_documents(), sitemap_documents(),
                          st.binary(max_size=200), st.binary(max_size=200).map(gzip.compress)),
           base_url=st.sampled_from(["https://example.test/sitemap.xml", "", "http://[::1]/s.xml"]))
    def test_sitemap_parse(self, data, base_url):
        from seoassist.corpus.crawling import sitemap_parse

        try:
            nested, pages = sitemap_parse(data, url="https://example.test/sitemap.xml",
                                          base_url=base_url)
        except ApplicationError as error:
            _check_rejection(error)
            return
        assert not nested or not pages, "a sitemap is either an index or a list of pages"
        for location in nested + pages:
            assert location
            urlsplit(location).hostname  # the crawl compares hosts, which must not raise


class UrlGuardFuzzTests:
    @FUZZ_SETTINGS
    @given(url=ip_literal_urls())
    def test_url_check(self, url):
        from seoassist.corpus.fetching import url_check

        assume(_is_ip_literal_host(url))
        try:
            target = url_check(url)
        except ApplicationError as error:
            _check_rejection(error)
            return
        assert target.scheme in ("http", "https")
        ipaddress.ip_address(target.address.split("%", 1)[0])
        assert target.path.isascii()
        assert target.path.startswith("/")

    @FUZZ_SETTINGS
    @given(current=ip_literal_urls(), location=st.one_of(ip_literal_urls(), URL_PART))
    def test_redirect_check(self, current, location):
        from urllib.parse import urljoin

        from seoassist.corpus.fetching import redirect_check

        try:
            joined = urljoin(current, location.strip())
        except ValueError:
            joined = ""
        assume(_is_ip_literal_host(joined))
        try:
            redirect_check(current, location)
        except ApplicationError as error:
            _check_rejection(error)


class FingerprintFuzzTests:
    @FUZZ_SETTINGS
    @given(text=st.one_of(
        TEXT, st.text(min_size=80, max_size=400), st.lists(WORDS, min_size=20).map(" ".join)
    ))
    def test_simhash(self, text):
        from seoassist.corpus.dedup import NearDuplicateIndex, hamming, simhash

        fingerprint = simhash(text)
        if fingerprint is None:
            return
        assert -(1 << 63) <= fingerprint < 1 << 63
        assert simhash(text + " ") == fingerprint
        index = NearDuplicateIndex()
        index.add(fingerprint, 1)
        assert index.find(fingerprint) == 1
        assert hamming(fingerprint, fingerprint) == 0

    @FUZZ_SETTINGS
    @given(url=st.one_of(ip_literal_urls(), URL_PART, st.text(max_size=40)))
    def test_url_key(self, url):
        from seoassist.corpus.dedup import url_key

        key = url_key(url)
        assert isinstance(key, str)
        assert url_key(f" {url}\n") == key


@pytest.mark.django_db
class ArticleImportServiceFuzzTests:
    # The site is shared by all examples on purpose: later examples meet the
    # articles of earlier ones, so duplicate detection runs too.
    @settings(
        max_examples=40, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(upload=st.one_of(
        wxr_documents().map(lambda data: (data, ".xml")),
        markdown_files().map(lambda data: (data, ".md")),
    ))
    def test_import_path(self, site, upload):
        from seoassist.corpus.parsing import ReadOptions
        from seoassist.corpus.services import articles_import_path

        data, extension = upload
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"upload{extension}"
            path.write_bytes(data)
            try:
                summary = articles_import_path(
                    site=site, path=path, display_name=f"fuzz{extension}",
                    options=ReadOptions(include_drafts=True, include_attachments=True),
                )
            except ApplicationError as error:
                _check_rejection(error)
                return
        event(f"imported: {summary.created > 0}")
        for problem in summary.problems:
            assert problem["message"].strip()
