"""Ranking of generated title and meta description candidates, and the draft the service saves."""
from types import SimpleNamespace

import pytest
from django.urls import reverse

from lstm_engine.drafting import DraftSection, GeneratedDraft, TextCandidate
from seoassist.drafting.ranking import (
    LIKELIHOOD_POINTS,
    meta_description_candidates_rank,
    title_candidates_rank,
)

# 21 full-width characters are 420 px at the 20 px title font, inside 300-600 px.
GOOD_JA_TITLE = "花粉症対策の基本と今日からできる工夫まとめ"
# Keyphrase in the middle, and 33 full-width characters are 660 px, over 600 px.
BAD_JA_TITLE = "今年の春に知っておきたい花粉症対策と病院の選び方と薬の飲み方まとめ"
GOOD_EN_TITLE = "Hay fever tips: how to get through the pollen season"
BAD_EN_TITLE = "Spring is here"
JA_META = "花粉症対策" + "の基本を分かりやすく紹介します。" * 4  # 69 characters
SHORT_JA_META = "花粉症対策の基本です。"


class TitleRankingTests:
    def test_passing_title_beats_likelier_failing_one(self):
        ranked = title_candidates_rank(
            candidates=[(BAD_JA_TITLE, -1.0), (GOOD_JA_TITLE, -3.0)], keyphrase="花粉症対策", language="ja"
        )
        assert [candidate.text for candidate in ranked] == [GOOD_JA_TITLE, BAD_JA_TITLE]
        assert ranked[0].checks == {"keyphrase_in_title": "good", "title_width": "good"}
        assert ranked[1].checks == {"keyphrase_in_title": "improve", "title_width": "improve"}

    def test_english_title_checks(self):
        ranked = title_candidates_rank(
            candidates=[(BAD_EN_TITLE, -0.5), (GOOD_EN_TITLE, -2.5), ("Hay fever", -1.0)],
            keyphrase="hay fever",
            language="en",
        )
        assert ranked[0].text == GOOD_EN_TITLE
        assert ranked[-1].text == BAD_EN_TITLE
        assert ranked[-1].checks["keyphrase_in_title"] == "problem"

    def test_likelihood_orders_equal_checks(self):
        ranked = title_candidates_rank(
            candidates=[(GOOD_JA_TITLE, -3.0), (GOOD_JA_TITLE + "入門", -1.5)], keyphrase="花粉症対策", language="ja"
        )
        assert [candidate.likelihood_rank for candidate in ranked] == [1, 2]
        assert ranked[0].score == ranked[1].score + LIKELIHOOD_POINTS

    def test_width_is_in_pixels(self):
        (candidate,) = title_candidates_rank(
            candidates=[(GOOD_JA_TITLE, -1.0)], keyphrase="花粉症対策", language="ja"
        )
        assert candidate.measure == 20 * len(GOOD_JA_TITLE)
        assert candidate.likelihood_rank == 1

    def test_unknown_likelihood_is_ranked_by_checks(self):
        ranked = title_candidates_rank(
            candidates=[(BAD_JA_TITLE, None), (GOOD_JA_TITLE, None)], keyphrase="花粉症対策", language="ja"
        )
        assert ranked[0].text == GOOD_JA_TITLE
        assert ranked[0].likelihood_rank is None

    def test_stored_form_is_json(self):
        (candidate,) = title_candidates_rank(candidates=[(GOOD_JA_TITLE, -1.0)], keyphrase="花粉症対策", language="ja")
        assert candidate.as_dict() == {
            "text": GOOD_JA_TITLE,
            "log_likelihood": -1.0,
            "likelihood_rank": 1,
            "checks": {"keyphrase_in_title": "good", "title_width": "good"},
            "measure": 420,
            "score": 18.0,
        }


class MetaDescriptionRankingTests:
    def test_length_within_limit_wins(self):
        ranked = meta_description_candidates_rank(
            candidates=[(SHORT_JA_META, -1.0), (JA_META, -2.0)], keyphrase="花粉症対策", language="ja"
        )
        assert ranked[0].text == JA_META
        assert ranked[0].checks["meta_description_length"] == "good"
        assert ranked[0].measure == len(JA_META)
        assert ranked[1].checks["meta_description_length"] == "improve"


def _generated(titles, metas):
    return GeneratedDraft(
        title=titles[0][0],
        title_candidates=[text for text, _ in titles],
        meta_description=metas[0][0],
        sections=[DraftSection(heading="", paragraphs=["花粉症対策は早めに始めます。"])],
        log_likelihood=-2.0,
        scored_titles=[TextCandidate(text, value) for text, value in titles],
        scored_meta_descriptions=[TextCandidate(text, value) for text, value in metas],
    )


