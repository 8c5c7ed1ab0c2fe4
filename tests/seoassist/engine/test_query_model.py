import pytest
from django.urls import reverse

from seoassist.corpus.models import Article
from seoassist.drafting.models import KeywordRequest
from seoassist.drafting.related import (
    RelatedSearch,
    related_keywords_rank,
    related_keywords_rank_with_source,
    related_searches_predict,
)
from seoassist.engine.models import ModelKind, ModelVersion
from seoassist.engine.services import (
    model_version_activate,
    query_model_for_site,
    site_query_texts,
    training_run_execute,
    training_run_start,
)
from seoassist.trends.models import Keyword, KeywordForecast

pytestmark = pytest.mark.django_db

TOPICS = ["対策", "薬", "症状", "時期", "市販薬", "目のかゆみ"]


@pytest.fixture
def pollen_site(site):
    for index, topic in enumerate(TOPICS):
        Article.objects.create(
            site=site, language="ja", title=f"花粉症 {topic}の基本",
            body=f"## 花粉症 {topic}\n\n本文です。\n\n## 花粉症 {topic}のまとめ\n\n本文です。",
            keywords=["花粉症", f"花粉症 {topic}"], content_hash=f"hash-{index}",
        )
        Keyword.objects.create(site=site, text=f"花粉症 {topic}", normalized=f"花粉症 {topic}")
    return site


def _train(site) -> ModelVersion:
    run = training_run_start(site=site, kind=ModelKind.QUERY_MODEL)
    run = training_run_execute(run_id=run.pk)
    assert run.status == "succeeded", run.error
    return run.model_version


class QueryModelTrainingTests:
    def test_texts_include_titles_headings_and_keywords(self, pollen_site):
        texts = site_query_texts(pollen_site)
        assert "花粉症 対策の基本" in texts
        assert "花粉症 対策のまとめ" in texts
        assert texts.count("花粉症 薬") >= 3

    def test_too_little_text_is_rejected(self, site, english_messages):
        from seoassist.core.exceptions import ApplicationError

        with pytest.raises(ApplicationError, match="related-search model needs at least"):
            training_run_start(site=site, kind=ModelKind.QUERY_MODEL)

    def test_run_stores_a_loadable_version(self, pollen_site):
        version = _train(pollen_site)
        assert version.kind == ModelKind.QUERY_MODEL
        assert sorted(version.artifact_files) == ["query_model.pt", "query_vocabulary.json"]
        assert version.metrics["val_loss"] > 0
        assert "bigram_perplexity" in version.metrics
        assert version.headline_metric
        model_version_activate(version=version)
        loaded = query_model_for_site(pollen_site)
        assert loaded is not None
        suggestions = loaded[1].suggest("花粉症", limit=5)
        assert suggestions
        assert all("花粉症" in s.text for s in suggestions)


