"""Tests for the related keywords that come from a site's own articles."""
import pytest

from seoassist.corpus.models import Article
from seoassist.drafting.related import (
    _usable_terms,
    related_keywords_rank,
    related_keywords_suggest,
)

pytestmark = pytest.mark.django_db


def _add_articles(site, rows, *, language="en"):
    for index, (title, body, keywords) in enumerate(rows):
        Article.objects.create(
            site=site, language=language, title=title, body=body, keywords=keywords,
            content_hash=f"{title}-{index}",
        )


class ArticleTermWrittenFormTests:
    def test_folded_term_is_shown_as_written(self, site):
        _add_articles(site, [
            (f"Hiking under autumn leaves {index}", "## Trails with autumn leaves\n\nWalk slowly.",
             ["hiking", "autumn leaf"])
            for index in range(3)
        ])

        suggested = related_keywords_suggest(site=site, keywords=["hiking"], language="en")

        assert "autumn leaves" in suggested
        assert "autumn leaf" not in suggested

    def test_commonest_written_form_wins(self, site):
        _add_articles(site, [
            ("Hiking guide", "Pack knives. A knife's edge dulls. Sharpen the knives.",
             ["hiking", "knife"]),
            ("Hiking gear", "Folding knives weigh little.", ["hiking", "knife"]),
        ])

        suggested = related_keywords_suggest(site=site, keywords=["hiking"], language="en")

        assert "knives" in suggested

    def test_folded_term_found_as_written_stays(self, site):
        _add_articles(site, [
            (f"Hiking under autumn leaves {index}", "Each autumn leaf turns red.",
             ["hiking", "autumn leaf"])
            for index in range(3)
        ])

        suggested = related_keywords_suggest(site=site, keywords=["hiking"], language="en")

        assert "autumn leaf" in suggested
        assert "autumn leaves" not in suggested

    def test_unwritten_term_keeps_stored_form(self, site):
        _add_articles(site, [
            (f"Hiking basics {index}", "Start early.", ["hiking", "trail shoe"])
            for index in range(3)
        ])

        suggested = related_keywords_suggest(site=site, keywords=["hiking"], language="en")

        assert "trail shoe" in suggested

    def test_folded_seed_is_not_suggested(self, site):
        _add_articles(site, [
            (f"Raking autumn leaves {index}", "Rake autumn leaves under maple trees.",
             ["autumn leaf", "maple tree"])
            for index in range(3)
        ])

        suggested = related_keywords_rank(site=site, keywords=["autumn leaves"], language="en")

        assert suggested == ["maple trees"]

    def test_japanese_terms_are_unchanged(self, site):
        _add_articles(site, [
            (f"紅葉の名所 {index}", "紅葉を見に行きます。", ["紅葉", "紅葉 名所"])
            for index in range(3)
        ], language="ja")

        suggested = related_keywords_suggest(site=site, keywords=["紅葉"], language="ja")

        assert suggested == ["紅葉 名所"]


class WeakEnglishTermTests:
    def test_weak_words_alone_are_dropped(self):
        terms = ["getting", "Making", "using", "including", "according", "via", "tax return"]
        assert _usable_terms(terms, "en") == ["tax return"]

    def test_phrases_with_weak_words_are_kept(self):
        assert _usable_terms(["getting a refund", "using a humidifier"], "en") == [
            "getting a refund", "using a humidifier",
        ]

    def test_weak_article_keyword_is_not_suggested(self, site):
        _add_articles(site, [
            (f"Getting your tax return refund faster {index}",
             "## Getting the refund\n\nFile your tax return early for a faster refund.",
             ["tax return", "getting", "refund"])
            for index in range(3)
        ])

        suggested = related_keywords_rank(site=site, keywords=["tax return"], language="en")

        assert "refund" in suggested
        assert "getting" not in suggested


class ContainedTermTests:
    def test_contained_terms_give_way(self):
        from seoassist.drafting.related import _without_contained

        terms = ["スマホ撮影", "撮影", "hay fever bedroom", "hay fever bedroom checklist", "bedroom", "pollen"]

        remaining = _without_contained(terms, frozenset())

        assert remaining == ["スマホ撮影", "hay fever bedroom checklist", "pollen"]

    def test_known_searches_stay(self):
        from seoassist.drafting.related import _without_contained

        remaining = _without_contained(["花粉症対策の基本", "花粉症対策"], frozenset({"花粉症 対策"}))

        assert remaining == ["花粉症対策の基本", "花粉症対策"]

    def test_english_matches_whole_words(self):
        from seoassist.drafting.related import _without_contained

        assert _without_contained(["pan", "pancakes"], frozenset()) == ["pan", "pancakes"]
