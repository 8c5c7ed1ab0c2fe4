"""Tests for article imports: HTML extraction, folders, zip archives, CSV and JSON Lines."""
from __future__ import annotations

import csv
import gzip
import io
import json
import re
import zipfile
from collections import Counter
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from seoassist.core.exceptions import ImportFileError
from seoassist.corpus.parsing import (
    ArticleProblem,
    ParsedArticle,
    decode_bytes,
    extract_page,
    files,
    read_articles,
)

JST = timezone(timedelta(hours=9))

ARTICLE_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Spring allergy guide | Health Weekly</title>
  <meta name="description" content="How to get through hay fever season.">
  <meta property="article:published_time" content="2024-03-01T09:30:00+09:00">
  <meta name="author" content="Hana Sato">
  <link rel="canonical" href="/articles/spring-allergy">
  <script>var tracking = "do not keep this";</script>
  <style>.x { color: red }</style>
</head>
<body>
  <header><a href="/">Health Weekly</a></header>
  <nav class="global-nav"><ul><li><a href="/news">News</a></li><li><a href="/tips">Tips</a></li></ul></nav>
  <div class="breadcrumb"><a href="/">Home</a> &gt; <a href="/health">Health</a></div>
  <div id="main">
    <article>
      <h1>Spring allergy guide</h1>
      <p>Hay fever affects millions of people every spring, and the season starts earlier each year.
      Doctors recommend preparing before the pollen count rises.</p>
      <h2>Know your triggers</h2>
      <p>Tree pollen peaks in March, while grass pollen follows in May and June, so the timing of
      symptoms tells you a lot about the cause.</p>
      <ul><li>Check the daily pollen forecast before going outside.</li>
          <li>Keep windows closed on windy, dry days.</li></ul>
      <div class="share-buttons"><a href="#">Share on X</a> <a href="#">Share on Facebook</a></div>
      <h3>Treatment options</h3>
      <p>Antihistamines, nasal sprays and eye drops help most people, and an allergist can suggest
      immunotherapy when they do not.</p>
      <blockquote>Start treatment two weeks before your usual symptoms begin.</blockquote>
    </article>
    <section class="comments"><h2>Comments</h2><p>Great article, thanks for sharing it with all of us here!</p></section>
    <div class="related-articles"><h2>Related</h2><a href="/a">Winter colds</a> <a href="/b">Summer heat</a></div>
  </div>
  <aside class="sidebar"><h2>Popular</h2><p>Ten foods that boost your immune system during the long winter months.</p></aside>
  <div id="cookie-banner">We use cookies to improve your experience on this website. Accept all cookies?</div>
  <footer><p>Copyright Health Weekly. All rights reserved. Contact us for reprint permission.</p></footer>
</body>
</html>
"""

JAPANESE_PAGE = """<html><head>
<meta http-equiv="Content-Type" content="text/html; charset=Shift_JIS">
<title>花粉症対策の基本｜健康ニュース</title></head>
<body><div class="menu"><a href="/">トップ</a><a href="/news">ニュース</a></div>
<div class="entry-content">
<p>今年の花粉症シーズンは例年より早く始まる見込みです。気象会社の予測によると、スギ花粉の飛散は二月上旬から本格化します。</p>
<h2>早めの対策が大切</h2>
<p>症状が出る前から薬を飲み始めると、ピーク時の症状を軽くできると専門家は話しています。マスクや眼鏡も効果的です。</p>
</div></body></html>
"""

pytestmark = pytest.mark.usefixtures("english_messages")




class ShiftJisNameInfo(zipfile.ZipInfo):
    """A member name written as Windows archivers do: Shift_JIS bytes, no UTF-8 flag."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 (zipfile's name)
        return self.filename.encode("cp932"), self.flag_bits & ~0x800


def read_error(path: Path, display_name: str | None = None) -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        list(read_articles(path, display_name=display_name))
    return caught.value


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def articles_of(items: list[ParsedArticle | ArticleProblem]) -> list[ParsedArticle]:
    return [item for item in items if isinstance(item, ParsedArticle)]


