"""Recognition and parsing of trend files by their header row.

Supported tables, in English and Japanese:

- Google Trends "interest over time" (parsed by parsing.parse_trends_csv);
- Google Trends "related queries" (TOP and RISING sections, Breakout);
- Google Search Console performance tables (queries, pages, countries, devices, dates),
  as CSV files or the .zip Google gives;
- a generic date, [keyword,] value CSV such as page views.

The kind of a file is decided by its first non-empty lines, never by its name.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from django.utils.translation import gettext as _

from seoassist.core.exceptions import ImportFileError
from seoassist.corpus.parsing.encoding import decode_bytes
from seoassist.trends.parsing import (
    ParsedSeries,
    _infer_frequency,
    _parse_period,
    _parse_value,
    parse_trends_csv,
)

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ZIP_MEMBERS = 50
HEADER_SEARCH_LINES = 10

SearchTable = Literal["query", "page", "country", "device", "date"]


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\ufeff", "").strip().casefold()


# First header cell of each Search Console table (English, Japanese, French).
_SEARCH_TABLES: dict[str, SearchTable] = {
    "top queries": "query",
    "queries": "query",
    "query": "query",
    "上位のクエリ": "query",
    "クエリ": "query",
    "requêtes les plus fréquentes": "query",
    "top pages": "page",
    "pages": "page",
    "page": "page",
    "上位のページ": "page",
    "ページ": "page",
    "pages les plus populaires": "page",
    "country": "country",
    "countries": "country",
    "国": "country",
    "pays": "country",
    "device": "device",
    "devices": "device",
    "デバイス": "device",
    "appareil": "device",
    "date": "date",
    "日付": "date",
}
# Tables of the export that contain no traffic figures per key.
_SEARCH_IGNORED = frozenset(
    ["filter", "フィルタ", "filtre", "search appearance", "検索での見え方",
     "apparence dans les résultats de recherche"]
)
_METRICS = {
    "clicks": ("clicks", "クリック数", "clics"),
    "impressions": ("impressions", "表示回数"),
    "ctr": ("ctr",),
    "position": ("position", "掲載順位"),
}
# Compare-mode exports prefix each metric with its period; the earlier period is named
# with one of these words and is skipped.
_PREVIOUS_WORDS = ("previous", "前", "précédent", "précédents")

_RELATED_SECTIONS = {
    "top": "top",
    "トップ": "top",
    "rising": "rising",
    "注目": "rising",
    "急上昇": "rising",
}
_BREAKOUT_VALUES = frozenset(["breakout", "急増", "急上昇"])

_GENERIC_DATE = frozenset(["date", "ds", "day", "week", "month", "period", "日付", "日", "週", "月", "期間"])
_GENERIC_KEYWORD = frozenset(
    ["keyword", "query", "term", "search term", "キーワード", "クエリ", "検索語句"]
)
_GENERIC_VALUE = frozenset(
    ["value", "y", "views", "pageviews", "interest", "volume", "searches", "count",
     "値", "ページビュー", "表示回数", "検索数", "関心度"]
)


@dataclass
class RelatedQueryRow:
    query: str
    section: str  # "top" or "rising"
    value: float | None  # 0-100 for top, growth in percent for rising, None for breakout
    breakout: bool


@dataclass
class SearchStatRow:
    key: str
    clicks: float
    impressions: float
    ctr: float | None  # fraction, 0.0374 for "3.74%"
    position: float | None


@dataclass
class SearchTableData:
    table: SearchTable
    rows: list[SearchStatRow] = field(default_factory=list)
    dates: list[date] = field(default_factory=list)  # only for the dates table


@dataclass
class ParsedFile:
    """The parsed content of one uploaded file. A CSV file fills exactly one of the lists."""

    file_name: str
    series: list[ParsedSeries] = field(default_factory=list)
    related: list[RelatedQueryRow] = field(default_factory=list)
    search_tables: list[SearchTableData] = field(default_factory=list)
    ignored_tables: list[str] = field(default_factory=list)


def _error(file_name: str, line: int, message: str, column: str | None = None) -> ImportFileError:
    return ImportFileError(message, file_name=file_name, line=line, column=column)


def _check_size(data: bytes, file_name: str) -> None:
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(
            _(
                "%(file)s is %(size)d MB; trend files up to %(limit)d MB can be imported. "
                "Export a shorter period or fewer keywords."
            )
            % {
                "file": file_name,
                "size": len(data) // (1024 * 1024),
                "limit": MAX_FILE_BYTES // (1024 * 1024),
            },
            file_name=file_name,
        )


def _check_not_empty(data: bytes, file_name: str) -> None:
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise _error(
            file_name, 1, _("%(file)s, line 1: the file is empty. Export it again.") % {"file": file_name}
        )


def _rows(text: str) -> list[list[str]]:
    """Split CSV text into rows; quoted cells may span lines."""
    return list(csv.reader(io.StringIO(text.replace("\r\n", "\n").replace("\r", "\n"))))


def _first_cells(rows: list[list[str]]) -> list[tuple[int, list[str]]]:
    found = []
    for index, row in enumerate(rows):
        if any(cell.strip() for cell in row):
            found.append((index, row))
        if len(found) >= HEADER_SEARCH_LINES:
            break
    return found


def _metric_columns(header: list[str]) -> dict[str, int] | None:
    """Map clicks/impressions/ctr/position to column indexes, preferring the current period."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header[1:], start=1):
        key = _key(cell)
        if any(word in key for word in _PREVIOUS_WORDS):
            continue
        for metric, names in _METRICS.items():
            if metric in columns:
                continue
            if key in names or any(key.endswith(name) or key.endswith(f"の{name}") for name in names):
                columns[metric] = index
                break
    if "clicks" in columns and "impressions" in columns:
        return columns
    return None


