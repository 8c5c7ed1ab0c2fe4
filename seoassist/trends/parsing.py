"""Parsing of Google Trends "interest over time" CSV exports into keyword series."""
from __future__ import annotations

import csv
import io
import logging
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

from django.utils.translation import gettext as _

from seoassist.core.exceptions import ImportFileError
from seoassist.corpus.parsing.encoding import decode_bytes

logger = logging.getLogger(__name__)

Frequency = Literal["H", "D", "W", "M"]

# Only the first lines are searched for the header: the UI puts at most a
# category line and a blank line before it.
HEADER_SEARCH_LINES = 10

# First header cell (NFKC, case-folded) -> frequency; None means "infer from the dates".
_DATE_HEADERS: dict[str, Frequency | None] = {
    "week": "W",
    "週": "W",
    "day": "D",
    "日": "D",
    "month": "M",
    "月": "M",
    "time": None,  # hourly in older exports, any frequency with full ISO datetimes in newer ones
    "時間": None,
    "date": None,  # official Google Trends datasets and exports saved by scripts
    "日付": None,
}

# First header cells of the other Trends exports, which are not time series.
_OTHER_EXPORT_HEADERS = frozenset(
    ["region", "country", "subregion", "metro", "city", "地域", "国", "都道府県", "市区町村",
     "top", "rising", "トップ", "注目"]
)

_PARTIAL_HEADERS = frozenset(["ispartial", "is_partial", "partial"])
_TRUE_VALUES = frozenset(["true", "1", "yes", "y", "t"])
_FALSE_VALUES = frozenset(["false", "0", "no", "n", "f", ""])

# Google Trends writes "<1" (English UI) and "1 未満" (Japanese UI) for interest
# that is above zero but rounds below 1.
_BELOW_ONE_RE = re.compile(r"^(?:<\s*1|1\s*未満)$")
_BELOW_ONE_VALUE = 0.5

_MONTHS = {
    name: index
    for index, names in enumerate(
        [("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
         ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
         ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
         ("dec", "december")],
        start=1,
    )
    for name in names
}
_MONTH_NAME_RE = re.compile(r"^([a-z]+)\.?\s+(\d{4})$")
_YEAR_MONTH_RE = re.compile(r"^(\d{4})[-/.](\d{1,2})$")
_YEAR_MONTH_JA_RE = re.compile(r"^(\d{4})年(\d{1,2})月$")
_YMD_SLASH_RE = re.compile(r"^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$")
_YMD_JA_RE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
_HOUR_ONLY_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2})$")
# A week written as a range ("2004-01-04 - 2004-01-10") starts on its first date.
_RANGE_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})\s+-\s+\d{4}-\d{2}-\d{2}$")


@dataclass
class ParsedSeries:
    """One keyword's interest over time as read from a Trends export."""

    keyword: str
    geo: str  # "" when the column has no geo suffix
    frequency: Frequency
    # (period start, value, is_partial), sorted by date. The period start is a
    # `datetime` for hourly series and a `date` otherwise.
    points: list[tuple[date, float, bool]] = field(default_factory=list)
    # True for Google Trends interest, which each export scales to its own 0-100 range.
    relative: bool = True


@dataclass
class _Column:
    index: int
    keyword: str
    geo: str
    header: str
    points: list[tuple[date, float, bool]] = field(default_factory=list)


def _cell_key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\ufeff", "").strip().casefold()


def _split_keyword_header(cell: str) -> tuple[str, str]:
    """Split "keyword: (geo)" on its last ": (", since keywords may contain both."""
    text = cell.strip()
    keyword, separator, geo = text.rpartition(": (")
    if separator and geo.endswith(")"):
        return keyword.strip(), geo[:-1].strip()
    return text, ""


