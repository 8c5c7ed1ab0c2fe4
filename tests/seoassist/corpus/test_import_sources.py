"""Imports from WordPress exports, Markdown, web pages and sitemaps, and hostile inputs."""
from __future__ import annotations

import gzip
import json
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from seoassist.core.exceptions import ImportFileError
from seoassist.corpus.crawling import (
    SitemapCrawl,
    page_article,
    sitemap_page_urls,
    sitemap_parse,
    sitemap_read,
)
from seoassist.corpus.dedup import simhash
from seoassist.corpus.models import Article, ImportItem, ImportSource, ImportStatus
from seoassist.corpus.parsing import (
    ArticleProblem,
    ArticleSkip,
    ParsedArticle,
    extract_page,
    read_articles,
)
from seoassist.corpus.parsing.wxr import content_markdown, read_wxr
from seoassist.corpus.services import (
    articles_import_items,
    articles_import_path,
    import_job_cancel,
    import_job_create,
    import_job_create_from_url,
    import_job_execute,
    import_job_resume,
)

pytestmark = pytest.mark.usefixtures("english_messages")

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
READABILITY_PAGES = ("001", "002", "ars-1")


def _urlset(urls: list[str]) -> str:
    entries = "".join(f"<url><loc>{url}</loc></url>" for url in urls)
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="{SITEMAP_NS}">{entries}</urlset>'


def _index(urls: list[str]) -> str:
    entries = "".join(f"<sitemap><loc>{url}</loc></sitemap>" for url in urls)
    return f'<?xml version="1.0"?><sitemapindex xmlns="{SITEMAP_NS}">{entries}</sitemapindex>'


def _real_page(test_data_dir: Path, name: str) -> bytes:
    return (test_data_dir / "readability-test-pages" / "test-pages" / name / "source.html").read_bytes()


class WordPressExportTests:
    def test_theme_unit_test_export(self, test_data_dir: Path) -> None:
        path = test_data_dir / "wordpress-wxr" / "themeunittestdata.wordpress.xml"
        items = list(read_articles(path))
        articles = [item for item in items if isinstance(item, ParsedArticle)]
        skipped = [item for item in items if isinstance(item, ArticleSkip)]
        assert len(articles) >= 60
        assert any("attachment" in item.message for item in skipped)
        assert any("draft" in item.message for item in skipped)
        tagged = next(item for item in articles if item.tags)
        assert tagged.category
        assert tagged.author
        assert tagged.slug
        assert tagged.published_at is not None
        assert tagged.published_at.tzinfo is not None
        assert all("[caption" not in item.body and "[gallery" not in item.body for item in articles)

    def test_block_export_has_no_block_comments(self, test_data_dir: Path) -> None:
        path = test_data_dir / "wordpress-wxr" / "64-block-test-data.xml"
        articles = [item for item in read_articles(path) if isinstance(item, ParsedArticle)]
        assert len(articles) >= 50
        assert not any("<!--" in item.body or "wp:paragraph" in item.body for item in articles)

    def test_drafts_and_attachments_on_request(self, test_data_dir: Path) -> None:
        data = (test_data_dir / "wordpress-wxr" / "themeunittestdata.wordpress.xml").read_bytes()
        default = [item for item in read_wxr(data, "e.xml") if isinstance(item, ParsedArticle)]
        everything = [
            item for item in read_wxr(data, "e.xml", include_drafts=True, include_attachments=True)
            if isinstance(item, ParsedArticle)
        ]
        assert len(everything) > len(default)

    def test_shortcodes_and_block_comments_are_removed(self) -> None:
        content = (
            "<!-- wp:paragraph --><p>Spring is here.</p><!-- /wp:paragraph -->\n\n"
            '[caption id="a1"]<img src="x.jpg"> A photo[/caption]\n\n'
            "[column]Pollen counts rise in March.[/column]\n\n"
            "<h2>Remedies</h2>\n\nDrink water.\nSleep well."
        )
        # A line break inside a paragraph becomes <br>, which starts a new paragraph.
        assert content_markdown(content) == (
            "Spring is here.\n\nPollen counts rise in March.\n\n## Remedies\n\n"
            "Drink water.\n\nSleep well."
        )

    def test_billion_laughs_is_refused(self, tmp_path: Path) -> None:
        bomb = (
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
            + "".join(
                f'<!ENTITY {chr(98 + level)} "{("&" + chr(97 + level) + ";") * 10}">'
                for level in range(8)
            )
            + ']><rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item>'
            "<title>&i;</title></item></channel></rss>"
        )
        path = tmp_path / "bomb.xml"
        path.write_text(bomb)
        started = time.monotonic()
        # libxml2 refuses the amplification itself; the DOCTYPE check catches smaller bombs.
        with pytest.raises(ImportFileError, match="not valid XML|declares entities"):
            list(read_articles(path))
        assert time.monotonic() - started < 2

    def test_external_entity_is_not_read(self, tmp_path: Path) -> None:
        path = tmp_path / "xxe.xml"
        path.write_text(
            '<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>&x;</title>'
            "</item></channel></rss>"
        )
        with pytest.raises(ImportFileError, match="declares entities"):
            list(read_articles(path))

    def test_sitemap_file_is_pointed_to_sitemap_import(self, tmp_path: Path) -> None:
        path = tmp_path / "sitemap.xml"
        path.write_text(_urlset(["https://example.com/a"]))
        with pytest.raises(ImportFileError, match="import it by its address as a sitemap"):
            list(read_articles(path))

    def test_export_import_twice_adds_nothing(self, site, test_data_dir: Path) -> None:
        path = test_data_dir / "wordpress-wxr" / "theme-preview.xml"
        first = articles_import_path(site=site, path=path)
        second = articles_import_path(site=site, path=path)
        assert first.created == 7
        assert second.created == 0
        assert second.skipped == 7
        assert Article.objects.filter(site=site).exclude(author="").count() == 7