def detect_kind(text: str) -> str:
    """Return "search_console", "search_ignored", "related", "generic" or "interest"."""
    rows = _rows(text)
    for _index, row in _first_cells(rows):
        first = _key(row[0]) if row else ""
        if first in _SEARCH_IGNORED:
            return "search_ignored"
        if first in _SEARCH_TABLES and _metric_columns(row) is not None:
            return "search_console"
        if first in _RELATED_SECTIONS and len([cell for cell in row if cell.strip()]) <= 1:
            return "related"
        keys = {_key(cell) for cell in row}
        if keys & _GENERIC_DATE and keys & _GENERIC_VALUE:
            return "generic"
    return "interest"


def _parse_number(text: str) -> float | None:
    cleaned = _key(text).replace(",", "").replace(" ", "")
    if cleaned in ("", "-", "—"):
        return None
    if cleaned.endswith("%"):
        return float(cleaned[:-1]) / 100.0
    return float(cleaned)


def parse_search_console_csv(text: str, file_name: str) -> SearchTableData:
    """Parse one Search Console table; CTR "3.7%" becomes 0.037."""
    rows = _rows(text)
    header_index, header = _first_cells(rows)[0]
    table = _SEARCH_TABLES[_key(header[0])]
    columns = _metric_columns(header)
    assert columns is not None
    result = SearchTableData(table=table)
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise _error(
                file_name,
                offset,
                _(
                    "%(file)s, line %(line)d: %(count)d columns where the header has %(expected)d. "
                    "Check the delimiter and the quoting of that line."
                )
                % {"file": file_name, "line": offset, "count": len(row), "expected": len(header)},
            )
        values: dict[str, float | None] = {}
        for metric, index in columns.items():
            try:
                values[metric] = _parse_number(row[index])
            except ValueError:
                raise _error(
                    file_name,
                    offset,
                    _(
                        "%(file)s, line %(line)d, column %(column)s: %(value)r is not a number. "
                        "Enter a number such as 42 or 3.5."
                    )
                    % {"file": file_name, "line": offset, "column": header[index], "value": row[index]},
                    column=header[index],
                ) from None
        key = row[0].strip().replace("\n", " ")
        if table == "date":
            period = _parse_period(key)
            if period is None:
                raise _error(
                    file_name,
                    offset,
                    _(
                        "%(file)s, line %(line)d, column %(column)s: %(value)r is not a date. "
                        "Write dates as YYYY-MM-DD."
                    )
                    % {"file": file_name, "line": offset, "column": header[0], "value": key},
                    column=header[0],
                )
            result.dates.append(period.date() if isinstance(period, datetime) else period)
        result.rows.append(
            SearchStatRow(
                key=key,
                clicks=values.get("clicks") or 0.0,
                impressions=values.get("impressions") or 0.0,
                ctr=values.get("ctr"),
                position=values.get("position"),
            )
        )
    return result