def _parse_period(text: str) -> date | None:
    """Return the period start of one date cell (a datetime when it has a time), or None."""
    value = unicodedata.normalize("NFKC", text).strip()
    range_match = _RANGE_RE.match(value)
    if range_match:
        value = range_match.group(1)

    match = _YEAR_MONTH_RE.match(value) or _YEAR_MONTH_JA_RE.match(value)
    if match:
        return _safe_date(int(match.group(1)), int(match.group(2)), 1)
    match = _MONTH_NAME_RE.match(value.casefold())
    if match and match.group(1) in _MONTHS:
        return date(int(match.group(2)), _MONTHS[match.group(1)], 1)
    match = _YMD_SLASH_RE.match(value) or _YMD_JA_RE.match(value)
    if match:
        return _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))

    match = _HOUR_ONLY_RE.match(value)
    if match:
        value = f"{match.group(1)}T{match.group(2)}:00"
    if not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        return None
    return parsed.date() if len(value) == 10 else parsed


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _parse_value(text: str) -> float | None:
    """Return the interest value of a cell, None for an empty cell; raise ValueError otherwise."""
    value = unicodedata.normalize("NFKC", text).strip()
    if not value:
        return None
    if _BELOW_ONE_RE.match(value):
        return _BELOW_ONE_VALUE
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ValueError(value)
    return number


def _seconds_between(earlier: date, later: date) -> float:
    if isinstance(earlier, datetime) and isinstance(later, datetime):
        return (later - earlier).total_seconds()
    return (later - earlier).days * 86400.0


