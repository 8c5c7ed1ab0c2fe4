"""The article admin's action that extracts stored keywords again."""
import pytest
from django.urls import reverse

from seoassist.corpus.models import Article
from seoassist.corpus.services import article_keywords_recalculate

pytestmark = pytest.mark.django_db


def _article(site, title, body, keywords):
    return Article.objects.create(
        site=site, title=title, body=body, language="en", keywords=keywords, content_hash=title
    )


class ArticleKeywordsRecalculateTests:
    def test_stale_keywords_replaced(self, site):
        article = _article(site, "Raking autumn leaves", "## Composting leaves\nText.", ["autumn leave"])
        before = article.updated_at

        changed = article_keywords_recalculate(articles=Article.objects.filter(pk=article.pk))

        article.refresh_from_db()
        assert changed == 1
        assert "raking autumn leaf" in article.keywords
        assert not any("leave" in keyword for keyword in article.keywords)
        assert article.updated_at > before

    def test_current_keywords_left_alone(self, site):
        article = _article(site, "Raking autumn leaves", "Text.", [])
        article_keywords_recalculate(articles=[article])
        stored = Article.objects.get(pk=article.pk)

        assert article_keywords_recalculate(articles=[stored]) == 0

    def test_admin_action_reports_counts(self, superuser_client, site):
        stale = _article(site, "Raking autumn leaves", "Text.", ["autumn leave"])
        _article(site, "Tax return", "Text.", [])
        article_keywords_recalculate(articles=Article.objects.filter(title="Tax return"))

        response = superuser_client.post(
            reverse("admin:corpus_article_changelist"),
            {"action": "recalculate_keywords", "_selected_action": list(Article.objects.values_list("pk", flat=True))},
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )

        assert "Keywords recalculated for 2 articles: 1 changed." in response.content.decode()
        stale.refresh_from_db()
        assert not any("leave" in keyword for keyword in stale.keywords)