class RelatedKeywordsRankTests:
    def test_without_query_model_only_cooccurrence(self, pollen_site):
        assert related_searches_predict(site=pollen_site, keywords=["花粉症"]) == []
        ranked = related_keywords_rank(site=pollen_site, keywords=["花粉症"], language="ja")
        assert "花粉症" not in ranked
        _ranked, source = related_keywords_rank_with_source(
            site=pollen_site, keywords=["花粉症"], language="ja"
        )
        assert source == "no_model"

    def test_source_names_passing_predictions(self, pollen_site, monkeypatch):
        monkeypatch.setattr(
            "seoassist.drafting.related.related_searches_predict",
            lambda *, site, keywords: [RelatedSearch(text="花粉症 薬", likelihood=0.5, demand=None, direction="")],
        )
        ranked, source = related_keywords_rank_with_source(
            site=pollen_site, keywords=["花粉症"], language="ja"
        )
        assert "花粉症 薬" in ranked
        assert source == "model"

    def test_source_names_rejected_predictions(self, pollen_site, monkeypatch):
        monkeypatch.setattr(
            "seoassist.drafting.related.related_searches_predict",
            lambda *, site, keywords: [RelatedSearch(text="花粉症 and", likelihood=0.5, demand=None, direction="")],
        )
        _ranked, source = related_keywords_rank_with_source(
            site=pollen_site, keywords=["花粉症"], language="ja"
        )
        assert source == "articles"

    def test_active_model_merges_and_weighs_demand(self, pollen_site):
        model_version_activate(version=_train(pollen_site))
        searches = related_searches_predict(site=pollen_site, keywords=["花粉症"])
        assert searches
        assert all("花粉症" in item.text for item in searches)
        ranked = related_keywords_rank(site=pollen_site, keywords=["花粉症"], language="ja")
        assert len(ranked) == len(set(ranked))
        assert "花粉症" not in ranked
        assert {s.text for s in searches[:3]} & set(ranked)

        # Forecast demand lifts a suggestion the site tracks.
        last = searches[-1]
        keyword, _ = Keyword.objects.get_or_create(
            site=pollen_site, normalized=last.text, defaults={"text": last.text}
        )
        KeywordForecast.objects.update_or_create(
            keyword=keyword,
            defaults={"method": "naive", "direction": "rising", "change_percent": 40.0,
                      "points": [{"date": "2026-01-05", "p10": 90, "p50": 100, "p90": 100}]},
        )
        lifted = {s.text: s for s in related_searches_predict(site=pollen_site, keywords=["花粉症"])}
        assert lifted[last.text].demand == 100
        assert lifted[last.text].direction == "rising"
        assert lifted[last.text].rank_score == pytest.approx(2 * lifted[last.text].likelihood)

    def test_rank_score_without_demand_is_likelihood(self):
        assert RelatedSearch("a", 0.4, None, "").rank_score == 0.4
        assert RelatedSearch("a", 0.4, 50.0, "rising").rank_score == pytest.approx(0.6)


class RequestPageRelatedTests:
    def test_related_keyword_links_prefill_a_new_request(self, client, editor_user, pollen_site):
        site = pollen_site
        Article.objects.create(
            site=site, language="ja", title="東京の花粉症", body="東京の花粉症の時期です。",
            content_hash="hash-tokyo",
        )
        keyword_request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["花粉症"], language="ja",
            target_length=1500, related_keywords=["花粉症 対策", "東京 花粉症", "christma dinner"],
        )
        client.force_login(editor_user)
        page = client.get(reverse("drafting:request_detail", args=[keyword_request.pk])).content.decode()
        assert "東京 花粉症" in page
        # A stored keyword that the quality rules now reject is not shown.
        assert "christma dinner" not in page
        link = reverse("drafting:request_create") + "?keywords=%E8%8A%B1%E7%B2%89%E7%97%87%2C+"
        assert link in page
        form = client.get(reverse("drafting:request_create"), {"keywords": "花粉症, 東京 花粉症"})
        assert 'value="花粉症, 東京 花粉症"' in form.content.decode()