def parse_related_queries_csv(text: str, file_name: str) -> list[RelatedQueryRow]:
    """Parse the TOP and RISING sections of a Trends "related queries" export."""
    section: str | None = None
    found: list[RelatedQueryRow] = []
    for line, row in enumerate(_rows(text), start=1):
        cells = [cell.strip() for cell in row]
        if not any(cells):
            continue
        first = _key(cells[0])
        if len([cell for cell in cells if cell]) == 1 and first in _RELATED_SECTIONS:
            section = _RELATED_SECTIONS[first]
            continue
        if section is None:
            continue  # the category line before the first section
        if len(cells) < 2:
            raise _error(
                file_name,
                line,
                _("%(file)s, line %(line)d: expected a query and a value separated by a comma.")
                % {"file": file_name, "line": line},
            )
        raw = _key(cells[1])
        breakout = raw in _BREAKOUT_VALUES
        value: float | None = None
        if not breakout:
            try:
                value = float(raw.replace("+", "").replace("%", "").replace(",", ""))
            except ValueError:
                raise _error(
                    file_name,
                    line,
                    _("%(file)s, line %(line)d, column 2: %(value)r is neither a number nor Breakout.")
                    % {"file": file_name, "line": line, "value": cells[1]},
                    column="2",
                ) from None
        found.append(RelatedQueryRow(cells[0], section, value, breakout))
    if not found:
        raise _error(
            file_name,
            1,
            _("%(file)s: the related-queries export lists no queries.") % {"file": file_name},
        )
    return found


def parse_generic_csv(text: str, file_name: str) -> list[ParsedSeries]:
    """Parse a date, [keyword,] value table; without a keyword column the value header names it."""
    rows = _rows(text)
    header_index, header = next(
        (index, row)
        for index, row in _first_cells(rows)
        if {_key(cell) for cell in row} & _GENERIC_DATE
    )
    keys = [_key(cell) for cell in header]
    date_column = next(i for i, key in enumerate(keys) if key in _GENERIC_DATE)
    value_column = next(i for i, key in enumerate(keys) if key in _GENERIC_VALUE)
    keyword_column = next((i for i, key in enumerate(keys) if key in _GENERIC_KEYWORD), None)
    # A table without a keyword column names its one series by the value header, or by
    # the file when that header is a generic word such as "y" or "value".
    value_header = header[value_column].strip()
    unnamed_keyword = value_header
    if _key(value_header) in _GENERIC_VALUE:
        unnamed_keyword = re.sub(r"\.(csv|txt)$", "", file_name.rsplit("/", 1)[-1], flags=re.IGNORECASE)
    per_keyword: dict[str, dict[date, float]] = {}
    for line, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if not any(cell.strip() for cell in row):
            continue
        needed = max(date_column, value_column, keyword_column or 0)
        if len(row) <= needed:
            raise _error(
                file_name,
                line,
                _(
                    "%(file)s, line %(line)d: %(count)d columns where the header has %(expected)d. "
                    "Check the delimiter and the quoting of that line."
                )
                % {"file": file_name, "line": line, "count": len(row), "expected": len(header)},
            )
        period = _parse_period(row[date_column].strip())
        if period is None:
            raise _error(
                file_name,
                line,
                _(
                    "%(file)s, line %(line)d, column %(column)s: %(value)r is not a date. "
                    "Write dates as YYYY-MM-DD."
                )
                % {"file": file_name, "line": line, "column": header[date_column], "value": row[date_column]},
                column=header[date_column],
            )
        if isinstance(period, datetime):
            period = period.date()
        try:
            value = _parse_value(row[value_column])
        except ValueError:
            value = None
        if value is None:
            raise _error(
                file_name,
                line,
                _(
                    "%(file)s, line %(line)d, column %(column)s: %(value)r is not a number. "
                    "Enter a number such as 42 or 3.5."
                )
                % {"file": file_name, "line": line, "column": header[value_column], "value": row[value_column]},
                column=header[value_column],
            )
        if keyword_column is not None:
            keyword = row[keyword_column].strip()
        else:
            keyword = unnamed_keyword
        if not keyword:
            raise _error(
                file_name,
                line,
                _(
                    "%(file)s, line %(line)d, column %(column)s: the keyword is empty. "
                    "Fill it in or remove the line."
                )
                % {"file": file_name, "line": line, "column": header[keyword_column or 0]},
                column=header[keyword_column or 0],
            )
        points = per_keyword.setdefault(keyword, {})
        if period in points:
            raise _error(
                file_name,
                line,
                _("%(file)s, line %(line)d: %(date)s appears twice for “%(keyword)s”.")
                % {"file": file_name, "line": line, "date": period.isoformat(), "keyword": keyword},
            )
        points[period] = value
    series = []
    for keyword, points in per_keyword.items():
        dates = sorted(points)
        frequency = _infer_frequency(dates, has_time=False) or "D"
        series.append(
            ParsedSeries(
                keyword=keyword,
                geo="",
                frequency=frequency,
                points=[(day, points[day], False) for day in dates],
                relative=False,
            )
        )
    if not series:
        raise _error(
            file_name,
            header_index + 2,
            _("%(file)s, line %(line)d: the table has a header but no rows.")
            % {"file": file_name, "line": header_index + 2},
        )
    return series


