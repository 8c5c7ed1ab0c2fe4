"""The import_articles command with files, a WordPress export, a web page and a sitemap."""
from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from seoassist.corpus.models import Article

pytestmark = pytest.mark.django_db
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_articles", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


class ImportArticlesCommandTests:
    def test_wordpress_export_without_xml_extension(self, site, test_data_dir: Path, tmp_path: Path):
        path = tmp_path / "export.wordpress"
        shutil.copy(test_data_dir / "wordpress-wxr" / "theme-preview.xml", path)
        out, _err = _run(str(path), "--site", site.slug, "--wxr")
        assert out.startswith("7 articles added")
        assert Article.objects.filter(site=site).count() == 7

    def test_url_option_imports_one_page(self, site, local_site, test_data_dir: Path):
        page = test_data_dir / "readability-test-pages" / "test-pages" / "ars-1" / "source.html"
        local_site.add("/ars", page.read_bytes())
        out, _err = _run("--url", local_site.url("/ars"), "--site", site.slug)
        assert out.startswith("1 articles added")

    def test_sitemap_option_reports_failures(self, site, local_site, english_messages):
        local_site.add("/sitemap.xml", f'<urlset xmlns="{SITEMAP_NS}"><url><loc>'
                       f'{local_site.url("/gone")}</loc></url></urlset>', content_type="text/xml")
        out, err = _run("--sitemap", local_site.url("/sitemap.xml"), "--site", site.slug)
        assert "1 failed" in out
        assert "HTTP status 404" in err

    def test_private_address_is_rejected(self, site):
        with pytest.raises(CommandError, match="private address"):
            _run("--url", "http://192.168.1.20/", "--site", site.slug)

    def test_two_sources_are_rejected(self, site, tmp_path: Path):
        with pytest.raises(CommandError, match="exactly one"):
            _run(str(tmp_path), "--url", "https://example.com/", "--site", site.slug)