class DraftFromRankedCandidatesTests:
    @pytest.fixture
    def executed(self, monkeypatch, site, editor_user):
        from seoassist.drafting import services
        from seoassist.drafting.models import KeywordRequest

        keyword_request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["花粉症対策"], language="ja", target_length=300,
        )
        version = SimpleNamespace(number=3, pk=None, metrics={"cell": "lstm"}, is_active=True, serves_mixture=False)
        monkeypatch.setattr("seoassist.engine.services.language_model_for_site", lambda site: (version, object()))
        monkeypatch.setattr(services, "_first_forecaster_pending", lambda site: False)
        monkeypatch.setattr("seoassist.trends.services.keyword_forecast_compute", lambda **kwargs: _forecast())
        monkeypatch.setattr(
            "seoassist.drafting.related.related_keywords_rank_with_source", lambda **kwargs: ([], "no_model")
        )
        generated = _generated(
            [(BAD_JA_TITLE, -1.0), (GOOD_JA_TITLE, -3.0)], [(SHORT_JA_META, -1.0), (JA_META, -2.0)]
        )
        monkeypatch.setattr(services, "_generate", lambda model, request, related: generated)
        return services.keyword_request_execute(request_id=keyword_request.pk)

    def test_best_ranked_title_and_meta_saved(self, executed):
        draft = executed.draft
        assert draft.title == GOOD_JA_TITLE
        assert draft.title_candidates == [GOOD_JA_TITLE, BAD_JA_TITLE]
        assert draft.meta_description == JA_META

    def test_generated_note_reads_in_each_language(self, executed):
        from django.utils import translation

        from seoassist.drafting.models import RevisionNote

        # The request's messages are in Japanese, the default interface language.
        assert executed.ui_language == "ja"
        first = executed.draft.revisions.get(number=1)
        assert first.note_code == RevisionNote.GENERATED
        with translation.override("en"):
            assert first.note_text == "Generated"
        with translation.override("ja"):
            assert first.note_text == translation.gettext("Generated")
            assert first.note_text != "Generated"

    def test_scores_kept_with_draft(self, executed):
        generation = executed.draft.generation
        titles = generation["title_ranking"]
        assert [item["text"] for item in titles] == [GOOD_JA_TITLE, BAD_JA_TITLE]
        assert titles[0]["checks"] == {"keyphrase_in_title": "good", "title_width": "good"}
        assert titles[0]["likelihood_rank"] == 2
        assert titles[1]["measure"] == 20 * len(BAD_JA_TITLE)
        assert generation["meta_description_ranking"][0]["text"] == JA_META


def _forecast():
    return {
        "keyword": "花粉症対策", "method": "none", "direction": "unknown", "change_percent": None,
        "history": [], "points": [], "backtest": {}, "note": "",
    }


class EditorCandidateListTests:
    def test_draft_without_stored_ranking_lists_checks(self, client, editor_user, english_draft):
        # The draft's keyphrase is "pollen allergy".
        good_title = "Pollen allergy tips for a calmer spring at home"
        english_draft.title_candidates = ["Spring is here", good_title]
        english_draft.save()
        client.force_login(editor_user)
        html = client.get(
            reverse("drafting:draft_edit", args=[english_draft.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        assert 'id="title-candidates"' in html
        assert "title-candidates.js" in html
        # Ranked by their checks alone: the title that starts with the keyphrase first.
        assert html.index(f'data-title="{good_title}"') < html.index('data-title="Spring is here"')
        assert "Keyphrase at the start" in html

    def test_draft_without_candidates_lists_none(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        html = client.get(reverse("drafting:draft_edit", args=[english_draft.pk])).content.decode()
        assert 'id="title-candidates"' not in html


class BodyAfterRankedTitleTests:
    def test_service_chooses_title_by_checks(self, site, editor_user, monkeypatch):
        from seoassist.drafting import services
        from seoassist.drafting.models import KeywordRequest

        captured = {}

        def fake_generate_draft(model, spec, *, choose_title=None):
            captured["choice"] = choose_title(
                [TextCandidate(BAD_JA_TITLE, -1.0), TextCandidate(GOOD_JA_TITLE, -3.0)]
            )
            return "generated"

        monkeypatch.setattr("lstm_engine.generate_draft", fake_generate_draft)
        request = KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["花粉症対策"], language="ja", target_length=800
        )
        assert services._generate(object(), request, []) == "generated"
        assert captured["choice"] == 1