def problems_of(items: list[ParsedArticle | ArticleProblem]) -> list[ArticleProblem]:
    return [item for item in items if isinstance(item, ArticleProblem)]


def token_f1(predicted: str, expected: str) -> float:
    predicted_bag = Counter(re.findall(r"\w+", predicted.lower()))
    expected_bag = Counter(re.findall(r"\w+", expected.lower()))
    overlap = sum((predicted_bag & expected_bag).values())
    if not overlap:
        return 0.0
    precision = overlap / sum(predicted_bag.values())
    recall = overlap / sum(expected_bag.values())
    return 2 * precision * recall / (precision + recall)


class ExtractPageTests:
    def test_blocks_are_main_content_in_order(self) -> None:
        page = extract_page(ARTICLE_PAGE, url="https://example.com/x")
        assert [kind for kind, _text in page.blocks] == [
            "paragraph", "heading", "paragraph", "paragraph", "paragraph", "heading",
            "paragraph", "paragraph",
        ]

    def test_boilerplate_is_dropped(self) -> None:
        text = extract_page(ARTICLE_PAGE).text()
        for boilerplate in ("Share on X", "Great article", "Winter colds", "Ten foods",
                            "cookies", "Copyright", "Home", "tracking"):
            assert boilerplate not in text

    def test_title_matches_h1_and_is_not_a_block(self) -> None:
        page = extract_page(ARTICLE_PAGE)
        assert page.title == "Spring allergy guide"
        assert ("heading", "Spring allergy guide") not in page.blocks

    def test_metadata_is_read(self) -> None:
        page = extract_page(ARTICLE_PAGE, url="https://example.com/x")
        assert page.meta_description == "How to get through hay fever season."
        assert page.canonical_url == "https://example.com/articles/spring-allergy"
        assert page.published_at == datetime(2024, 3, 1, 9, 30, tzinfo=JST)
        assert page.author == "Hana Sato"
        assert page.language == "en"

    def test_markdown_uses_heading_lines_and_blank_lines(self) -> None:
        markdown = extract_page(ARTICLE_PAGE).markdown()
        assert "\n\n## Know your triggers\n\n" in markdown
        assert "<" not in markdown
        assert "\n\n\n" not in markdown

    def test_paragraph_whitespace_is_collapsed(self) -> None:
        first = extract_page(ARTICLE_PAGE).blocks[0][1]
        assert first.startswith("Hay fever affects millions of people every spring, and the")
        assert "  " not in first

    def test_og_title_wins(self) -> None:
        html = ARTICLE_PAGE.replace(
            "<title>", '<meta property="og:title" content="Beat hay fever"><title>'
        )
        assert extract_page(html).title == "Beat hay fever"

    def test_site_suffix_is_removed_from_title(self) -> None:
        html = "<html><head><title>花粉症対策の基本｜健康ニュース</title></head><body></body></html>"
        assert extract_page(html).title == "花粉症対策の基本"

    def test_dash_site_suffix_is_removed(self) -> None:
        html = "<html><head><title>How to pick a humidifier - Home Tips</title></head></html>"
        assert extract_page(html).title == "How to pick a humidifier"

    def test_title_colon_is_kept(self) -> None:
        html = "<html><head><title>速報：東京で初雪</title></head><body></body></html>"
        assert extract_page(html).title == "速報：東京で初雪"

    def test_longer_dash_suffix_is_kept(self) -> None:
        html = "<html><head><title>Review - A console that keeps up with PCs</title></head></html>"
        assert extract_page(html).title == "Review - A console that keeps up with PCs"

    def test_site_name_prefix_is_removed(self) -> None:
        html = (
            '<html><head><meta property="og:site_name" content="Health Weekly">'
            "<title>Health Weekly | Spring allergy guide</title></head></html>"
        )
        assert extract_page(html).title == "Spring allergy guide"

    def test_shift_jis_bytes_with_declaration(self) -> None:
        page = extract_page(JAPANESE_PAGE.encode("cp932"))
        assert page.title == "花粉症対策の基本"
        assert page.blocks[1] == ("heading", "早めの対策が大切")

    def test_japanese_language_is_detected(self) -> None:
        assert extract_page(JAPANESE_PAGE).language == "ja"

    def test_euc_jp_bytes_with_declaration(self) -> None:
        html = JAPANESE_PAGE.replace("Shift_JIS", "EUC-JP").encode("euc_jp")
        assert "スギ花粉" in extract_page(html).text()

    def test_json_ld_body_fills_script_rendered_page(self) -> None:
        body = "<p>First paragraph of the story, long enough to count.</p><p>Second one.</p>"
        html = (
            '<html><head><title>Story</title><script type="application/ld+json">'
            + json.dumps({"@type": "NewsArticle", "headline": "Story", "articleBody": body})
            + '</script></head><body><div id="app"></div></body></html>'
        )
        assert extract_page(html).blocks == [
            ("paragraph", "First paragraph of the story, long enough to count."),
            ("paragraph", "Second one."),
        ]

    def test_hidden_block_is_dropped(self) -> None:
        hidden = "<p>Hidden words that are never shown to the reader of this page at all.</p>" * 3
        shown = "<p>Shown words that the reader sees when the page has finished loading.</p>" * 2
        page = extract_page(
            f'<html><body><article><div style="visibility: hidden">{hidden}</div>'
            f"<div>{shown}</div></article></body></html>"
        )
        assert "Shown words" in page.text()
        assert "Hidden words" not in page.text()

    def test_hidden_metadata_copy_is_dropped(self) -> None:
        text = "<p>The council approved the new budget after a long debate on Tuesday night.</p>" * 3
        page = extract_page(
            f'<html><body><article><div class="entry-content">{text}</div></article>'
            f'<div style="display:none" itemscope><div itemprop="articleBody">{text}</div></div>'
            "</body></html>"
        )
        assert page.text().count("The council approved") == 3

    def test_line_breaks_split_paragraphs(self) -> None:
        html = (
            "<html><body><div class='post-body'>最初の段落です。とても大切なことを書きました。<br><br>"
            "次の段落です。ここにも大切なことを書いています。</div></body></html>"
        )
        assert extract_page(html).blocks == [
            ("paragraph", "最初の段落です。とても大切なことを書きました。"),
            ("paragraph", "次の段落です。ここにも大切なことを書いています。"),
        ]

    def test_japanese_yahoo_page(self, test_data_dir: Path) -> None:
        source = test_data_dir / "readability-test-pages/test-pages/yahoo-4/source.html"
        page = extract_page(source.read_bytes())
        assert page.language == "ja"
        assert page.title.startswith("トレンドマイクロ、公衆無線LANを安全に使うためのアプリ")
        assert "フリーWi-Fiプロテクション" in page.blocks[0][1]

    def test_readability_pages_score_high(self, test_data_dir: Path) -> None:
        pages = test_data_dir / "readability-test-pages/test-pages"
        names = ["ars-1", "bbc-1", "guardian-1", "medium-1", "nytimes-1", "wikipedia",
                 "wordpress", "ehow-2", "breitbart", "seattletimes-1"]
        scores = []
        for name in names:
            expected_html = (pages / name / "expected.html").read_text(encoding="utf-8")
            expected = BeautifulSoup(expected_html, "lxml").get_text(" ")
            predicted = extract_page((pages / name / "source.html").read_bytes()).text()
            scores.append(token_f1(predicted, expected))
        assert sum(scores) / len(scores) >= 0.9

    def test_benchmark_pages_score_high(self, test_data_dir: Path) -> None:
        folder = test_data_dir / "article-extraction-benchmark"
        truth = json.loads((folder / "ground-truth.json").read_text(encoding="utf-8"))
        scores = []
        for page_id in sorted(truth)[:12]:
            html = gzip.decompress((folder / "html" / f"{page_id}.html.gz").read_bytes())
            scores.append(token_f1(extract_page(html).text(), truth[page_id]["articleBody"]))
        assert sum(scores) / len(scores) >= 0.9