def _infer_frequency(dates: list[date], has_time: bool) -> Frequency | None:
    """Return the frequency that the spacing of the sorted `dates` shows, None when too fine."""
    if len(dates) < 2:
        return "H" if has_time else "D"
    gaps = sorted(
        _seconds_between(earlier, later) for earlier, later in zip(dates, dates[1:])
    )
    median_hours = gaps[len(gaps) // 2] / 3600
    if median_hours < 0.99:
        return None
    if median_hours <= 1.5:
        return "H"
    if median_hours <= 36:
        return "D"
    if median_hours <= 24 * 8:
        return "W"
    return "M"


class _TrendsReader:
    def __init__(self, text: str, file_name: str) -> None:
        self.file_name = file_name
        self.lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")

    def error(self, message: str, line: int, column: str | None = None) -> ImportFileError:
        return ImportFileError(message, file_name=self.file_name, line=line, column=column)

    def find_header(self) -> tuple[int, str, list[str]]:
        """Return (0-based line index, delimiter, cells) of the header row."""
        for index, line in enumerate(self.lines[:HEADER_SEARCH_LINES]):
            if not line.strip():
                continue
            for delimiter in (",", "\t", ";"):
                cells = next(csv.reader([line], delimiter=delimiter), [])
                if len(cells) < 2:
                    continue
                key = _cell_key(cells[0])
                if key in _DATE_HEADERS:
                    if delimiter == ";":
                        raise self.error(
                            _(
                                "%(file)s, line %(line)d: the columns are separated by "
                                "semicolons. Google Trends writes commas; export the file "
                                "again from Google Trends instead of saving it from a "
                                "spreadsheet."
                            )
                            % {"file": self.file_name, "line": index + 1},
                            line=index + 1,
                        )
                    return index, delimiter, cells
                if key in _OTHER_EXPORT_HEADERS:
                    raise self.error(
                        _(
                            "%(file)s, line %(line)d: this is a Google Trends export of "
                            "%(value)r, not of interest over time. Export the \"Interest "
                            "over time\" chart instead."
                        )
                        % {"file": self.file_name, "line": index + 1, "value": cells[0]},
                        line=index + 1,
                    )
        last_line = min(len(self.lines), HEADER_SEARCH_LINES)
        raise self.error(
            _(
                "%(file)s, lines 1-%(line)d: no Google Trends header (Week, Day, Month / 週, "
                "日, 月) in the first %(count)d lines. Upload the \"Interest over time\" CSV "
                "exactly as Google Trends downloads it."
            )
            % {"file": self.file_name, "line": last_line, "count": HEADER_SEARCH_LINES},
            line=last_line,
        )

    def keyword_columns(
        self, header: list[str], header_line: int
    ) -> tuple[list[_Column], int | None]:
        """Return the keyword columns of the header and the index of its isPartial column."""
        partial_index: int | None = None
        columns: list[_Column] = []
        seen: dict[tuple[str, str], int] = {}
        for index, cell in enumerate(header[1:], start=1):
            if _cell_key(cell) in _PARTIAL_HEADERS:
                partial_index = index
                continue
            keyword, geo = _split_keyword_header(cell)
            if not keyword:
                raise self.error(
                    _(
                        "%(file)s, line %(line)d, column %(column)d: the header cell %(value)r "
                        "names no keyword. Export the file again from Google Trends."
                    )
                    % {"file": self.file_name, "line": header_line, "column": index + 1,
                       "value": cell},
                    line=header_line,
                    column=index + 1,
                )
            key = (_cell_key(keyword), geo)
            if key in seen:
                raise self.error(
                    _(
                        "%(file)s, line %(line)d: the keyword column %(value)r appears twice "
                        "(columns %(first)d and %(second)d). Remove one of them."
                    )
                    % {"file": self.file_name, "line": header_line, "value": cell,
                       "first": seen[key] + 1, "second": index + 1},
                    line=header_line,
                    column=cell,
                )
            seen[key] = index
            columns.append(_Column(index=index, keyword=keyword, geo=geo, header=cell.strip()))

        if not columns:
            raise self.error(
                _(
                    "%(file)s, line %(line)d: the header has no keyword columns after "
                    "%(value)r. Export the file again from Google Trends."
                )
                % {"file": self.file_name, "line": header_line, "value": header[0].strip()},
                line=header_line,
            )
        return columns, partial_index

    def read_rows(
        self,
        header_index: int,
        delimiter: str,
        header: list[str],
        columns: list[_Column],
        partial_index: int | None,
    ) -> dict[date, int]:
        """Add every row's points to `columns`; return the line number of each date."""
        header_line = header_index + 1
        date_header = header[0].strip()
        body = "\n".join(self.lines[header_index + 1 :])
        reader = csv.reader(io.StringIO(body), delimiter=delimiter)
        row_dates: dict[date, int] = {}
        row_start = header_line + 1
        for row in reader:
            line = row_start
            # line_num counts the physical lines read so far, so quoted line breaks stay counted.
            row_start = header_line + reader.line_num + 1
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
                raise self.error(
                    _(
                        "%(file)s, line %(line)d: the row has %(count)d cells but the header "
                        "has %(expected)d. Export the file again from Google Trends."
                    )
                    % {"file": self.file_name, "line": line, "count": len(row),
                       "expected": len(header)},
                    line=line,
                )

            period = _parse_period(row[0])
            if period is None:
                raise self.error(
                    _(
                        "%(file)s, line %(line)d, column %(column)s: %(value)r is not a date "
                        "like 2024-01-07 or 2024-01. Export the file again from Google Trends."
                    )
                    % {"file": self.file_name, "line": line, "column": date_header,
                       "value": row[0]},
                    line=line,
                    column=date_header,
                )
            if period in row_dates:
                raise self.error(
                    _(
                        "%(file)s, line %(line)d, column %(column)s: the date %(value)r also "
                        "appears on line %(first)d. Each date may appear once, so remove the "
                        "repeated row."
                    )
                    % {"file": self.file_name, "line": line, "column": date_header,
                       "value": row[0], "first": row_dates[period]},
                    line=line,
                    column=date_header,
                )
            row_dates[period] = line

            is_partial = False
            if partial_index is not None and partial_index < len(row):
                flag = _cell_key(row[partial_index])
                if flag not in _TRUE_VALUES | _FALSE_VALUES:
                    raise self.error(
                        _(
                            "%(file)s, line %(line)d, column isPartial: %(value)r is neither "
                            "True nor False. Export the file again from Google Trends."
                        )
                        % {"file": self.file_name, "line": line, "value": row[partial_index]},
                        line=line,
                        column="isPartial",
                    )
                is_partial = flag in _TRUE_VALUES

            for column in columns:
                cell = row[column.index] if column.index < len(row) else ""
                try:
                    value = _parse_value(cell)
                except ValueError:
                    raise self.error(
                        _(
                            "%(file)s, line %(line)d, column %(column)s: %(value)r is not an "
                            "interest value (a number from 0 to 100, \"<1\" or \"1 未満\"). "
                            "Export the file again from Google Trends."
                        )
                        % {"file": self.file_name, "line": line, "column": column.header,
                           "value": cell},
                        line=line,
                        column=column.header,
                    ) from None
                if value is not None:
                    column.points.append((period, value, is_partial))
        return row_dates

    def parse(self) -> list[ParsedSeries]:
        header_index, delimiter, header = self.find_header()
        header_line = header_index + 1
        columns, partial_index = self.keyword_columns(header, header_line)
        row_dates = self.read_rows(header_index, delimiter, header, columns, partial_index)
        if not row_dates:
            raise self.error(
                _(
                    "%(file)s, line %(line)d: the file has a header but no data rows. Choose "
                    "a longer time range in Google Trends and export the file again."
                )
                % {"file": self.file_name, "line": header_line},
                line=header_line,
            )

        has_time = any(isinstance(period, datetime) for period in row_dates)
        try:
            sorted_dates = sorted(row_dates)
        except TypeError:
            # Python cannot order plain dates with datetimes, or naive with aware datetimes.
            raise self.error(
                _(
                    "%(file)s, line %(line)d, column %(column)s: the dates mix formats (with and "
                    "without a time or time zone). Export the file again from Google Trends."
                )
                % {"file": self.file_name, "line": header_line + 1, "column": header[0].strip()},
                line=header_line + 1,
                column=header[0].strip(),
            ) from None

        frequency = _DATE_HEADERS[_cell_key(header[0])] or _infer_frequency(sorted_dates, has_time)
        if frequency is None:
            raise self.error(
                _(
                    "%(file)s, line %(line)d: the rows are less than an hour apart. Choose a "
                    "time range of 7 days or longer in Google Trends and export again."
                )
                % {"file": self.file_name, "line": header_line + 1},
                line=header_line + 1,
            )
        return self.build_series(columns, frequency, has_time, header_line, len(row_dates))

    def build_series(
        self,
        columns: list[_Column],
        frequency: Frequency,
        has_time: bool,
        header_line: int,
        row_count: int,
    ) -> list[ParsedSeries]:
        series: list[ParsedSeries] = []
        for column in columns:
            if not column.points:
                raise self.error(
                    _(
                        "%(file)s, line %(line)d, column %(column)s: the column has no values. "
                        "Remove it or export the file again from Google Trends."
                    )
                    % {"file": self.file_name, "line": header_line, "column": column.header},
                    line=header_line,
                    column=column.header,
                )
            points = column.points
            if frequency != "H" and has_time:
                # Daily and longer periods start at midnight, so plain dates are enough.
                points = [
                    (period.date() if isinstance(period, datetime) else period, value, partial)
                    for period, value, partial in points
                ]
            points.sort(key=lambda point: point[0])
            series.append(
                ParsedSeries(
                    keyword=column.keyword, geo=column.geo, frequency=frequency, points=points
                )
            )
        logger.info(
            "Parsed %d Trends series with %d rows from %s", len(series), row_count, self.file_name
        )
        return series


def parse_trends_csv(data: bytes, *, file_name: str) -> list[ParsedSeries]:
    """Parse a Google Trends "interest over time" CSV into one series per keyword column.

    The export is recognised by its header row (first cell Week, Day, Month,
    Time or Date, or 週, 日, 月, 時間), found within the first 10 lines, not by
    the file name. Keyword columns are "keyword: (geo)" in exports and plain
    keywords in the official Google Trends datasets.

    Raises
    ------
    ImportFileError
        When the file is empty, undecodable or not a Trends export, or a row
        contains a bad date, a bad value or a repeated date.
    """
    if not data.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"):
        raise ImportFileError(
            _("%(file)s, line 1: the file is empty. Export it again from Google Trends.")
            % {"file": file_name},
            file_name=file_name,
            line=1,
        )
    text = decode_bytes(data, file_name=file_name)
    return _TrendsReader(text, file_name).parse()