class MarkdownTests:
    def test_front_matter_fields(self, tmp_path: Path) -> None:
        (tmp_path / "a.md").write_text(
            "---\ntitle: 花粉症の対策\ndate: 2024-03-01\ntags: [花粉, 健康]\ncategories: 健康\n"
            "author: 佐藤\nslug: kafun\ndescription: 対策のまとめ\n---\n\n## 早めの対策\n\n"
            "症状が出る前に薬を飲み始めると効果的です。\n",
            encoding="utf-8",
        )
        (tmp_path / "b.markdown").write_text(
            "+++\ndraft = true\ntitle = \"Draft\"\n+++\nNot ready.\n", encoding="utf-8"
        )
        (tmp_path / "c.md").write_text("# Heading title\n\nBody text here.\n", encoding="utf-8")
        items = {Path(item.source).name: item for item in read_articles(tmp_path)}
        article = items["a.md"]
        assert article.title == "花粉症の対策"
        assert article.body == "## 早めの対策\n\n症状が出る前に薬を飲み始めると効果的です。"
        assert article.tags == ["花粉", "健康"]
        assert article.category == "健康"
        assert article.published_at.year == 2024
        assert article.language == "ja"
        assert isinstance(items["b.markdown"], ArticleSkip)
        assert items["c.md"].title == "Heading title"

    def test_broken_front_matter_is_a_problem(self, tmp_path: Path) -> None:
        (tmp_path / "a.md").write_text("---\ntitle: [unclosed\n---\nText\n", encoding="utf-8")
        (item,) = read_articles(tmp_path)
        assert isinstance(item, ArticleProblem)
        assert "front matter is not valid" in item.message

    def test_impossible_front_matter_date_is_a_problem(self, tmp_path: Path) -> None:
        text = "---\ntitle: A\ndate: 2024-13-45\n---\nText\n"
        (tmp_path / "a.md").write_text(text, encoding="utf-8")
        (item,) = read_articles(tmp_path)
        assert isinstance(item, ArticleProblem)
        assert "front matter is not valid YAML or TOML (month must be in 1..12)" in item.message