class DecodeBytesTests:
    def test_utf8_bom_is_removed(self) -> None:
        assert decode_bytes("\ufeff見出し".encode(), file_name="a.csv") == "見出し"

    def test_utf16_le_bom(self) -> None:
        assert decode_bytes("タイトル".encode("utf-16-le").join([b"\xff\xfe", b""]),
                            file_name="a.csv") == "タイトル"

    def test_utf16_without_bom(self) -> None:
        assert decode_bytes("title,body\n".encode("utf-16-le"), file_name="a.csv") == "title,body\n"

    def test_cp932_text(self) -> None:
        assert decode_bytes("①髙橋さんの記事".encode("cp932"), file_name="a.csv") == "①髙橋さんの記事"

    def test_cp932_half_width_katakana(self) -> None:
        text = "ﾃｽﾄ用のﾃﾞｰﾀです"
        assert decode_bytes(text.encode("cp932"), file_name="a.csv") == text

    def test_euc_jp_text_decodes_correctly(self) -> None:
        text = "今日は良い天気です。花粉が多いので注意してください。"
        assert decode_bytes(text.encode("euc_jp"), file_name="a.csv") == text

    def test_latin1_text_raises_with_line(self) -> None:
        with pytest.raises(ImportFileError) as caught:
            decode_bytes(b"title\nPrice \xa3100\n", file_name="prices.csv")
        assert "prices.csv, line 2" in caught.value.message
        assert caught.value.line == 2


