"""Readers for article uploads: folders, zip archives, HTML pages, CSV and JSON Lines files."""
from __future__ import annotations

import csv
import io
import itertools
import json
import logging
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from django.utils.translation import gettext as _

from seoassist.core.exceptions import ImportFileError
from seoassist.core.text import detect_language
from seoassist.corpus.parsing.encoding import decode_bytes
from seoassist.corpus.parsing.blocks import blocks_from_fragment, clean_text, render_markdown
from seoassist.corpus.parsing.extraction import extract_page
from seoassist.corpus.parsing.metadata import parse_datetime

logger = logging.getLogger(__name__)

HTML_EXTENSIONS = (".html", ".htm")
TABLE_EXTENSIONS = (".csv",)
JSON_LINES_EXTENSIONS = (".jsonl", ".ndjson", ".json")
XML_EXTENSIONS = (".xml",)
MARKDOWN_EXTENSIONS = (".md", ".markdown")
ACCEPTED_EXTENSIONS = (
    *HTML_EXTENSIONS, *TABLE_EXTENSIONS, *JSON_LINES_EXTENSIONS, *XML_EXTENSIONS,
    *MARKDOWN_EXTENSIONS, ".zip",
)

MAX_ZIP_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
# Article pages are rarely over 1 MB; larger HTML files take many seconds to
# parse and are usually archives or listings saved by mistake.
MAX_HTML_BYTES = 5 * 1024 * 1024
MAX_ZIP_MEMBERS = 20_000
# A JSON Lines file with more invalid lines than this share is rejected as a whole.
MAX_BAD_JSON_LINE_SHARE = 0.5

# Article bodies can be longer than the csv module's default cell limit of 128 KiB.
csv.field_size_limit(16 * 1024 * 1024)

# Normalised header names (NFKC, case-folded, spaces and "_" removed) -> field.
_FIELD_ALIASES: dict[str, tuple[str, ...]] = {
    "title": ("title", "タイトル", "題名", "表題", "headline", "記事タイトル"),
    "body": ("body", "本文", "content", "contents", "text", "記事本文", "articlebody"),
    "url": ("url", "link", "permalink", "リンク"),
    "category": ("category", "カテゴリ", "カテゴリー", "section", "分類"),
    "published": ("published", "publishedat", "date", "公開日", "日付", "公開日時",
                  "投稿日", "投稿日時", "pubdate", "datepublished"),
    "language": ("language", "lang", "言語"),
}
_HTML_BODY_RE = re.compile(
    r"<(?:p|br|div|h[1-6]|ul|ol|li|blockquote|section|article|table)\b[^>]*>", re.IGNORECASE
)
_MARKDOWN_HEADING_RE = re.compile(r"^#{1,6}\s+(.+)$")


@dataclass
class ParsedArticle:
    """One imported article, its body as Markdown."""

    title: str
    # Markdown: "## heading" lines and paragraphs separated by one blank line; no HTML.
    body: str
    url: str = ""
    category: str = ""
    published_at: datetime | None = None  # timezone-aware when the source had an offset
    language: str = ""  # "ja" or "en"
    source: str = ""  # "archive.zip:posts/a.html", "articles.csv:line 12"
    excerpt: str = ""
    slug: str = ""
    tags: list[str] = field(default_factory=list)
    author: str = ""
    meta_description: str = ""


@dataclass
class ArticleProblem:
    """One item that could not be imported; the other items are still read."""

    source: str
    message: str


@dataclass
class ArticleSkip:
    """One item left out on purpose (a draft, an attachment), with a message on how to include it."""

    source: str
    message: str
    title: str = ""


ArticleItem = ParsedArticle | ArticleProblem | ArticleSkip


@dataclass(frozen=True)
class ReadOptions:
    """Options that add drafts and attachments to the published articles of an export."""

    include_drafts: bool = False
    include_attachments: bool = False


# ---------------------------------------------------------------------------
# Field conversion


def _header_key(text: str) -> str:
    key = unicodedata.normalize("NFKC", text).replace("\ufeff", "").casefold()
    return re.sub(r"[\s_\-]+", "", key)


