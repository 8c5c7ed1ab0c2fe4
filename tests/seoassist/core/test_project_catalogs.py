"""The project's own catalogs in seoassist/locale: complete, and compiled from the committed .po files."""
import gettext
from pathlib import Path

import pytest

from seoassist.core.catalogs import read_catalog, report_catalog

LOCALE_DIR = Path(__file__).resolve().parents[3] / "seoassist" / "locale"


def _paths(language: str) -> tuple[Path, Path]:
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    return po_path, po_path.with_suffix(".mo")


class ProjectCatalogTests:
    def test_japanese_catalog_is_complete(self):
        report = report_catalog(_paths("ja")[0])

        assert report.untranslated == []
        assert report.fuzzy == []

    @pytest.mark.parametrize("language", ["ja", "en"])
    def test_compiled_catalog_matches_po(self, language):
        po_path, mo_path = _paths(language)
        with mo_path.open("rb") as mo_file:
            compiled = gettext.GNUTranslations(mo_file)._catalog

        for entry in read_catalog(po_path):
            if entry.is_header or entry.obsolete or "fuzzy" in entry.flags:
                continue
            for index, msgstr in enumerate(entry.msgstrs):
                if msgstr:
                    key = entry.compiled_key(index)
                    assert compiled.get(key) == msgstr, f"{key!r}: run `make messages`"