class ReadCsvTests:
    def test_japanese_headers_and_fields(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "upload.bin", [
            ["タイトル", "本文", "URL", "カテゴリ", "公開日"],
            ["花粉症の対策", "一行目です。\n二行目です。", "https://example.jp/a", "健康",
             "2024-02-01T10:00:00+09:00"],
        ])
        [article] = read_articles(path, display_name="articles.csv")
        assert article.title == "花粉症の対策"
        assert article.body == "一行目です。\n\n二行目です。"
        assert (article.url, article.category) == ("https://example.jp/a", "健康")
        assert article.published_at == datetime(2024, 2, 1, 10, tzinfo=JST)
        assert article.language == "ja"
        assert article.source == "articles.csv:line 2"

    def test_english_headers_are_case_insensitive(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "a.csv", [
            ["Title", "Content", "Date"], ["Hay fever", "Pollen is high.", "2024-03-01"],
        ])
        [article] = read_articles(path)
        assert article.published_at == datetime(2024, 3, 1)
        assert article.language == "en"

    def test_multiline_cells_keep_line_numbers(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "a.csv", [
            ["title", "body"],
            ["First", "Line one\nLine two\nLine three"],
            ["", "orphan body"],
        ])
        items = list(read_articles(path))
        [problem] = problems_of(items)
        assert problem.source == "a.csv:line 5"
        assert "a.csv, line 5" in problem.message

    def test_empty_title_yields_problem_and_continues(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "a.csv", [
            ["title", "body"], ["", "text"], ["Second", "more text"],
        ])
        items = list(read_articles(path))
        assert "a.csv, line 2" in problems_of(items)[0].message
        assert [article.title for article in articles_of(items)] == ["Second"]

    def test_bad_date_yields_problem_with_value(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "a.csv", [
            ["title", "body", "published"],
            ["Good", "text", "2024-01-07"],
            ["Bad", "text", "next Tuesday"],
        ])
        items = list(read_articles(path, display_name="dates.csv"))
        [problem] = problems_of(items)
        assert "dates.csv, line 3" in problem.message
        assert "'next Tuesday'" in problem.message
        assert len(articles_of(items)) == 1

    def test_html_body_becomes_markdown(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "a.csv", [
            ["title", "body"],
            ["Post", "<h2>Intro</h2><p>First <strong>bold</strong> text.</p><p>Second.</p>"],
        ])
        [article] = read_articles(path)
        assert article.body == "## Intro\n\nFirst bold text.\n\nSecond."

    def test_cp932_csv(self, tmp_path: Path) -> None:
        path = write_csv(
            tmp_path / "a.csv", [["タイトル", "本文"], ["確定申告", "期限は三月です。"]], "cp932"
        )
        [article] = read_articles(path)
        assert (article.title, article.body) == ("確定申告", "期限は三月です。")

    def test_utf16_tab_separated_csv(self, tmp_path: Path) -> None:
        path = tmp_path / "a.csv"
        path.write_bytes("タイトル\t本文\r\n紅葉\t見頃は十一月です。\r\n".encode("utf-16"))
        [article] = read_articles(path)
        assert (article.title, article.body) == ("紅葉", "見頃は十一月です。")

    def test_missing_body_column_lists_columns(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "a.csv", [["title", "text body"], ["x", "y"]])
        error = read_error(path, "posts.csv")
        assert "posts.csv, line 1" in error.message
        assert "'title', 'text body'" in error.message
        assert error.line == 1

    def test_semicolon_delimiter_is_rejected(self, tmp_path: Path) -> None:
        path = tmp_path / "a.csv"
        path.write_text("title;body\nHello;World\n", encoding="utf-8")
        error = read_error(path, "semi.csv")
        assert "semi.csv, line 1" in error.message
        assert "semicolons" in error.message

    def test_header_only_is_rejected(self, tmp_path: Path) -> None:
        path = tmp_path / "a.csv"
        path.write_text("title,body\n", encoding="utf-8")
        error = read_error(path, "header.csv")
        assert "header.csv, line 1" in error.message
        assert "no article rows" in error.message

    def test_empty_file_is_rejected(self, tmp_path: Path) -> None:
        path = tmp_path / "a.csv"
        path.write_bytes(b"")
        error = read_error(path, "empty.csv")
        assert "empty.csv, line 1" in error.message
        assert "empty" in error.message

    def test_latin1_csv_is_rejected(self, tmp_path: Path) -> None:
        path = tmp_path / "a.csv"
        path.write_bytes(b"title,body\nCaf\xe9,Menu\n")
        error = read_error(path, "cafe.csv")
        assert "cafe.csv, line 2" in error.message

    def test_livedoor_sample(self, test_data_dir: Path, tmp_path: Path) -> None:
        folder = test_data_dir / "livedoor-news"
        with (folder / "index.csv").open(encoding="utf-8", newline="") as index:
            entries = [row for row in csv.DictReader(index)][::200]
        rows = [["url", "公開日", "タイトル", "本文", "カテゴリ"]]
        for entry in entries:
            lines = (folder / entry["path"]).read_text(encoding="utf-8").split("\n")
            rows.append([lines[0], lines[1], lines[2], "\n".join(lines[3:]), entry["category"]])
        items = list(read_articles(write_csv(tmp_path / "livedoor.csv", rows)))
        articles = articles_of(items)
        assert len(articles) == len(entries)
        assert [article.title for article in articles] == [entry["title"] for entry in entries]
        assert all(article.language == "ja" for article in articles)
        assert all(article.published_at.utcoffset() == timedelta(hours=9) for article in articles)
        assert all("\n\n\n" not in article.body for article in articles)