class RelatedKeywordCaptionTests:
    ARTICLES_ONLY = "so the suggestions come from the articles alone"
    WITH_MODEL = "related-search model predicts around these keywords"
    REJECTED = "No prediction of a related-search model passed"
    NO_MODEL = "had no related-search model ready"
    UNKNOWN = "if it had one then"

    def _page(self, client, editor_user, site, related_source):
        keyword_request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["花粉症"], language="ja",
            target_length=1500, related_keywords=["花粉症 対策"], related_source=related_source,
        )
        client.force_login(editor_user)
        return client.get(
            reverse("drafting:request_detail", args=[keyword_request.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()

    def test_rejected_predictions_name_the_articles(self, client, editor_user, pollen_site):
        page = self._page(client, editor_user, pollen_site, "articles")
        assert "花粉症 対策" in page
        assert self.REJECTED in page
        assert self.WITH_MODEL not in page

    def test_missing_model_is_named(self, client, editor_user, pollen_site):
        page = self._page(client, editor_user, pollen_site, "no_model")
        assert self.NO_MODEL in page
        assert self.REJECTED not in page

    def test_caption_follows_the_request(self, client, editor_user, pollen_site):
        # A model activated after the request was drafted does not change where its
        # suggestions came from.
        ModelVersion.objects.create(
            site=pollen_site, kind=ModelKind.QUERY_MODEL, number=1, is_active=True, artifact_prefix="q1"
        )
        page = self._page(client, editor_user, pollen_site, "no_model")
        assert self.ARTICLES_ONLY in page
        assert self.WITH_MODEL not in page

    def test_model_suggestions_name_its_predictions(self, client, editor_user, pollen_site):
        page = self._page(client, editor_user, pollen_site, "model")
        assert self.WITH_MODEL in page
        assert self.ARTICLES_ONLY not in page

    def test_older_requests_name_both_sources(self, client, editor_user, pollen_site):
        page = self._page(client, editor_user, pollen_site, "")
        assert self.UNKNOWN in page
        assert self.WITH_MODEL not in page


class RelatedKeywordLengthTests:
    def test_title_length_suggestions_are_dropped(self, pollen_site, monkeypatch):
        long_title = "花粉症対策の基本 帰宅後と室内でできる毎日の工夫"
        monkeypatch.setattr(
            "seoassist.drafting.related.related_searches_predict",
            lambda *, site, keywords: [
                RelatedSearch(text=long_title, likelihood=0.9, demand=None, direction=""),
                RelatedSearch(text="花粉症 薬", likelihood=0.5, demand=None, direction=""),
            ],
        )
        ranked = related_keywords_rank(site=pollen_site, keywords=["花粉症"], language="ja")
        assert long_title not in ranked
        assert "花粉症 薬" in ranked

    def test_ranked_terms_fit_a_draft_spec(self, pollen_site, monkeypatch):
        from lstm_engine import DraftSpec

        monkeypatch.setattr(
            "seoassist.drafting.related.related_searches_predict",
            lambda *, site, keywords: [
                RelatedSearch(text="花粉症" * 8, likelihood=0.9, demand=None, direction=""),
            ],
        )
        ranked = related_keywords_rank(site=pollen_site, keywords=["花粉症"], language="ja")
        DraftSpec(keywords=["花粉症"], related_keywords=ranked[:4], language="ja", target_length=800)

    def test_article_spelling_beats_case_folding(self, site, monkeypatch):
        for index in range(3):
            Article.objects.create(
                site=site, language="en", title=f"Choosing a sunscreen {index}",
                body="Check the SPF on the label.",
                keywords=["sunscreen", "SPF"], content_hash=f"spf-{index}",
            )
        monkeypatch.setattr(
            "seoassist.drafting.related.related_searches_predict",
            lambda *, site, keywords: [RelatedSearch(text="spf", likelihood=0.9, demand=None, direction="")],
        )
        ranked = related_keywords_rank(site=site, keywords=["sunscreen"], language="en")
        assert "SPF" in ranked
        assert "spf" not in ranked

    @pytest.mark.parametrize(
        ("language", "term"),
        [
            ("ja", "spf"),
            ("ja", "紅葉は光の向きで色が変わります"),
            ("ja", "防災グッズを備えましょう。"),
            ("en", "heatstroke 花粉症"),
        ],
    )
    def test_unusable_terms_are_dropped(self, pollen_site, monkeypatch, language, term):
        Article.objects.create(
            site=pollen_site, language="en", title="Hay fever tea",
            body="Hay fever tea for 花粉症 season.", content_hash="hay-fever-tea",
        )
        monkeypatch.setattr(
            "seoassist.drafting.related.related_searches_predict",
            lambda *, site, keywords: [
                RelatedSearch(text=term, likelihood=0.9, demand=None, direction=""),
                RelatedSearch(text="花粉症 薬" if language == "ja" else "hay fever tea",
                              likelihood=0.5, demand=None, direction=""),
            ],
        )
        ranked = related_keywords_rank(site=pollen_site, keywords=["花粉症"], language=language)
        assert term not in ranked
        assert ("花粉症 薬" if language == "ja" else "hay fever tea") in ranked
