import io
import zipfile

import pytest

from seoassist.core.exceptions import ImportFileError
from seoassist.trends.importers import MAX_FILE_BYTES, trend_file_parse
from seoassist.trends.models import (
    Keyword,
    RelatedQuery,
    SearchDailyStat,
    SearchQueryStat,
    TrendPoint,
)
from seoassist.trends.services import trends_import_file

RELATED_EN = (
    "Category: All categories\n\nTOP\nhay fever medicine,100\nhay fever symptoms,45\n\n"
    "RISING\nhay fever 2025,Breakout\nhay fever tablets,+250%\n"
)
RELATED_JA = "カテゴリ: すべてのカテゴリ\n\nトップ\n花粉症 薬,100\n花粉症 目,38\n\n注目\n花粉症 2025,急増\n花粉 飛散,\"+1,200%\"\n"
QUERIES_JA = (
    "\ufeff上位のクエリ,クリック数,表示回数,CTR,掲載順位\n花粉症 対策,12,340,3.53%,5.2\n"
    "\"花粉症\n薬\",3,90,3.33%,8.1"
)
DATES_EN = "Date,Clicks,Impressions,CTR,Position\n2024-11-02,2839,200601,1.42%,43.83\n2024-11-01,6251,253879,2.46%,39.68"
COMPARE_EN = (
    "Top queries,Last 28 days Clicks,Previous 28 days Clicks,Last 28 days Impressions,"
    "Previous 28 days Impressions,Last 28 days CTR,Previous 28 days CTR,Last 28 days Position,"
    "Previous 28 days Position\nduo,10,20,100,200,10%,10%,2.5,3.5\n"
)
GENERIC = "date,keyword,value\n2024-01-07,sunscreen,10\n2024-01-14,sunscreen,12\n2024-01-07,umbrella,40\n2024-01-14,umbrella,38\n"


class _Cp932NameInfo(zipfile.ZipInfo):
    """A member whose name is stored as CP932 bytes without the UTF-8 flag, as Windows tools do."""

    def _encodeFilenameFlags(self):  # noqa: N802
        return self.filename.encode("cp932"), self.flag_bits & ~0x800