class ReadJsonLinesTests:
    def test_objects_become_articles(self, tmp_path: Path) -> None:
        path = tmp_path / "a.jsonl"
        path.write_text(
            json.dumps({"title": "加湿器の選び方", "body": "部屋の広さで選びます。", "category": "家電"},
                       ensure_ascii=False) + "\n\n"
            + json.dumps({"title": "Humidifiers", "content": "Pick by room size."}) + "\n",
            encoding="utf-8",
        )
        articles = list(read_articles(path))
        assert [article.title for article in articles] == ["加湿器の選び方", "Humidifiers"]
        assert articles[1].source == "a.jsonl:line 3"

    def test_invalid_line_yields_problem(self, tmp_path: Path) -> None:
        path = tmp_path / "a.jsonl"
        good = json.dumps({"title": "T", "body": "B"})
        path.write_text(f"{good}\n{{broken\n{good}\n", encoding="utf-8")
        items = list(read_articles(path, display_name="posts.jsonl"))
        [problem] = problems_of(items)
        assert "posts.jsonl, line 2" in problem.message
        assert len(articles_of(items)) == 2

    def test_mostly_invalid_file_is_rejected(self, tmp_path: Path) -> None:
        path = tmp_path / "a.jsonl"
        path.write_text('{"title": "T", "body": "B"}\nnot json\n[1, 2]\n', encoding="utf-8")
        error = read_error(path, "bad.jsonl")
        assert "bad.jsonl" in error.message
        assert "line 2" in error.message
        assert error.line == 2

    def test_json_array_file(self, tmp_path: Path) -> None:
        path = tmp_path / "a.json"
        path.write_text(json.dumps([{"title": "T", "body": "B"}, {"title": "", "body": "B"}]))
        items = list(read_articles(path))
        assert len(articles_of(items)) == 1
        assert problems_of(items)[0].source == "a.json:item 2"