class HostileFileTests:
    def test_zip_bomb_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "bomb.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("a.html", b"\0" * (210 * 1024 * 1024))
        assert path.stat().st_size < 1024 * 1024
        with pytest.raises(ImportFileError, match="more than the limit"):
            list(read_articles(path))

    def test_zip_with_parent_paths_is_refused(self, tmp_path: Path) -> None:
        path = tmp_path / "escape.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("../../etc/evil.html", "<p>x</p>")
        with pytest.raises(ImportFileError, match="points outside the archive"):
            list(read_articles(path))

    def test_ten_megabyte_page_is_a_problem(self, tmp_path: Path) -> None:
        (tmp_path / "big.html").write_bytes(b"<html><body><p>" + b"word " * (2 * 1024 * 1024) + b"</p>")
        (tmp_path / "small.html").write_text(
            "<html><head><title>Small</title></head><body><p>A short article that is fine to "
            "read, with one whole sentence.</p></body></html>"
        )
        big, small = read_articles(tmp_path)
        assert isinstance(big, ArticleProblem)
        assert "10 MB, more than the limit of 5 MB" in big.message
        assert isinstance(small, ParsedArticle)

    def test_broken_markup_is_read(self, tmp_path: Path) -> None:
        path = tmp_path / "broken.html"
        path.write_bytes(
            b"<html><head><title>Broken page</title><body><div><p>This paragraph is never "
            b"closed and the markup is <b>broken <i>badly</b> all over the place, yet it reads."
            b"<p>A second paragraph follows without a closing tag, which browsers accept.</div></td>"
        )
        (item,) = read_articles(path)
        assert isinstance(item, ParsedArticle)
        assert "yet it reads." in item.body
        assert "browsers accept." in item.body


class PageImportTests:
    def test_real_page_is_imported(self, local_site, test_data_dir: Path) -> None:
        local_site.add("/ars", _real_page(test_data_dir, "ars-1"))
        item = page_article(local_site.url("/ars"))
        assert isinstance(item, ParsedArticle)
        assert len(item.body) > 2000
        assert item.title

    def test_shift_jis_page_by_http_header(self, local_site) -> None:
        html = "<html><head><title>花粉症対策</title></head><body><article><p>" + \
            "今年の花粉症シーズンは例年より早く始まる見込みです。スギ花粉の飛散は二月上旬から本格化します。" * 3 + \
            "</p></article></body></html>"
        local_site.add("/sjis", html.encode("shift_jis"), content_type="text/html; charset=Shift_JIS")
        item = page_article(local_site.url("/sjis"))
        assert isinstance(item, ParsedArticle)
        assert item.title == "花粉症対策"
        assert "スギ花粉" in item.body

    def test_euc_jp_page_by_meta_charset(self, local_site) -> None:
        html = '<html><head><meta charset="EUC-JP"><title>梅雨の過ごし方</title></head><body><div class="entry-content"><p>' + \
            "梅雨の時期は湿気が多く、カビが発生しやすくなります。換気と除湿を心がけましょう。" * 3 + \
            "</p></div></body></html>"
        local_site.add("/euc", html.encode("euc_jp"), content_type="text/html")
        item = page_article(local_site.url("/euc"))
        assert isinstance(item, ParsedArticle)
        assert item.title == "梅雨の過ごし方"
        assert "換気と除湿" in item.body

    def test_url_bom_wins_over_header(self, local_site) -> None:
        html = "<html><head><title>Café</title></head><body><p>" + "Crème brûlée is served. " * 10 + "</p></body></html>"
        local_site.add("/bom", b"\xef\xbb\xbf" + html.encode(), content_type="text/html; charset=iso-8859-1")
        item = page_article(local_site.url("/bom"))
        assert item.title == "Café"

    def test_refused_page_is_a_problem(self, settings) -> None:
        settings.SEOASSIST_FETCH_ALLOW_LOOPBACK = False
        item = page_article("http://127.0.0.1:9/x")
        assert isinstance(item, ArticleProblem)
        assert "loopback" in item.message


class HtmlMetadataTests:
    def test_json_ld_article_fields(self, tmp_path: Path) -> None:
        ld = json.dumps({
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": "梅雨の備え",
            "articleSection": "暮らし", "keywords": "梅雨, カビ対策",
            "author": {"@type": "Person", "name": "山田花子"},
            "datePublished": "2024-06-01T08:00:00+09:00",
        }, ensure_ascii=False)
        path = tmp_path / "page.html"
        path.write_text(
            f'<html lang="ja"><head><script type="application/ld+json">{ld}</script>'
            '<meta name="description" content="梅雨の前にできること">'
            '<link rel="canonical" href="https://example.jp/tsuyu"></head><body><article><p>'
            + "梅雨の時期は湿気が多く、カビが発生しやすくなります。換気を心がけましょう。" * 3
            + "</p></article></body></html>",
            encoding="utf-8",
        )
        (item,) = read_articles(path)
        assert item.title == "梅雨の備え"
        assert item.category == "暮らし"
        assert item.tags == ["梅雨", "カビ対策"]
        assert item.author == "山田花子"
        assert item.meta_description == "梅雨の前にできること"
        assert item.url == "https://example.jp/tsuyu"
        assert item.published_at.isoformat() == "2024-06-01T08:00:00+09:00"

    def test_invalid_canonical_url_is_ignored(self) -> None:
        page = extract_page(
            '<html><head><title>Canonical</title><link rel="canonical" href="http://[::1">'
            "</head><body><article><p>" + "A paragraph of article text. " * 5
            + "</p></article></body></html>",
            url="https://example.test/a",
        )
        assert page.canonical_url == "https://example.test/a"
        assert page.title == "Canonical"


