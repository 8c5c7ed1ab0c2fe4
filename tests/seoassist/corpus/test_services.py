import json

import pytest

from seoassist.core.exceptions import ImportFileError
from seoassist.corpus.models import Article
from seoassist.corpus.services import articles_import_path

pytestmark = [pytest.mark.django_db, pytest.mark.services]


def _write_jsonl(path, rows) -> None:
    path.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")


class ArticlesImportPathTests:
    def test_same_file_twice_adds_nothing_twice(self, site, tmp_path):
        path = tmp_path / "articles.jsonl"
        _write_jsonl(
            path,
            [
                {"title": "花粉症の季節", "body": "## 対策\n\n花粉症の対策を紹介します。", "category": "健康"},
                {"title": "Hay fever tips", "body": "Hay fever is common in spring.", "url": "https://example.com/a"},
            ],
        )
        first = articles_import_path(site=site, path=path)
        second = articles_import_path(site=site, path=path)
        assert first.created == 2
        assert second.created == 0
        assert second.skipped == 2
        assert Article.objects.filter(site=site).count() == 2

    def test_languages_and_keywords_are_set(self, site, tmp_path):
        path = tmp_path / "articles.jsonl"
        _write_jsonl(
            path,
            [
                {"title": "花粉症の季節", "body": "## 花粉症の対策\n\n花粉症の対策を紹介します。"},
                {"title": "Hay fever tips", "body": "## Hay fever remedies\n\nHay fever is common."},
            ],
        )
        articles_import_path(site=site, path=path)
        japanese = Article.objects.get(title="花粉症の季節")
        english = Article.objects.get(title="Hay fever tips")
        assert japanese.language == "ja"
        assert english.language == "en"
        assert any("花粉症" in keyword for keyword in japanese.keywords)
        assert english.keywords

    def test_unreadable_file_names_file(self, site, tmp_path):
        path = tmp_path / "broken.csv"
        path.write_text("name;text\nx;y\n", encoding="utf-8")
        with pytest.raises(ImportFileError) as caught:
            articles_import_path(site=site, path=path)
        assert "broken.csv" in caught.value.message
        assert Article.objects.count() == 0