def _zip(members: dict[str, bytes], *, cp932_names: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            info = _Cp932NameInfo(name) if cp932_names else zipfile.ZipInfo(name)
            archive.writestr(info, data)
    raw = buffer.getvalue()
    if cp932_names:
        assert "クエリ.csv".encode("cp932") in raw or "日付.csv".encode("cp932") in raw
    return raw


class TrendFileParseTests:
    def test_related_queries_english_sections_and_breakout(self):
        rows = trend_file_parse(RELATED_EN.encode(), file_name="relatedQueries.csv").related
        assert [(row.query, row.section) for row in rows][:2] == [
            ("hay fever medicine", "top"),
            ("hay fever symptoms", "top"),
        ]
        breakout = next(row for row in rows if row.query == "hay fever 2025")
        assert breakout.breakout
        assert breakout.value is None
        assert breakout.section == "rising"
        assert next(row for row in rows if row.query == "hay fever tablets").value == 250.0

    def test_related_queries_japanese_in_shift_jis(self):
        rows = trend_file_parse(RELATED_JA.encode("cp932"), file_name="a.csv").related
        assert {row.section for row in rows} == {"top", "rising"}
        assert next(row for row in rows if row.query == "花粉症 2025").breakout
        assert next(row for row in rows if row.query == "花粉 飛散").value == 1200.0

    def test_search_console_japanese_queries(self):
        [table] = trend_file_parse(QUERIES_JA.encode("utf-8"), file_name="x.csv").search_tables
        assert table.table == "query"
        assert table.rows[0].ctr == pytest.approx(0.0353)
        assert table.rows[1].key == "花粉症 薬"

    def test_search_console_compare_mode_keeps_current_period(self):
        [table] = trend_file_parse(COMPARE_EN.encode(), file_name="Queries.csv").search_tables
        assert (table.rows[0].clicks, table.rows[0].impressions, table.rows[0].position) == (10, 100, 2.5)

    def test_search_console_zip_with_cp932_member_names(self):
        data = _zip({"クエリ.csv": QUERIES_JA.encode(), "日付.csv": DATES_EN.encode()}, cp932_names=True)
        parsed = trend_file_parse(data, file_name="export.zip")
        assert sorted(table.table for table in parsed.search_tables) == ["date", "query"]

    def test_generic_csv_in_utf16(self):
        series = trend_file_parse(GENERIC.encode("utf-16"), file_name="whatever.txt").series
        assert {item.keyword for item in series} == {"sunscreen", "umbrella"}
        assert all(item.frequency == "W" and not item.relative for item in series)

    def test_detection_ignores_the_file_name(self):
        parsed = trend_file_parse(RELATED_EN.encode(), file_name="Queries.csv")
        assert parsed.related
        assert not parsed.search_tables


class HostileFileTests:
    def test_empty_file(self, english_messages):
        with pytest.raises(ImportFileError, match="empty"):
            trend_file_parse(b"", file_name="empty.csv")

    def test_header_only(self, english_messages):
        with pytest.raises(ImportFileError, match="line 2") as caught:
            trend_file_parse(b"date,keyword,value\n", file_name="h.csv")
        assert "h.csv" in caught.value.message

    def test_semicolon_delimiter_names_line(self, english_messages):
        data = "Category: All categories\n\nWeek;flu: (Japan)\n2024-01-07;5\n".encode()
        with pytest.raises(ImportFileError) as caught:
            trend_file_parse(data, file_name="semi.csv")
        assert "semi.csv" in caught.value.message
        assert caught.value.line is not None

    def test_bad_value_names_line_and_column(self, english_messages):
        data = GENERIC.replace("12", "twelve").encode()
        with pytest.raises(ImportFileError) as caught:
            trend_file_parse(data, file_name="bad.csv")
        assert caught.value.line == 3
        assert caught.value.column == "value"
        assert "bad.csv, line 3, column value" in caught.value.message

    def test_mixed_encodings_in_one_file(self, english_messages):
        data = "date,keyword,value\n2024-01-07,花粉,1\n".encode() + "2024-01-14,花粉,2\n".encode("cp932")
        with pytest.raises(ImportFileError) as caught:
            trend_file_parse(data, file_name="mixed.csv")
        assert caught.value.line == 3
        assert "mixed.csv" in caught.value.message

    def test_file_over_limit_is_refused(self, english_messages):
        data = b"date,value\n" + b"2024-01-01,1\n" * (MAX_FILE_BYTES // 13 + 1)
        assert len(data) > MAX_FILE_BYTES
        with pytest.raises(ImportFileError, match="50 MB"):
            trend_file_parse(data, file_name="huge.csv")

    def test_zip_without_tables(self, english_messages):
        with pytest.raises(ImportFileError, match="no table"):
            trend_file_parse(_zip({"readme.md": b"hello"}), file_name="x.zip")


@pytest.mark.django_db
class TrendsImportStoreTests:
    def test_related_queries_stored_once(self, site):
        first = trends_import_file(site=site, data=RELATED_EN.encode(), file_name="r.csv", seed="hay fever")
        second = trends_import_file(site=site, data=RELATED_EN.encode(), file_name="r.csv", seed="hay fever")
        assert first.created == 4
        assert second.created == 0
        assert second.skipped == 4
        assert RelatedQuery.objects.filter(site=site, seed="hay fever", breakout=True).count() == 1

    def test_search_console_zip_stored_once(self, site):
        data = _zip({"Queries.csv": COMPARE_EN.encode(), "Dates.csv": DATES_EN.encode()})
        trends_import_file(site=site, data=data, file_name="export.zip")
        again = trends_import_file(site=site, data=data, file_name="export.zip")
        assert again.created == 0
        assert SearchQueryStat.objects.get(site=site, key="duo").clicks == 10
        assert SearchDailyStat.objects.filter(site=site).count() == 2

    def test_overlapping_trends_exports_are_rescaled(self, site):
        weeks = [f"2024-{month:02d}-{day:02d}" for month in (1, 2, 3) for day in (7, 14, 21)]
        first = "Week,flu: (Japan)\n" + "".join(f"{d},{v}\n" for d, v in zip(weeks[:6], [10, 20, 30, 40, 50, 60]))
        # The second export covers a later period whose maximum is higher, so Google
        # scales every value by half: the overlap reads 20, 25, 30 instead of 40, 50, 60.
        second = "Week,flu: (Japan)\n" + "".join(f"{d},{v}\n" for d, v in zip(weeks[3:], [20, 25, 30, 50, 100, 90]))
        trends_import_file(site=site, data=first.encode(), file_name="a.csv")
        summary = trends_import_file(site=site, data=second.encode(), file_name="b.csv")
        assert summary.rescaled == {"flu": 2.0}
        assert summary.created == 3
        assert summary.skipped == 3
        values = list(TrendPoint.objects.filter(keyword__text="flu").order_by("date").values_list("value", flat=True))
        assert values == [10, 20, 30, 40, 50, 60, 100, 200, 180]

    def test_partial_period_completed_by_later_export(self, site):
        partial = "Week,flu: (Japan),isPartial\n2024-01-07,10,False\n2024-01-14,12,True\n"
        complete = "Week,flu: (Japan),isPartial\n2024-01-07,10,False\n2024-01-14,20,False\n"
        trends_import_file(site=site, data=partial.encode(), file_name="a.csv")
        summary = trends_import_file(site=site, data=complete.encode(), file_name="b.csv")
        assert summary.updated == 1
        point = TrendPoint.objects.get(keyword__text="flu", date="2024-01-14")
        assert (point.value, point.is_partial) == (20, False)

    def test_hourly_export_stored_as_days(self, site):
        rows = "".join(f"2024-03-01T{hour:02d},{hour}\n" for hour in range(24))
        trends_import_file(site=site, data=f"Time,flu: (Japan)\n{rows}".encode(), file_name="h.csv")
        keyword = Keyword.objects.get(text="flu")
        assert keyword.frequency == "D"
        assert keyword.points.get().value == pytest.approx(11.5)


class RealExportTests:
    def test_search_console_english_folder(self, test_data_dir):
        folder = test_data_dir / "search-console" / "duo.com_en"
        tables = {}
        for path in folder.glob("*.csv"):
            parsed = trend_file_parse(path.read_bytes(), file_name=path.name)
            for table in parsed.search_tables:
                tables[table.table] = table
        assert set(tables) == {"query", "page", "country", "device", "date"}
        assert tables["query"].rows[0].key == "duo"
        assert tables["query"].rows[0].ctr == pytest.approx(0.037)
        assert len(tables["date"].dates) == len(tables["date"].rows) > 100

    def test_search_console_japanese_queries(self, test_data_dir):
        path = test_data_dir / "search-console" / "qualia-navi.vercel.app_ja" / "クエリ.csv"
        [table] = trend_file_parse(path.read_bytes(), file_name=path.name).search_tables
        assert table.table == "query"
        assert len(table.rows) == 100
        assert all("\n" not in row.key for row in table.rows)

    def test_search_console_folder_as_zip_with_japanese_names(self, test_data_dir):
        folder = test_data_dir / "search-console" / "duo.com_en"
        names = {"Queries.csv": "クエリ.csv", "Dates.csv": "日付.csv", "Filters.csv": "フィルタ.csv"}
        data = _zip({new: (folder / old).read_bytes() for old, new in names.items()}, cp932_names=True)
        parsed = trend_file_parse(data, file_name="duo.com-Performance-on-Search.zip")
        assert sorted(table.table for table in parsed.search_tables) == ["date", "query"]
        assert parsed.ignored_tables == ["duo.com-Performance-on-Search.zip/フィルタ.csv"]

    def test_trends_exports_english_and_japanese(self, test_data_dir):
        exports = sorted((test_data_dir / "google-trends").rglob("*.csv"))
        keywords = set()
        for path in exports:
            for item in trend_file_parse(path.read_bytes(), file_name=path.name).series:
                keywords.add(item.keyword)
        assert {"習慣化", "mental health", "カップケーキ", "Yoda"} <= keywords

    def test_page_view_csv(self, test_data_dir):
        path = test_data_dir / "wikipedia-pageviews" / "example_wp_log_peyton_manning.csv"
        [series] = trend_file_parse(path.read_bytes(), file_name=path.name).series
        assert series.frequency == "D"
        assert len(series.points) == 2905
        assert series.keyword == "example_wp_log_peyton_manning"

    @pytest.mark.django_db
    def test_japanese_trends_export_imported_twice(self, test_data_dir, site):
        path = test_data_dir / "google-trends" / "exports" / "masarusyogouki__habit_datascience" / "習慣化.csv"
        first = trends_import_file(site=site, data=path.read_bytes(), file_name=path.name)
        second = trends_import_file(site=site, data=path.read_bytes(), file_name=path.name)
        assert first.created > 250
        assert second.created == 0
        assert second.rescaled == {}


@pytest.mark.django_db
class ImportTrendsCommandTests:
    def test_command_imports_every_format(self, site, tmp_path):
        from django.core.management import call_command

        (tmp_path / "related.csv").write_bytes(RELATED_JA.encode("cp932"))
        (tmp_path / "export.zip").write_bytes(_zip({"Dates.csv": DATES_EN.encode()}))
        (tmp_path / "series.csv").write_bytes(GENERIC.encode("utf-8-sig"))
        output = io.StringIO()
        call_command(
            "import_trends",
            str(tmp_path / "related.csv"),
            str(tmp_path / "export.zip"),
            str(tmp_path / "series.csv"),
            site=site.slug,
            seed="花粉症",
            stdout=output,
        )
        assert "4 related queries" in output.getvalue()
        assert RelatedQuery.objects.filter(seed="花粉症").count() == 4
        assert SearchDailyStat.objects.count() == 2
        assert set(Keyword.objects.values_list("text", flat=True)) == {"sunscreen", "umbrella"}