def _zip_member_name(info: zipfile.ZipInfo) -> str:
    """Decode a member name; Google's archives store Japanese names in CP932 without the UTF-8 flag."""
    if info.flag_bits & 0x800:
        return info.filename
    raw = info.filename.encode("cp437")
    for encoding in ("utf-8", "cp932"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _parse_csv_file(data: bytes, file_name: str, result: ParsedFile) -> None:
    _check_not_empty(data, file_name)
    text = decode_bytes(data, file_name=file_name)
    kind = detect_kind(text)
    if kind == "search_ignored":
        result.ignored_tables.append(file_name)
    elif kind == "search_console":
        result.search_tables.append(parse_search_console_csv(text, file_name))
    elif kind == "related":
        result.related.extend(parse_related_queries_csv(text, file_name))
    elif kind == "generic":
        result.series.extend(parse_generic_csv(text, file_name))
    else:
        result.series.extend(parse_trends_csv(data, file_name=file_name))


def trend_file_parse(data: bytes, *, file_name: str) -> ParsedFile:
    """Parse any supported trend file or a .zip of them, recognised by content."""
    _check_size(data, file_name)
    result = ParsedFile(file_name=file_name)
    if data[:4] == b"PK\x03\x04":
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise _error(
                file_name, 1, _("%(file)s: the archive is damaged. Download it again.") % {"file": file_name}
            ) from None
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_ZIP_MEMBERS:
            raise _error(
                file_name,
                1,
                _(
                    "%(file)s contains %(count)d files, more than the %(limit)d one archive may contain. "
                    "Split it into smaller archives."
                )
                % {"file": file_name, "count": len(members), "limit": MAX_ZIP_MEMBERS},
            )
        total = sum(info.file_size for info in members)
        if total > MAX_FILE_BYTES:
            raise _error(
                file_name,
                1,
                _("%(file)s unpacks to %(size)d MB; at most %(limit)d MB can be imported.")
                % {"file": file_name, "size": total // (1024 * 1024), "limit": MAX_FILE_BYTES // (1024 * 1024)},
            )
        for info in members:
            name = _zip_member_name(info)
            if not re.search(r"\.(csv|txt)$", name, re.IGNORECASE):
                continue
            _parse_csv_file(archive.read(info), f"{file_name}/{name}", result)
        if not (result.series or result.related or result.search_tables):
            raise _error(
                file_name, 1, _("%(file)s holds no table that can be imported.") % {"file": file_name}
            )
        return result
    _parse_csv_file(data, file_name, result)
    return result


def series_file_read(data: bytes, *, file_name: str) -> list[ParsedSeries]:
    """Return only the time series of a trend file (Trends interest or generic CSV)."""
    return trend_file_parse(data, file_name=file_name).series