def _field_of(header: str) -> str | None:
    key = _header_key(header)
    for field_name, aliases in _FIELD_ALIASES.items():
        if key in aliases:
            return field_name
    return None


def _body_markdown(body: str) -> str:
    """Convert a body cell (plain text, Markdown headings or HTML) into the Markdown body format."""
    if _HTML_BODY_RE.search(body):
        return render_markdown(blocks_from_fragment(body))
    blocks: list[tuple[str, str]] = []
    for line in body.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        text = clean_text(line)
        if not text:
            continue
        heading = _MARKDOWN_HEADING_RE.match(text)
        if heading:
            blocks.append(("heading", heading.group(1).strip()))
        else:
            blocks.append(("paragraph", text))
    return render_markdown(blocks)


def _language(declared: str, title: str, body: str) -> str:
    primary = declared.strip().lower().replace("_", "-").split("-")[0]
    if primary in ("ja", "en"):
        return primary
    return detect_language(f"{title}\n{body}")


def _article_from_fields(
    fields: dict[str, str], source: str, location: str
) -> ArticleItem:
    """Build an article from named cells; `location` starts messages ("a.csv, line 3")."""
    title = clean_text(fields.get("title", ""))
    body_cell = fields.get("body", "")
    if not title:
        return ArticleProblem(
            source,
            _("%(location)s: the title is empty. Fill in the title or remove the row.")
            % {"location": location},
        )
    body = _body_markdown(body_cell) if body_cell.strip() else ""
    if not body:
        return ArticleProblem(
            source,
            _("%(location)s: the body of %(title)r is empty. Fill in the body or remove the row.")
            % {"location": location, "title": title},
        )
    published_text = fields.get("published", "").strip()
    published_at = None
    if published_text:
        published_at = parse_datetime(published_text)
        if published_at is None:
            return ArticleProblem(
                source,
                _(
                    "%(location)s: the date %(value)r is not a date like 2024-01-07 or "
                    "2024-01-07T09:30:00+09:00. Correct the date or leave the cell empty."
                )
                % {"location": location, "value": published_text},
            )
    return ParsedArticle(
        title=title,
        body=body,
        url=fields.get("url", "").strip(),
        category=clean_text(fields.get("category", "")),
        published_at=published_at,
        language=_language(fields.get("language", ""), title, body),
        source=source,
    )


# ---------------------------------------------------------------------------
# Single files


