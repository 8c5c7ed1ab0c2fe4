"""Tests for reading Google Trends "interest over time" CSV exports."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from seoassist.core.exceptions import ImportFileError
from seoassist.trends.parsing import parse_trends_csv

ENGLISH_WEEKLY = (
    "Category: All categories\n"
    "\n"
    "Week,hay fever: (United States),heatstroke: (United States)\n"
    "2024-01-07,12,<1\n"
    "2024-01-14,15,1\n"
    "2024-01-21,,2\n"
)
JAPANESE_WEEKLY = (
    "カテゴリ: すべてのカテゴリ\n"
    "\n"
    "週,花粉症: (日本),熱中症: (日本)\n"
    "2024-01-07,40,1 未満\n"
    "2024-01-14,45,1\n"
)

pytestmark = pytest.mark.usefixtures("english_messages")




def parse_error(data: bytes, file_name: str = "trends.csv") -> ImportFileError:
    with pytest.raises(ImportFileError) as caught:
        parse_trends_csv(data, file_name=file_name)
    return caught.value


class RealExportTests:
    def test_english_weekly_export(self, test_data_dir: Path) -> None:
        path = (
            test_data_dir / "google-trends/exports/MakenaJones__mental_health_searches/"
            "multiTimeline.csv"
        )
        [series] = parse_trends_csv(path.read_bytes(), file_name=path.name)
        assert (series.keyword, series.geo, series.frequency) == (
            "mental health", "United States", "W",
        )
        assert len(series.points) == 260
        assert series.points[0] == (date(2018, 1, 28), 44.0, False)
        assert series.points[-1][0] == date(2023, 1, 15)

    def test_japanese_weekly_export(self, test_data_dir: Path) -> None:
        path = test_data_dir / "google-trends/exports/masarusyogouki__habit_datascience/習慣化.csv"
        [series] = parse_trends_csv(path.read_bytes(), file_name=path.name)
        assert (series.keyword, series.geo, series.frequency) == ("習慣化", "日本", "W")
        assert len(series.points) == 267
        assert series.points[0][0] == date(2019, 9, 1)
        assert series.points[-1][0] == date(2024, 10, 6)

    def test_japanese_monthly_worldwide_export(self, test_data_dir: Path) -> None:
        path = test_data_dir / "google-trends/exports/Kutinasi6364__scraping/multiTimeline.csv"
        [series] = parse_trends_csv(path.read_bytes(), file_name=path.name)
        assert (series.keyword, series.geo, series.frequency) == ("カップケーキ", "すべての国", "M")
        assert len(series.points) == 223
        assert series.points[0] == (date(2004, 1, 1), 5.0, False)
        assert series.points[-1][0] == date(2022, 7, 1)

    def test_official_dataset_with_many_series(self, test_data_dir: Path) -> None:
        path = (
            test_data_dir / "google-trends/official-googletrends-data/20190503_StarWarsmonthly.csv"
        )
        series = parse_trends_csv(path.read_bytes(), file_name=path.name)
        assert len(series) == 41
        assert series[0].keyword == "Aayla"
        assert series[0].geo == ""
        assert series[0].frequency == "M"
        assert series[0].points[0] == (date(2004, 1, 1), 0.18, False)
        assert all(len(item.points) == 184 for item in series)


class ExportLayoutTests:
    def test_english_weekly_keywords_and_geo(self) -> None:
        series = parse_trends_csv(ENGLISH_WEEKLY.encode(), file_name="multiTimeline.csv")
        assert [(item.keyword, item.geo) for item in series] == [
            ("hay fever", "United States"), ("heatstroke", "United States"),
        ]

    def test_below_one_becomes_half(self) -> None:
        series = parse_trends_csv(ENGLISH_WEEKLY.encode(), file_name="multiTimeline.csv")
        assert series[1].points[0] == (date(2024, 1, 7), 0.5, False)

    def test_empty_cell_skips_the_point(self) -> None:
        series = parse_trends_csv(ENGLISH_WEEKLY.encode(), file_name="multiTimeline.csv")
        assert [point[0] for point in series[0].points] == [date(2024, 1, 7), date(2024, 1, 14)]

    def test_japanese_below_one_becomes_half(self) -> None:
        series = parse_trends_csv(JAPANESE_WEEKLY.encode(), file_name="multiTimeline.csv")
        assert series[1].points[0][1] == 0.5

    def test_japanese_header_is_weekly(self) -> None:
        series = parse_trends_csv(JAPANESE_WEEKLY.encode(), file_name="multiTimeline.csv")
        assert series[0].frequency == "W"

    def test_keyword_with_colon_and_parentheses(self) -> None:
        data = 'Month,"C: (drive) repair: (Japan)"\n2024-01,10\n2024-02,11\n'.encode()
        [series] = parse_trends_csv(data, file_name="a.csv")
        assert (series.keyword, series.geo) == ("C: (drive) repair", "Japan")

    def test_monthly_dates_start_on_first_day(self) -> None:
        data = "月,紅葉: (日本)\n2004-01,10\n2004-02,11\n".encode()
        [series] = parse_trends_csv(data, file_name="a.csv")
        assert [point[0] for point in series.points] == [date(2004, 1, 1), date(2004, 2, 1)]

    def test_daily_header_is_daily(self) -> None:
        data = b"Day,sunscreen: (Worldwide)\n2024-06-01,50\n2024-06-02,51\n"
        assert parse_trends_csv(data, file_name="a.csv")[0].frequency == "D"

    def test_rows_are_sorted_by_date(self) -> None:
        data = b"Week,kw: (Japan)\n2024-01-14,2\n2024-01-07,1\n"
        [series] = parse_trends_csv(data, file_name="a.csv")
        assert [point[1] for point in series.points] == [1.0, 2.0]

    def test_is_partial_column_flags_last_row(self) -> None:
        data = (
            b"date,hay fever,isPartial\n2024-01-07,10,False\n2024-01-14,12,False\n"
            b"2024-01-21,5,True\n"
        )
        [series] = parse_trends_csv(data, file_name="a.csv")
        assert [point[2] for point in series.points] == [False, False, True]

    def test_is_partial_column_is_not_a_keyword(self) -> None:
        data = b"date,hay fever,isPartial\n2024-01-07,10,False\n2024-01-14,12,True\n"
        assert [item.keyword for item in parse_trends_csv(data, file_name="a.csv")] == [
            "hay fever"
        ]

    def test_dates_decide_frequency_for_date_header(self) -> None:
        data = b"date,hay fever\n2024-01-07,10\n2024-01-14,12\n2024-01-21,13\n"
        assert parse_trends_csv(data, file_name="a.csv")[0].frequency == "W"

    def test_hourly_time_header_keeps_hours(self) -> None:
        data = b"Time,kw: (Worldwide)\n2024-01-07T05,10\n2024-01-07T06,12\n"
        [series] = parse_trends_csv(data, file_name="a.csv")
        assert series.frequency == "H"
        assert series.points[1][0] == datetime(2024, 1, 7, 6)

    def test_iso_datetimes_at_midnight_become_dates(self) -> None:
        data = b"Time,kw: (Japan)\n2024-01-07T00:00:00Z,10\n2024-01-14T00:00:00Z,12\n"
        [series] = parse_trends_csv(data, file_name="a.csv")
        assert series.frequency == "W"
        assert series.points[0][0] == date(2024, 1, 7)

    def test_hourly_iso_datetime_keeps_offset(self) -> None:
        data = b"Time,kw: (Japan)\n2024-01-07T00:00:00Z,10\n2024-01-07T01:00:00Z,12\n"
        [series] = parse_trends_csv(data, file_name="a.csv")
        assert series.points[0][0] == datetime(2024, 1, 7, tzinfo=timezone.utc)

    def test_official_month_names(self) -> None:
        data = b"Date,Han Solo,Leia Organa\nJan 2004,0.99,2.02\nFeb 2004,0.96,2.72\n"
        series = parse_trends_csv(data, file_name="a.csv")
        assert series[1].points[1] == (date(2004, 2, 1), 2.72, False)


class EncodingTests:
    def test_utf8_with_bom(self) -> None:
        data = "\ufeff".encode() + JAPANESE_WEEKLY.encode()
        assert parse_trends_csv(data, file_name="a.csv")[0].keyword == "花粉症"

    def test_utf16_with_tabs(self) -> None:
        data = JAPANESE_WEEKLY.replace(",", "\t").encode("utf-16")
        series = parse_trends_csv(data, file_name="a.csv")
        assert [item.keyword for item in series] == ["花粉症", "熱中症"]

    def test_utf16_with_commas(self) -> None:
        data = ENGLISH_WEEKLY.encode("utf-16")
        assert len(parse_trends_csv(data, file_name="a.csv")[0].points) == 2

    def test_cp932_japanese_export(self) -> None:
        data = JAPANESE_WEEKLY.encode("cp932")
        series = parse_trends_csv(data, file_name="a.csv")
        assert (series[0].keyword, series[0].geo) == ("花粉症", "日本")


class ErrorTests:
    def test_empty_file(self) -> None:
        error = parse_error(b"", "empty.csv")
        assert "empty.csv" in error.message
        assert error.line == 1

    def test_header_only(self) -> None:
        error = parse_error("カテゴリ: すべてのカテゴリ\n\n週,花粉症: (日本)\n".encode(), "h.csv")
        assert "h.csv, line 3" in error.message
        assert "no data rows" in error.message

    def test_no_trends_header(self) -> None:
        error = parse_error(b"title,body\nHello,World\n", "posts.csv")
        assert "posts.csv" in error.message
        assert "first 10 lines" in error.message

    def test_semicolon_delimiter(self) -> None:
        error = parse_error(b"Week;hay fever: (Japan)\n2024-01-07;10\n", "semi.csv")
        assert "semi.csv, line 1" in error.message
        assert "semicolons" in error.message

    def test_bad_date_names_line_column_value(self) -> None:
        data = ENGLISH_WEEKLY.replace("2024-01-14", "14/01/2024").encode()
        error = parse_error(data, "dates.csv")
        assert "dates.csv, line 5, column Week" in error.message
        assert "'14/01/2024'" in error.message
        assert (error.line, error.column) == (5, "Week")

    def test_bad_value_names_keyword_column(self) -> None:
        data = ENGLISH_WEEKLY.replace(",15,", ",many,").encode()
        error = parse_error(data, "values.csv")
        assert "values.csv, line 5, column hay fever: (United States)" in error.message
        assert "'many'" in error.message

    def test_negative_value_is_rejected(self) -> None:
        error = parse_error(b"Week,kw: (Japan)\n2024-01-07,-3\n", "neg.csv")
        assert "neg.csv, line 2" in error.message

    def test_duplicate_dates(self) -> None:
        error = parse_error(b"Week,kw: (Japan)\n2024-01-07,1\n2024-01-07,2\n", "dup.csv")
        assert "dup.csv, line 3" in error.message
        assert "line 2" in error.message

    def test_region_export_is_named(self) -> None:
        error = parse_error(b"Region,kw: (1/1/24 - 2/1/24)\nTokyo,100\n", "geo.csv")
        assert "geo.csv, line 1" in error.message
        assert "Interest over time" in error.message

    def test_mixed_date_formats(self) -> None:
        data = b"Time,kw: (Japan)\n2024-01-07,1\n2024-01-07T05,2\n"
        error = parse_error(data, "mixed.csv")
        assert "mixed.csv, line 2, column Time" in error.message

    def test_undecodable_bytes(self) -> None:
        error = parse_error(b"Week,caf\xe9: (France)\n2024-01-07,1\n", "latin1.csv")
        assert "latin1.csv, line 1" in error.message
