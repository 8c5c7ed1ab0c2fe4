"""The Japanese catalog of django-celery-beat that seoassist keeps in seoassist/locale_thirdparty.

The admin pages' expected strings are written out rather than looked up in the catalog, so
that a missing, shadowed or stale catalog fails here.
"""
import gettext
import shutil
from pathlib import Path

import django
import pytest
from django.apps import apps
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import translation

from seoassist.core.catalogs import (
    CatalogEntry,
    read_catalog,
    refresh_thirdparty_catalog,
    report_catalog,
    thirdparty_catalog_path,
)
from tests.conftest import IN_CI

APP_LABEL = "django_celery_beat"


def _messages() -> list[CatalogEntry]:
    entries = read_catalog(thirdparty_catalog_path(APP_LABEL, "ja"))
    return [entry for entry in entries if not entry.is_header]


class CeleryBeatCatalogTests:
    def test_catalog_is_complete(self):
        report = report_catalog(thirdparty_catalog_path(APP_LABEL, "ja"))

        assert report.entry_count >= 100
        assert report.untranslated == []
        assert report.fuzzy == []

    def test_catalog_has_no_obsolete_entries(self):
        entries = read_catalog(thirdparty_catalog_path(APP_LABEL, "ja"))

        assert [entry.msgid for entry in entries if entry.obsolete] == []

    def test_compiled_catalog_matches_po(self):
        """The committed .mo file is compiled from the committed .po file."""
        mo_path = thirdparty_catalog_path(APP_LABEL, "ja").with_suffix(".mo")
        with mo_path.open("rb") as mo_file:
            compiled = gettext.GNUTranslations(mo_file)._catalog

        for entry in _messages():
            for index, msgstr in enumerate(entry.msgstrs):
                key = entry.compiled_key(index)
                assert compiled.get(key) == msgstr, f"{key!r}: run `make thirdparty-messages`"

    def test_django_serves_every_translation(self):
        """Django loads the catalog from LOCALE_PATHS, and no other catalog shadows an entry."""
        with translation.override("ja"):
            for entry in _messages():
                if entry.msgid_plural is not None:
                    served = translation.ngettext(entry.msgid, entry.msgid_plural, 2)
                elif entry.msgctxt is not None:
                    served = translation.pgettext(entry.msgctxt, entry.msgid)
                else:
                    served = translation.gettext(entry.msgid)
                assert served == entry.msgstrs[0], entry.msgid

    def test_shared_msgids_keep_django_translations(self):
        """LOCALE_PATHS overrides Django's and the apps' catalogs, so a shared msgid must agree."""
        locale_dirs = [Path(django.__file__).parent / "conf" / "locale"] + [
            Path(app_config.path) / "locale" for app_config in apps.get_app_configs()
        ]
        ours = {entry.compiled_key(): entry.msgstrs[0] for entry in _messages()}
        compared = 0
        for locale_dir in locale_dirs:
            mo_path = locale_dir / "ja" / "LC_MESSAGES" / "django.mo"
            if not mo_path.exists():
                continue
            with mo_path.open("rb") as mo_file:
                theirs = gettext.GNUTranslations(mo_file)._catalog
            for key, msgstr in ours.items():
                if key in theirs:
                    compared += 1
                    assert msgstr == theirs[key], f"{key!r} differs from {mo_path}"

        # "Home" (admin) and "Enabled" (auth) are shared with django-celery-beat 2.9.0.
        assert compared >= 2

    def test_run_message_drops_english_plural_endings(self):
        """The run action's message takes English endings that the Japanese text leaves out."""
        with translation.override("ja"):
            for count in (1, 3):
                message = translation.gettext("{0} task{1} {2} successfully run").format(
                    count, pluralize(count), pluralize(count, translation.gettext("was,were"))
                )
                assert message == f"{count} 件のタスクを実行しました。"

    def test_catalog_covers_installed_package(self, tmp_path):
        """Refreshing from the installed package adds no msgid and leaves nothing to translate."""
        tools = ("xgettext", "msguniq", "msgmerge", "msgattrib", "msgfmt")
        missing_tools = [tool for tool in tools if not shutil.which(tool)]
        if missing_tools:
            message = f"The GNU gettext tools are missing: {', '.join(missing_tools)}"
            if IN_CI:
                pytest.fail(message)
            pytest.skip(message)
        committed = thirdparty_catalog_path(APP_LABEL, "ja")
        copy = tmp_path / "ja" / "LC_MESSAGES" / "django.po"
        copy.parent.mkdir(parents=True)
        shutil.copyfile(committed, copy)

        [report] = refresh_thirdparty_catalog(APP_LABEL, locale_dir=tmp_path, languages=["ja"])

        refreshed_msgids = {entry.msgid for entry in read_catalog(copy)}
        committed_msgids = {entry.msgid for entry in read_catalog(committed)}
        hint = "run `make thirdparty-messages` and translate what it lists"
        assert refreshed_msgids - committed_msgids == set(), hint
        assert committed_msgids - refreshed_msgids == set(), hint
        assert report.untranslated == [], hint
        assert report.fuzzy == [], hint