class SitemapCrawlTests:
    def _serve(self, local_site, test_data_dir: Path) -> None:
        pages = {f"/p/{name}": _real_page(test_data_dir, name) for name in READABILITY_PAGES}
        for path, body in pages.items():
            local_site.add(path, body)
        local_site.add("/private/secret", "<p>secret</p>")
        local_site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
        local_site.add("/sitemap_index.xml", _index(
            [local_site.url("/post-sitemap.xml"), local_site.url("/page-sitemap.xml.gz")]
        ), content_type="application/xml")
        local_site.add("/post-sitemap.xml", _index([local_site.url("/nested.xml")]),
                       content_type="text/xml")
        local_site.add("/nested.xml", _urlset([local_site.url("/p/001"), local_site.url("/p/002")]),
                       content_type="application/xml")
        local_site.add("/page-sitemap.xml.gz", gzip.compress(_urlset(
            [local_site.url("/p/ars-1"), local_site.url("/private/secret"),
             "https://elsewhere.example/other"]
        ).encode()), content_type="application/x-gzip")

    def test_index_nested_and_gzip_sitemaps(self, local_site, test_data_dir: Path) -> None:
        self._serve(local_site, test_data_dir)
        pages, problems = sitemap_page_urls(
            local_site.url("/sitemap_index.xml"), limit=100, deadline=time.monotonic() + 30
        )
        assert problems == []
        assert sorted(pages) == sorted(
            [local_site.url(path) for path in ("/p/001", "/p/002", "/p/ars-1", "/private/secret")]
        )

    def test_real_yoast_index_with_relative_locations(self, local_site, test_data_dir: Path) -> None:
        folder = test_data_dir / "sitemaps" / "yoast-wordpress-static-export"
        for path in folder.glob("*.xml"):
            local_site.add(f"/{path.name}", path.read_bytes(), content_type="application/xml")
        pages, problems = sitemap_page_urls(
            local_site.url("/sitemap_index.xml"), limit=100, deadline=time.monotonic() + 30
        )
        assert problems == []
        assert len(pages) == 12
        assert local_site.url("/links/") in pages
        assert not any("wp-content/uploads" in page for page in pages)

    def test_real_japanese_urlset_is_read(self, local_site, test_data_dir: Path) -> None:
        data = (test_data_dir / "sitemaps" / "croud-travel.pages.dev" / "sitemap.xml").read_bytes()
        local_site.add("/sitemap.xml", data, content_type="application/xml")
        nested, locations = sitemap_read(local_site.url("/sitemap.xml"))
        assert nested == []
        assert len(locations) == 2243

    def test_crawl_honours_robots_and_page_limit(self, local_site, test_data_dir: Path) -> None:
        self._serve(local_site, test_data_dir)
        items = list(SitemapCrawl(local_site.url("/sitemap_index.xml"), concurrency=2))
        by_source = {item.source: item for item in items}
        assert isinstance(by_source[local_site.url("/private/secret")], ArticleSkip)
        assert "/private/secret" not in local_site.requests
        assert sum(isinstance(item, ParsedArticle) for item in items) == 3
        limited = SitemapCrawl(local_site.url("/sitemap_index.xml"), max_pages=2)
        assert len([item for item in limited if isinstance(item, ParsedArticle)]) <= 2
        assert limited.stopped_by == "pages"

    def test_unreachable_robots_forbids_crawl(self, local_site, test_data_dir: Path) -> None:
        self._serve(local_site, test_data_dir)
        local_site.add("/robots.txt", "down", content_type="text/plain", status=503)
        items = list(SitemapCrawl(local_site.url("/nested.xml")))
        assert len(items) == 2
        assert all(isinstance(item, ArticleSkip) for item in items)
        assert "/p/001" not in local_site.requests

    def test_concurrency_limits_parallel_requests(self, local_site) -> None:
        body = "<html><head><title>Page {n}</title></head><body><p>" + "Text of a page. " * 20 + "</p></body></html>"
        for number in range(6):
            local_site.add(f"/slow/{number}", body.format(n=number), delay=0.3)
        local_site.add("/slow.xml", _urlset([local_site.url(f"/slow/{n}") for n in range(6)]),
                       content_type="application/xml")
        items = list(SitemapCrawl(local_site.url("/slow.xml"), concurrency=2, host_delay=0))
        assert len(items) == 6
        assert local_site.max_in_flight == 2

    def test_host_delay_spaces_requests(self, local_site, test_data_dir: Path) -> None:
        self._serve(local_site, test_data_dir)
        list(SitemapCrawl(local_site.url("/nested.xml"), concurrency=4, host_delay=0.3))
        page_times = [
            moment for path, moment in zip(local_site.requests, local_site.request_times)
            if path.startswith("/p/")
        ]
        assert len(page_times) == 2
        assert page_times[1] - page_times[0] >= 0.29

    def test_invalid_location_is_refused(self) -> None:
        data = _urlset(["https://example.test/a", "http://[::1"]).encode()
        with pytest.raises(ImportFileError, match=r"lists http://\[::1, which is not a valid URL"):
            sitemap_parse(data, url="https://example.test/sitemap.xml",
                          base_url="https://example.test/sitemap.xml")

    def test_sitemap_bomb_is_refused(self, local_site) -> None:
        local_site.add("/bomb.xml.gz", gzip.compress(b"<urlset>" + b" " * (60 * 1024 * 1024)),
                       content_type="application/gzip")
        with pytest.raises(Exception, match="unpacks to more than 50 MB"):
            sitemap_page_urls(local_site.url("/bomb.xml.gz"), limit=10, deadline=time.monotonic() + 30)


