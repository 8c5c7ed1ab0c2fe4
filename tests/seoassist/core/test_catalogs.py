"""Reading .po files and updating the third-party catalogs."""
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from seoassist.core.catalogs import parse_catalog, read_catalog, report_catalog
from tests.conftest import IN_CI

CATALOG_TEXT = r'''# A translator comment.
msgid ""
msgstr ""
"Project-Id-Version: example 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"

#: app.py:1
msgid "Name"
msgstr "名前"

#: app.py:2
#, fuzzy, python-format
#| msgid "Old %s"
msgid "New %s"
msgstr "古い %s"

msgctxt "month"
msgid "May"
msgstr ""

#, python-brace-format
msgid "{0} task"
msgid_plural "{0} tasks"
msgstr[0] "{0} 件のタスク"
msgstr[1] ""

msgid ""
"A long message with \"quotes\" and a\n"
"line break."
msgstr ""
"引用符 \"quotes\" と\n"
"改行。"

#~ msgid "Gone"
#~ msgstr "削除済み"
'''


def _require_gettext_tools() -> None:
    tools = ("xgettext", "msguniq", "msgmerge", "msginit", "msgattrib", "msgfmt")
    missing = [tool for tool in tools if not shutil.which(tool)]
    if missing:
        message = f"The GNU gettext tools are missing: {', '.join(missing)}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


class CatalogParserTests:
    def test_entries_and_fields(self):
        header, name, fuzzy_entry, month, plural, long_message, obsolete_entry = parse_catalog(
            CATALOG_TEXT, source="example.po"
        )

        assert header.is_header
        assert "Project-Id-Version: example 1.0\n" in header.msgstrs[0]
        assert (name.msgid, name.msgstrs) == ("Name", ["名前"])
        assert fuzzy_entry.flags == {"fuzzy", "python-format"}
        assert fuzzy_entry.msgid == "New %s"
        assert (month.msgctxt, month.msgid, month.msgstrs) == ("month", "May", [""])
        assert plural.msgid_plural == "{0} tasks"
        assert plural.msgstrs == ["{0} 件のタスク", ""]
        assert long_message.msgid == 'A long message with "quotes" and a\nline break.'
        assert long_message.msgstrs == ['引用符 "quotes" と\n改行。']
        assert obsolete_entry.obsolete
        assert obsolete_entry.msgid == "Gone"

    def test_report_lists_untranslated_and_fuzzy(self, tmp_path):
        path = tmp_path / "django.po"
        path.write_text(CATALOG_TEXT, encoding="utf-8")

        report = report_catalog(path)

        assert report.entry_count == 5
        assert report.untranslated == ["May", "{0} task"]
        assert report.fuzzy == ["New %s"]

    def test_string_outside_entry_is_rejected(self):
        with pytest.raises(ValueError, match="example.po:1"):
            parse_catalog('"stray"\n', source="example.po")


class UpdateThirdpartyCatalogsTests:
    def test_new_catalog_lists_every_entry(self, tmp_path, settings):
        _require_gettext_tools()
        settings.SEOASSIST_THIRDPARTY_LOCALE_DIR = tmp_path
        output = StringIO()

        with pytest.raises(CommandError, match="Translate the entries listed above"):
            call_command("update_thirdparty_catalogs", "django_celery_beat", stdout=output)

        catalog = tmp_path / "django_celery_beat" / "ja" / "LC_MESSAGES" / "django.po"
        messages = [entry for entry in read_catalog(catalog) if not entry.is_header]
        assert len(messages) >= 100
        assert all(not entry.is_translated for entry in messages)
        assert catalog.with_suffix(".mo").exists()
        assert "untranslated: 'Enable selected tasks'" in output.getvalue()
        assert '"Project-Id-Version: django-celery-beat ' in catalog.read_text(encoding="utf-8")

    def test_unknown_app_is_rejected(self, tmp_path, settings):
        settings.SEOASSIST_THIRDPARTY_LOCALE_DIR = tmp_path

        with pytest.raises(CommandError, match="No third-party catalog is kept for auth"):
            call_command("update_thirdparty_catalogs", "auth")

        assert list(Path(tmp_path).iterdir()) == []


class JapaneseCatalogStyleTests:
    def test_percent_sign_spaced(self):
        """The Japanese texts write "80 %" as the English ones do, so legends and notes agree."""
        import re

        from django.conf import settings

        path = Path(settings.BASE_DIR) / "seoassist" / "locale" / "ja" / "LC_MESSAGES" / "django.po"
        glued = [
            text
            for entry in read_catalog(path)
            if not entry.obsolete
            for text in entry.msgstrs
            if re.search(r"[0-9]%(?!\()", text)
        ]
        assert glued == []