class ReadZipTests:
    def test_readability_pages_zip(self, test_data_dir: Path, tmp_path: Path) -> None:
        pages = test_data_dir / "readability-test-pages/test-pages"
        names = ["bbc-1", "guardian-1", "yahoo-4", "wikipedia"]
        archive = tmp_path / "pages.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as writer:
            for name in names:
                writer.write(pages / name / "source.html", f"site/{name}.html")
        items = list(read_articles(archive))
        articles = articles_of(items)
        assert [article.source for article in articles] == [
            f"pages.zip:site/{name}.html" for name in names
        ]
        assert articles[2].language == "ja"
        assert all(article.body for article in articles)

    def test_parent_path_member_is_rejected(self, tmp_path: Path) -> None:
        archive = tmp_path / "a.zip"
        with zipfile.ZipFile(archive, "w") as writer:
            writer.writestr("ok.html", "<p>fine</p>")
            writer.writestr("../evil.html", "<p>evil</p>")
        error = read_error(archive, "upload.zip")
        assert "upload.zip" in error.message
        assert "'../evil.html'" in error.message

    def test_absolute_member_is_rejected(self, tmp_path: Path) -> None:
        archive = tmp_path / "a.zip"
        with zipfile.ZipFile(archive, "w") as writer:
            writer.writestr("/etc/evil.html", "<p>evil</p>")
        assert "'/etc/evil.html'" in read_error(archive).message

    def test_zip_bomb_is_rejected_before_reading(self, tmp_path: Path) -> None:
        archive = tmp_path / "bomb.zip"
        chunk = b"\0" * (1024 * 1024)
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as writer:
            for index in range(21):
                with writer.open(f"page{index}.html", "w") as member:
                    for _ in range(10):
                        member.write(chunk)
        assert archive.stat().st_size < 1024 * 1024
        error = read_error(archive, "bomb.zip")
        assert "bomb.zip" in error.message
        assert "200 MB" in error.message

    def test_too_many_members_is_rejected(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(files, "MAX_ZIP_MEMBERS", 3)
        archive = tmp_path / "a.zip"
        with zipfile.ZipFile(archive, "w") as writer:
            for index in range(4):
                writer.writestr(f"{index}.html", "<p>x</p>")
        assert "4 files" in read_error(archive, "many.zip").message

    def test_zip_without_html_is_rejected(self, tmp_path: Path) -> None:
        archive = tmp_path / "a.zip"
        with zipfile.ZipFile(archive, "w") as writer:
            writer.writestr("notes.txt", "hello")
        assert "no files that can be imported" in read_error(archive, "notes.zip").message

    def test_broken_member_is_a_problem(self, tmp_path: Path) -> None:
        archive = tmp_path / "a.zip"
        with zipfile.ZipFile(archive, "w") as writer:
            writer.writestr("posts.csv", "title;body\nx;y\n")
            writer.writestr("page.html", ARTICLE_PAGE)
        items = list(read_articles(archive, display_name="mixed.zip"))
        assert "mixed.zip:posts.csv, line 1" in problems_of(items)[0].message
        assert articles_of(items)[0].title == "Spring allergy guide"

    def test_shift_jis_member_name(self, tmp_path: Path) -> None:
        archive = tmp_path / "a.zip"
        name = "記事.html"
        with zipfile.ZipFile(archive, "w") as writer:
            writer.writestr(ShiftJisNameInfo(name), JAPANESE_PAGE)
        [article] = read_articles(archive, display_name="jp.zip")
        assert article.source == "jp.zip:記事.html"

    def test_not_a_zip_is_rejected(self, tmp_path: Path) -> None:
        archive = tmp_path / "a.zip"
        archive.write_bytes(b"PK-not really a zip archive")
        assert "not a valid zip" in read_error(archive, "fake.zip").message


class ReadFolderAndFileTests:
    def test_folder_is_read_recursively(self, tmp_path: Path) -> None:
        (tmp_path / "posts" / "2024").mkdir(parents=True)
        (tmp_path / "posts" / "2024" / "a.html").write_text(ARTICLE_PAGE, encoding="utf-8")
        write_csv(tmp_path / "posts" / "b.csv", [["title", "body"], ["B", "text"]])
        (tmp_path / "posts" / "notes.txt").write_text("ignored", encoding="utf-8")
        (tmp_path / "posts" / ".hidden.html").write_text(ARTICLE_PAGE, encoding="utf-8")
        items = list(read_articles(tmp_path / "posts", display_name="site"))
        assert [item.source for item in items] == ["site/2024/a.html", "site/b.csv:line 2"]

    def test_folder_without_usable_files(self, tmp_path: Path) -> None:
        (tmp_path / "notes.txt").write_text("nothing", encoding="utf-8")
        error = read_error(tmp_path, "export")
        assert "export" in error.message
        assert ".html" in error.message

    def test_empty_file_in_folder_is_a_problem(self, tmp_path: Path) -> None:
        (tmp_path / "empty.html").write_bytes(b"")
        [problem] = read_articles(tmp_path, display_name="site")
        assert "site/empty.html, line 1" in problem.message

    def test_single_html_file(self, tmp_path: Path) -> None:
        path = tmp_path / "stored-upload-1234"
        path.write_bytes(JAPANESE_PAGE.encode("cp932"))
        [article] = read_articles(path, display_name="kafun.html")
        assert article.title == "花粉症対策の基本"
        assert article.body.startswith("今年の花粉症シーズンは")
        assert article.source == "kafun.html"

    def test_page_without_text_is_a_problem(self, tmp_path: Path) -> None:
        path = tmp_path / "a.html"
        path.write_text("<html><head><title>Empty</title></head><body></body></html>")
        [problem] = read_articles(path)
        assert "a.html" in problem.message

    def test_unknown_extension_lists_accepted(self, tmp_path: Path) -> None:
        path = tmp_path / "a.docx"
        path.write_bytes(b"data")
        error = read_error(path)
        assert "a.docx" in error.message
        assert ".html, .htm, .csv, .jsonl" in error.message

    def test_missing_file(self, tmp_path: Path) -> None:
        assert "not found" in read_error(tmp_path / "gone.csv").message

    def test_csv_header_error_raises_before_iteration(self, tmp_path: Path) -> None:
        path = write_csv(tmp_path / "a.csv", [["name", "age"], ["x", "1"]])
        with pytest.raises(ImportFileError):
            read_articles(path)