def _read_html(data: bytes, source: str) -> ArticleItem:
    if len(data) > MAX_HTML_BYTES:
        return ArticleProblem(
            source,
            _("%(file)s: the page is %(size)d MB, more than the limit of %(limit)d MB for one "
              "article page. Check that it is an article page.")
            % {"file": source, "size": len(data) // (1024 * 1024),
               "limit": MAX_HTML_BYTES // (1024 * 1024)},
        )
    page = extract_page(decode_bytes(data, file_name=source, html=True))
    body = page.markdown()
    if not body:
        return ArticleProblem(
            source,
            _("%(file)s: no article text was found in the page. Check that it is an article page.")
            % {"file": source},
        )
    title = page.title or next((text for kind, text in page.blocks if kind == "heading"), "")
    if not title:
        return ArticleProblem(
            source,
            _("%(file)s: the page has no title (no og:title, <h1> or <title>). Add a title.")
            % {"file": source},
        )
    return ParsedArticle(
        title=title,
        body=body,
        url=page.canonical_url,
        category=page.section,
        published_at=page.published_at,
        language=page.language,
        source=source,
        tags=page.tags,
        author=page.author,
        meta_description=page.meta_description,
    )


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _read_csv(data: bytes, file_name: str) -> Iterator[ArticleItem]:
    """Check the header of a CSV file now and return an iterator over its rows."""
    text = decode_bytes(data, file_name=file_name)
    lines = _split_lines(text)
    header_index = next((index for index, line in enumerate(lines) if line.strip()), None)
    if header_index is None:
        raise _empty_file_error(file_name)
    header_line = header_index + 1
    header_text = lines[header_index]
    counts = {delimiter: header_text.count(delimiter) for delimiter in (",", "\t", ";")}
    if counts[";"] > max(counts[","], counts["\t"]):
        raise ImportFileError(
            _(
                "%(file)s, line %(line)d: the columns are separated by semicolons. Save the "
                "file as comma-separated CSV (in Excel: \"CSV UTF-8 (comma delimited)\") and "
                "upload it again."
            )
            % {"file": file_name, "line": header_line},
            file_name=file_name,
            line=header_line,
        )
    delimiter = "\t" if counts["\t"] > counts[","] else ","
    body_text = "\n".join(lines[header_index:])
    reader = csv.reader(io.StringIO(body_text), delimiter=delimiter)
    try:
        header = next(reader)
    except csv.Error as error:
        raise _csv_error(file_name, header_line, error) from None

    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        field_name = _field_of(name)
        if field_name is not None and field_name not in columns:
            columns[field_name] = index
    missing = [name for name in ("title", "body") if name not in columns]
    if missing:
        present = ", ".join(repr(name.strip()) for name in header if name.strip()) or _("none")
        raise ImportFileError(
            _(
                "%(file)s, line %(line)d: the header has no %(missing)s column. The columns "
                "found are %(present)s. Name the columns title (タイトル) and body (本文); url, "
                "category (カテゴリ) and published (公開日) are optional."
            )
            % {"file": file_name, "line": header_line, "missing": " or ".join(missing),
               "present": present},
            file_name=file_name,
            line=header_line,
        )
    rows = _csv_rows(reader, header_line, file_name)
    first = next(rows, None)
    if first is None:
        raise ImportFileError(
            _(
                "%(file)s, line %(line)d: the file has a header but no article rows. Add one "
                "row per article below the header."
            )
            % {"file": file_name, "line": header_line},
            file_name=file_name,
            line=header_line,
        )
    return _csv_articles(itertools.chain([first], rows), columns, file_name)


def _csv_rows(reader: Any, header_line: int, file_name: str) -> Iterator[tuple[int, list[str]]]:
    """Yield (first line number, cells) for each non-blank record of a csv.reader."""
    row_start = header_line + 1
    while True:
        line = row_start
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise _csv_error(file_name, line, error) from None
        # line_num counts the physical lines read so far, header line included.
        row_start = header_line + reader.line_num
        if any(cell.strip() for cell in row):
            yield line, row


def _csv_articles(
    rows: Iterator[tuple[int, list[str]]], columns: dict[str, int], file_name: str
) -> Iterator[ArticleItem]:
    for line, row in rows:
        fields = {name: row[index] if index < len(row) else "" for name, index in columns.items()}
        location = _("%(file)s, line %(line)d") % {"file": file_name, "line": line}
        yield _article_from_fields(fields, f"{file_name}:line {line}", location)


def _csv_error(file_name: str, line: int, error: csv.Error) -> ImportFileError:
    return ImportFileError(
        _(
            "%(file)s, line %(line)d: the CSV structure is invalid (%(error)s). Check the "
            "quotes around cells that contain commas or line breaks."
        )
        % {"file": file_name, "line": line, "error": error},
        file_name=file_name,
        line=line,
    )


def _fields_of_object(item: dict[str, object]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for key, value in item.items():
        field_name = _field_of(str(key))
        if field_name is None or field_name in fields or value is None:
            continue
        fields[field_name] = value if isinstance(value, str) else str(value)
    return fields


def _read_json_lines(data: bytes, file_name: str) -> list[ArticleItem]:
    """Read a JSON Lines file (or a .json array of objects) into articles and problems."""
    text = decode_bytes(data, file_name=file_name)
    stripped = text.strip()
    if not stripped:
        raise _empty_file_error(file_name)
    if stripped.startswith("["):
        try:
            array = json.loads(stripped)
        except json.JSONDecodeError:
            array = None
        if isinstance(array, list):
            return [
                _json_item(item, f"{file_name}:item {number}",
                           _("%(file)s, item %(line)d") % {"file": file_name, "line": number})
                for number, item in enumerate(array, start=1)
            ]

    items: list[ArticleItem] = []
    bad_lines: list[int] = []
    first_error = ""
    total = 0
    for number, line in enumerate(_split_lines(text), start=1):
        if not line.strip():
            continue
        total += 1
        source = f"{file_name}:line {number}"
        location = _("%(file)s, line %(line)d") % {"file": file_name, "line": number}
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            bad_lines.append(number)
            message = _(
                "line %(line)d: invalid JSON (%(error)s at column %(column)d). Each line must "
                "hold one JSON object."
            ) % {"line": number, "error": error.msg, "column": error.colno}
            first_error = first_error or message
            items.append(ArticleProblem(source, f"{file_name}, {message}"))
            continue
        if not isinstance(item, dict):
            bad_lines.append(number)
            message = _(
                "line %(line)d: expected a JSON object like {\"title\": ..., \"body\": ...}."
            ) % {"line": number}
            first_error = first_error or message
            items.append(ArticleProblem(source, f"{file_name}, {message}"))
            continue
        items.append(_json_item(item, source, location))
    if total and len(bad_lines) > total * MAX_BAD_JSON_LINE_SHARE:
        raise ImportFileError(
            _(
                "%(file)s: %(bad)d of %(total)d lines are not JSON objects; the first is "
                "%(first)s Save the file as JSON Lines (one object per line) and upload it again."
            )
            % {"file": file_name, "bad": len(bad_lines), "total": total, "first": first_error},
            file_name=file_name,
            line=bad_lines[0],
        )
    return items


def _json_item(item: object, source: str, location: str) -> ArticleItem:
    if not isinstance(item, dict):
        return ArticleProblem(
            source, _("%(location)s: expected a JSON object.") % {"location": location}
        )
    return _article_from_fields(_fields_of_object(item), source, location)


def _empty_file_error(file_name: str) -> ImportFileError:
    return ImportFileError(
        _("%(file)s, line 1: the file is empty. Choose a file that contains articles.")
        % {"file": file_name},
        file_name=file_name,
        line=1,
    )


def _read_xml(data: bytes, file_name: str, options: ReadOptions) -> Iterator[ArticleItem]:
    from seoassist.corpus.parsing.wxr import is_wxr, read_wxr
    from seoassist.corpus.parsing.xml import local_name, parse_xml

    root = parse_xml(data, file_name=file_name)
    if not is_wxr(root):
        kind = local_name(root)
        hint = (
            _("It is a sitemap: import it by its address as a sitemap instead.")
            if kind in ("urlset", "sitemapindex") else
            _("In WordPress, use Tools → Export and upload the file it writes.")
        )
        raise ImportFileError(
            _("%(file)s: the XML file is not a WordPress export (WXR). %(hint)s")
            % {"file": file_name, "hint": hint},
            file_name=file_name,
        )
    return read_wxr(
        data, file_name, include_drafts=options.include_drafts,
        include_attachments=options.include_attachments, root=root,
    )


def _read_markdown_file(data: bytes, file_name: str, options: ReadOptions) -> ArticleItem:
    from seoassist.corpus.parsing.markdown import read_markdown

    return read_markdown(
        decode_bytes(data, file_name=file_name), file_name, include_drafts=options.include_drafts
    )


def _read_file_items(
    data: bytes, extension: str, file_name: str, options: ReadOptions = ReadOptions()
) -> Iterator[ArticleItem]:
    """Read one file's bytes; raise ImportFileError for problems with the whole file."""
    if not data.strip():
        raise _empty_file_error(file_name)
    if extension in HTML_EXTENSIONS:
        return iter([_read_html(data, file_name)])
    if extension in TABLE_EXTENSIONS:
        return _read_csv(data, file_name)
    if extension in XML_EXTENSIONS:
        return _read_xml(data, file_name, options)
    if extension in MARKDOWN_EXTENSIONS:
        return iter([_read_markdown_file(data, file_name, options)])
    return iter(_read_json_lines(data, file_name))


def _contained_items(
    data: bytes, extension: str, file_name: str, options: ReadOptions = ReadOptions()
) -> Iterator[ArticleItem]:
    """Read one file inside a folder or archive, turning whole-file errors into problems."""
    try:
        yield from _read_file_items(data, extension, file_name, options)
    except ImportFileError as error:
        yield ArticleProblem(file_name, error.message)


# ---------------------------------------------------------------------------
# Folders and archives


def _is_hidden_part(part: str) -> bool:
    return part.startswith(".") or part == "__MACOSX"


def _folder_files(folder: Path) -> list[Path]:
    found: list[Path] = []
    for root, directories, files in os.walk(folder):
        directories[:] = sorted(name for name in directories if not _is_hidden_part(name))
        for name in sorted(files):
            if _is_hidden_part(name):
                continue
            if os.path.splitext(name)[1].lower() in ACCEPTED_EXTENSIONS[:-1]:
                found.append(Path(root) / name)
    return sorted(found, key=lambda path: path.relative_to(folder).as_posix())


def _read_folder(
    folder: Path, files: list[Path], display: str, options: ReadOptions
) -> Iterator[ArticleItem]:
    for file_path in files:
        relative = file_path.relative_to(folder).as_posix()
        name = f"{display}/{relative}"
        try:
            data = file_path.read_bytes()
        except OSError as error:
            logger.warning("Could not read %s: %s", file_path, error)
            yield ArticleProblem(
                name, _("%(file)s: the file could not be read (%(error)s).")
                % {"file": name, "error": error.strerror or error}
            )
            continue
        yield from _contained_items(data, file_path.suffix.lower(), name, options)


def _member_name(info: zipfile.ZipInfo) -> str:
    """Return a member's name, re-decoded as UTF-8 or Shift_JIS unless it is flagged as UTF-8."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    raw = name.encode("cp437", errors="replace")
    for codec in ("utf-8", "cp932"):
        try:
            return raw.decode(codec)
        except UnicodeDecodeError:
            continue
    return name


def _is_unsafe_member(name: str) -> bool:
    normalized = name.replace("\\", "/")
    if normalized.startswith("/") or re.match(r"^[A-Za-z]:", normalized):
        return True
    return ".." in PurePosixPath(normalized).parts


def _accepted_member_extension(name: str) -> str | None:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if not parts or any(_is_hidden_part(part) for part in parts):
        return None
    extension = PurePosixPath(parts[-1]).suffix.lower()
    return extension if extension in ACCEPTED_EXTENSIONS[:-1] else None


def _open_zip(path: Path, display: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportFileError(
            _(
                "%(file)s: the file is not a valid zip archive (%(error)s). Create the archive "
                "again."
            )
            % {"file": display, "error": error},
            file_name=display,
        ) from None


def _check_zip(archive: zipfile.ZipFile, display: str) -> list[tuple[zipfile.ZipInfo, str, str]]:
    """Check the archive's limits and member paths; return (info, name, extension) to read."""
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise ImportFileError(
            _(
                "%(file)s: the archive has %(count)d files, more than the limit of %(limit)d. "
                "Split it into smaller archives."
            )
            % {"file": display, "count": len(infos), "limit": MAX_ZIP_MEMBERS},
            file_name=display,
        )
    total = sum(info.file_size for info in infos)
    if total > MAX_ZIP_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            _(
                "%(file)s: the archive unpacks to %(size)d MB, more than the limit of %(limit)d "
                "MB. Split it into smaller archives."
            )
            % {"file": display, "size": total // (1024 * 1024),
               "limit": MAX_ZIP_UNCOMPRESSED_BYTES // (1024 * 1024)},
            file_name=display,
        )
    members: list[tuple[zipfile.ZipInfo, str, str]] = []
    for info in infos:
        name = _member_name(info)
        if _is_unsafe_member(name):
            raise ImportFileError(
                _(
                    "%(file)s: the archive member %(value)r points outside the archive (an "
                    "absolute path or \"..\"). Create the archive again from a folder."
                )
                % {"file": display, "value": name},
                file_name=display,
                column=name,
            )
        if info.is_dir():
            continue
        extension = _accepted_member_extension(name)
        if extension is not None:
            members.append((info, name, extension))
    return members


def _read_zip(path: Path, display: str, options: ReadOptions) -> Iterator[ArticleItem]:
    with _open_zip(path, display) as archive:
        members = _check_zip(archive, display)
        read_total = 0
        for info, name, extension in members:
            source = f"{display}:{name}"
            if info.flag_bits & 0x1:
                yield ArticleProblem(
                    source, _("%(file)s: the file is encrypted. Create the archive without a "
                              "password.") % {"file": source}
                )
                continue
            try:
                with archive.open(info) as member:
                    # Never trust the declared size: read at most one byte past it.
                    data = member.read(info.file_size + 1)
            except (zipfile.BadZipFile, NotImplementedError, OSError, EOFError) as error:
                logger.warning("Could not read %s: %s", source, error)
                yield ArticleProblem(
                    source, _("%(file)s: the file could not be unpacked (%(error)s).")
                    % {"file": source, "error": error}
                )
                continue
            read_total += len(data)
            if read_total > MAX_ZIP_UNCOMPRESSED_BYTES:
                raise ImportFileError(
                    _("%(file)s: the archive unpacks to more than %(limit)d MB. Split it into "
                      "smaller archives.")
                    % {"file": display, "limit": MAX_ZIP_UNCOMPRESSED_BYTES // (1024 * 1024)},
                    file_name=display,
                )
            yield from _contained_items(data, extension, source, options)


# ---------------------------------------------------------------------------
# Entry point


def _unsupported_error(display: str) -> ImportFileError:
    return ImportFileError(
        _(
            "%(file)s: this file type cannot be imported. Upload one of: %(accepted)s, or a "
            "folder of such files."
        )
        % {"file": display, "accepted": ", ".join(ACCEPTED_EXTENSIONS)},
        file_name=display,
    )


def read_articles(
    path: Path, *, display_name: str | None = None, options: ReadOptions | None = None
) -> Iterator[ArticleItem]:
    """Read articles from a folder, a zip, an HTML page, a WordPress export, Markdown, CSV or JSON Lines.

    Problems with the whole upload (missing or empty file, unknown type, zip
    limits or unsafe member paths, a CSV header without title and body, mostly
    invalid JSON Lines) raise at once. Problems with one article, or with one
    file inside a folder or archive, come out as ArticleProblem items and the
    other articles continue.

    Parameters
    ----------
    path
        The folder or file to read.
    display_name
        The name messages use instead of `path.name` (uploads are stored under
        generated names). Its extension is used when `path` has none.
    options
        Whether drafts and attachments are read too.

    Raises
    ------
    ImportFileError
        For problems with the upload as a whole.
    """
    path = Path(path)
    display = display_name or path.name
    options = options or ReadOptions()
    if path.is_dir():
        files = _folder_files(path)
        if not files:
            raise ImportFileError(
                _(
                    "%(file)s: the folder contains no files that can be imported. Add files "
                    "of these types: %(accepted)s."
                )
                % {"file": display, "accepted": ", ".join(ACCEPTED_EXTENSIONS[:-1])},
                file_name=display,
            )
        return _read_folder(path, files, display, options)
    if not path.is_file():
        raise ImportFileError(
            _("%(file)s: the file was not found. Upload it again.") % {"file": display},
            file_name=display,
        )

    extension = path.suffix.lower()
    if extension not in ACCEPTED_EXTENSIONS:
        extension = Path(display).suffix.lower() or extension
    if extension not in ACCEPTED_EXTENSIONS:
        raise _unsupported_error(display)
    if path.stat().st_size == 0:
        raise _empty_file_error(display)

    if extension == ".zip":
        with _open_zip(path, display) as archive:
            members = _check_zip(archive, display)
        if not members:
            raise ImportFileError(
                _(
                    "%(file)s: the archive contains no files that can be imported. Add files "
                    "of these types: %(accepted)s."
                )
                % {"file": display, "accepted": ", ".join(ACCEPTED_EXTENSIONS[:-1])},
                file_name=display,
            )
        return _read_zip(path, display, options)

    return _read_file_items(path.read_bytes(), extension, display, options)