@pytest.mark.django_db
class ImportJobTests:
    def test_sitemap_job_records_each_item(self, site, local_site, test_data_dir: Path) -> None:
        SitemapCrawlTests()._serve(local_site, test_data_dir)
        job = import_job_create_from_url(
            site=site, url=local_site.url("/sitemap_index.xml"),
            source_kind=ImportSource.SITEMAP, user=None, ui_language="en",
        )
        job = import_job_execute(job_id=job.pk)
        assert job.status == ImportStatus.SUCCEEDED
        outcomes = dict(job.items.values_list("source", "outcome"))
        assert outcomes[local_site.url("/private/secret")] == "skipped"
        assert job.created_count == 3
        assert all(item.article_id for item in job.items.filter(outcome="imported"))

    def test_single_url_job_fails_with_reason(self, site, local_site) -> None:
        job = import_job_create_from_url(
            site=site, url=local_site.url("/missing"), source_kind=ImportSource.URL, user=None,
            ui_language="en",
        )
        job = import_job_execute(job_id=job.pk)
        assert job.status == ImportStatus.FAILED
        assert "HTTP status 404" in job.error
        assert job.items.get().outcome == "failed"

    def test_resume_retries_failed_page(self, site, local_site, test_data_dir: Path) -> None:
        job = import_job_create_from_url(
            site=site, url=local_site.url("/later"), source_kind=ImportSource.URL, user=None,
            ui_language="en",
        )
        job = import_job_execute(job_id=job.pk)
        assert job.status == ImportStatus.FAILED
        local_site.add("/later", _real_page(test_data_dir, "ars-1"))
        import_job_resume(job=job)
        job = import_job_execute(job_id=job.pk)
        assert job.status == ImportStatus.SUCCEEDED
        assert job.items.get().outcome == "imported"
        assert job.failed_count == 0

    def test_private_address_is_refused_when_queued(self, site) -> None:
        with pytest.raises(Exception, match="private address"):
            import_job_create_from_url(
                site=site, url="http://192.168.0.10/", source_kind=ImportSource.URL, user=None
            )

    def test_cancel_then_resume_imports_each_item_once(self, site, tmp_path: Path) -> None:
        rows = [{"title": f"Article {n}", "body": f"Body of article number {n} " * 3} for n in range(5)]
        data = "\n".join(json.dumps(row) for row in rows).encode()
        job = import_job_create(
            site=site, kind="articles", uploaded_file=SimpleUploadedFile("a.jsonl", data),
            user=None, ui_language="en",
        )
        job = import_job_cancel(job=job)
        assert job.status == ImportStatus.CANCELLED
        # An earlier run read the first two items before it was cancelled.
        path = tmp_path / "a.jsonl"
        path.write_bytes(data)
        first_two = list(read_articles(path))[:2]
        articles_import_items(site=site, items=first_two, job=job)
        job = import_job_resume(job=job)
        assert job.status == ImportStatus.QUEUED
        job = import_job_execute(job_id=job.pk)
        assert job.status == ImportStatus.SUCCEEDED
        assert job.created_count == 5
        assert ImportItem.objects.filter(job=job).count() == 5
        assert Article.objects.filter(site=site).count() == 5

    def test_cancel_while_running_stops(self, site) -> None:
        from seoassist.corpus.services import _JobMonitor

        row = {"title": "Only", "body": "Only one article body here."}
        job = import_job_create(
            site=site, kind="articles",
            uploaded_file=SimpleUploadedFile("a.jsonl", json.dumps(row).encode()),
            user=None, ui_language="en",
        )
        job.status = ImportStatus.RUNNING
        job.save()

        def items():
            for number in range(4):
                if number == 2:
                    # The editor selects "Cancel import" while the third item is read.
                    import_job_cancel(job=job)
                    time.sleep(1.1)
                yield ParsedArticle(title=f"Item {number}", body=f"Text of item {number}.",
                                    source=f"item-{number}")

        monitor = _JobMonitor(job.pk)
        summary = articles_import_items(
            site=site, items=items(), job=job, should_stop=monitor.should_stop
        )
        assert summary.created == 2
        assert list(job.items.values_list("source", flat=True)) == ["item-0", "item-1"]

    def test_cancel_while_queued_reads_nothing(self, site) -> None:
        rows = [{"title": f"Article {n}", "body": f"Body of article number {n} " * 3} for n in range(3)]
        job = import_job_create(
            site=site, kind="articles",
            uploaded_file=SimpleUploadedFile("a.jsonl", "\n".join(json.dumps(r) for r in rows).encode()),
            user=None, ui_language="en",
        )
        import_job_cancel(job=job)
        job = import_job_execute(job_id=job.pk)
        assert job.status == ImportStatus.CANCELLED
        assert job.items.count() == 0
        with pytest.raises(Exception, match="already ended"):
            import_job_cancel(job=job)

    def test_progress_counts_items_of_unknown_total(self, site) -> None:
        job = import_job_create_from_url(
            site=site, url="https://93.184.215.14/a", source_kind=ImportSource.URL, user=None
        )
        job.status = ImportStatus.RUNNING
        job.progress_step = 5
        assert job.progress_label == "5 items read"
        job.progress_total = 10
        assert job.progress_label == "Step 5 of 10"

    def test_near_duplicate_is_skipped(self, site) -> None:
        text = "花粉症の季節がやってきました。今年は例年より飛散量が多いと予想されています。" * 4
        first = ParsedArticle(title="花粉症の季節", body=text, source="a")
        second = ParsedArticle(title="花粉症の季節です", body=text.replace("。", "！", 1), source="b")
        summary = articles_import_items(site=site, items=[first, second])
        assert (summary.created, summary.skipped) == (1, 1)
        assert simhash(text) is not None

    def test_articles_without_fingerprint_are_fingerprinted(self, site) -> None:
        text = "Spring pollen counts rise early this year, doctors say, so start treatment soon. " * 3
        Article.objects.create(
            site=site, title="Old", body=text, language="en", content_hash="old-row"
        )
        edited = ParsedArticle(title="New", body=text + "One more line.", source="b")
        summary = articles_import_items(site=site, items=[edited])
        assert summary.skipped == 1
        assert Article.objects.get(title="Old").simhash is not None

    def test_same_canonical_url_is_skipped(self, site) -> None:
        first = ParsedArticle(title="One", body="First text about spring.", url="https://example.com/a/", source="a")
        second = ParsedArticle(title="Two", body="Another text entirely.", url="https://EXAMPLE.com/a?utm_source=x", source="b")
        summary = articles_import_items(site=site, items=[first, second])
        assert (summary.created, summary.skipped) == (1, 1)
