"""Which scorer wrote a draft, as stored with the draft and shown to editors."""
import pytest
from django.urls import reverse

from seoassist.drafting.models import Draft
from seoassist.drafting.services import _served_by
from seoassist.engine.labels import language_model_notes
from seoassist.engine.models import ModelKind, ModelVersion

pytestmark = pytest.mark.django_db

MIXED_METRICS = {
    "cell": "gru",
    "val_perplexity": 80.0,
    "ngram_perplexity": 90.0,
    "mixture_bits_per_char": 3.81,
    "mixture_ngram_bits_per_char": 4.11,
    "mixture_beats_both": True,
}


def _version(site, *, is_active: bool, metrics: dict) -> ModelVersion:
    return ModelVersion.objects.create(
        site=site, kind=ModelKind.LANGUAGE_MODEL, number=1, artifact_prefix="x",
        is_active=is_active, beats_baseline=is_active, metrics=metrics,
    )


class ServedByTests:
    def test_inactive_version_serves_ngram(self, site):
        assert _served_by(_version(site, is_active=False, metrics=MIXED_METRICS)) == "ngram_baseline"

    def test_active_version_names_its_cell(self, site):
        metrics = {**MIXED_METRICS, "mixture_beats_both": False}
        assert _served_by(_version(site, is_active=True, metrics=metrics)) == "gru"

    def test_mixture_that_beat_both_is_named(self, site):
        version = _version(site, is_active=True, metrics=MIXED_METRICS)
        assert version.serves_mixture
        assert _served_by(version) == "gru+ngram"


class ServedByDisplayTests:
    @pytest.mark.parametrize(
        ("served_by", "expected"),
        [
            ("ngram_baseline", "written by the n-gram baseline of v3"),
            ("gru", "written by the GRU language model v3"),
            ("lstm+ngram", "written by the LSTM language model mixed with its n-gram, v3"),
            ("gru+ngram", "written by the GRU language model mixed with its n-gram, v3"),
        ],
    )
    def test_editor_names_scorer(self, client, site, editor_user, english_messages, served_by, expected):
        draft = Draft.objects.create(
            site=site, owner=editor_user, language="ja", keywords=["花粉症"], title="花粉症の対策",
            body="本文です。", generation={"served_by": served_by, "model_version": 3},
        )
        client.force_login(editor_user)
        response = client.get(reverse("drafting:draft_edit", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="en")
        assert expected in response.content.decode()

    def test_models_page_note_shows_mixture(self, site, english_messages):
        metrics = {**MIXED_METRICS, "mixture_lstm_bits_per_char": 3.95}
        version = _version(site, is_active=True, metrics=metrics)
        texts = [note.text for note in language_model_notes(version, writes_drafts=True)]
        assert (
            "Mixed with the n-gram: 3.81 bits per character "
            "(GRU 3.95, n-gram 4.11 on the second half of the held-out articles)."
        ) in texts