@pytest.fixture
def admin_client_ja(client, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", password="root-pass-123")
    client.force_login(superuser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
    return client


@pytest.fixture
def five_minute_task(db):
    from django_celery_beat.models import MINUTES, IntervalSchedule, PeriodicTask

    interval = IntervalSchedule.objects.create(every=5, period=MINUTES)
    return PeriodicTask.objects.create(
        name="Keyword interest refresh", task="seoassist.trends.tasks.refresh", interval=interval,
        enabled=False,
    )


@pytest.mark.django_db
class CeleryBeatAdminJapaneseTests:
    def _page(self, client, url_name: str, *args) -> str:
        response = client.get(reverse(f"admin:{url_name}", args=args))
        assert response.status_code == 200, url_name
        return response.content.decode()

    def test_periodic_task_changelist(self, admin_client_ja, five_minute_task):
        html = self._page(admin_client_ja, "django_celery_beat_periodictask_changelist")

        for expected in [
            "変更する 定期タスク を選択",
            "選択されたタスクを有効化",
            "選択されたタスクを無効化",
            "選択されたタスクの有効/無効を切り替え",
            "選択されたタスクを実行",
            "名前",
            "開始日時",
            "最終実行日時",
            "1 回限りのタスク",
            "5分ごと",
        ]:
            assert expected in html, expected
        for english in [
            "Periodic Tasks", "Enable selected tasks", "Run selected tasks", "every 5 minutes",
        ]:
            assert english not in html, english

    def test_periodic_task_add_page(self, admin_client_ja):
        html = self._page(admin_client_ja, "django_celery_beat_periodictask_add")

        for expected in [
            "定期タスク を追加",
            "タスク（登録済み）",
            "タスク（手入力）",
            "スケジュール",
            "引数",
            "実行オプション",
            "間隔スケジュール",
            "crontab スケジュール",
            "太陽イベントスケジュール",
            "日時指定スケジュール",
            "位置引数",
            "キーワード引数",
            "有効期限（日時）",
            "有効期限（秒数）",
            "優先度",
            "この定期タスクの詳しい説明です。",
        ]:
            assert expected in html, expected
        for english in [
            "Task (registered)", "Execution Options", "Positional Arguments", "Description",
        ]:
            assert english not in html, english

    def test_interval_schedule_changelist(self, admin_client_ja, five_minute_task):
        from django_celery_beat.models import DAYS, IntervalSchedule

        IntervalSchedule.objects.create(every=1, period=DAYS)

        html = self._page(admin_client_ja, "django_celery_beat_intervalschedule_changelist")

        assert "変更する 間隔 を選択" in html
        assert "5分ごと" in html
        assert "毎日" in html
        assert "every day" not in html

    def test_interval_schedule_add_page(self, admin_client_ja):
        html = self._page(admin_client_ja, "django_celery_beat_intervalschedule_add")

        for expected in [
            "間隔 を追加",
            "間隔（数値）",
            "間隔（単位）",
            "タスクを実行する間隔の単位です（例: 日）。",
            '<option value="days">日</option>',
            '<option value="hours">時間</option>',
            '<option value="minutes">分</option>',
            '<option value="seconds">秒</option>',
            '<option value="microseconds">マイクロ秒</option>',
        ]:
            assert expected in html, expected
        for english in ["Number of Periods", "Interval Period", ">Minutes<"]:
            assert english not in html, english

    def test_solar_schedule_add_page(self, admin_client_ja):
        html = self._page(admin_client_ja, "django_celery_beat_solarschedule_add")

        for expected in ["太陽イベント を追加", "緯度", "経度", "日の出", "日の入り", "南中"]:
            assert expected in html, expected
        assert "Sunrise" not in html

    def test_enable_action_message(self, admin_client_ja, five_minute_task):
        response = admin_client_ja.post(
            reverse("admin:django_celery_beat_periodictask_changelist"),
            {"action": "enable_tasks", "_selected_action": [five_minute_task.pk]},
            follow=True,
        )

        assert response.status_code == 200
        assert "1 件のタスクを有効にしました。" in response.content.decode()
        five_minute_task.refresh_from_db()
        assert five_minute_task.enabled
