import re

import pytest
from django.urls import reverse

from seoassist.engine.labels import language_model_notes
from seoassist.engine.models import ModelKind, ModelVersion, TrainingRun
from tests.seoassist.translations import japanese_catalog_with

pytestmark = pytest.mark.django_db


class TrainingStartViewTests:
    def test_editor_cannot_start_training(self, client, editor_user):
        client.force_login(editor_user)
        response = client.post(reverse("engine:training_start"), {"kind": "language_model"})
        assert response.status_code == 403
        assert TrainingRun.objects.count() == 0

    def test_admin_without_articles_sees_message(self, client, admin_user):
        client.force_login(admin_user)
        response = client.post(
            reverse("engine:training_start"),
            {"kind": "language_model"},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert "Import the site&#x27;s articles first" in response.content.decode()
        assert TrainingRun.objects.count() == 0

    def test_refusal_is_announced_as_alert(self, client, admin_user):
        client.force_login(admin_user)
        response = client.post(reverse("engine:training_start"), {"kind": "language_model"}, follow=True)
        assert re.search(r'<li class="message error" role="alert">', response.content.decode())

    def test_unfinished_run_is_announced_as_status(self, client, admin_user, site_with_articles):
        TrainingRun.objects.create(site=site_with_articles, kind="language_model", status="running")
        client.force_login(admin_user)
        response = client.post(reverse("engine:training_start"), {"kind": "language_model"}, follow=True)
        assert re.search(r'<li class="message info" role="status">', response.content.decode())

    def test_queued_notice_names_run(self, client, admin_user, site_with_articles):
        client.force_login(admin_user)
        response = client.post(
            reverse("engine:training_start"), {"kind": "language_model"}, follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
        run = TrainingRun.objects.get()
        page = response.content.decode()
        assert f"Language model #{run.pk} is queued." in page
        assert f"<strong>Language model #{run.pk}</strong>" in page


LANGUAGE_MODEL_METRICS = {
    "cell": "gru",
    "val_perplexity": 80.0,
    "val_bits_per_char": 2.41,
    "ngram_perplexity": 70.0,
    "ngram_bits_per_char": 2.30,
    "mixture_bits_per_char": 2.25,
    "mixture_lstm_bits_per_char": 2.44,
    "mixture_ngram_bits_per_char": 2.31,
    "mixture_beats_both": True,
}


def _language_model(site, *, number: int = 1, active: bool, beats: bool, **metrics) -> ModelVersion:
    return ModelVersion.objects.create(
        site=site, kind=ModelKind.LANGUAGE_MODEL, number=number, artifact_prefix="x",
        is_active=active, beats_baseline=beats, metrics={**LANGUAGE_MODEL_METRICS, **metrics},
    )


def _note_texts(version: ModelVersion, *, writes_drafts: bool) -> list[str]:
    return [note.text for note in language_model_notes(version, writes_drafts=writes_drafts)]


class LanguageModelNotesTests:
    def test_other_cell_is_compared(self, site, english_messages):
        version = _language_model(
            site, active=True, beats=True, mixture_beats_both=False,
            other_cell={"cell": "lstm", "val_bits_per_char": 2.47, "val_loss": 1.9},
        )

        texts = _note_texts(version, writes_drafts=False)

        assert texts[0] == (
            "The LSTM trained on the same articles scored 2.47 bits per character, "
            "so this version keeps the GRU."
        )

    def test_version_without_other_cell_has_no_comparison(self, site, english_messages):
        version = _language_model(site, active=True, beats=True)

        assert not any("trained on the same articles" in text for text in _note_texts(version, writes_drafts=False))

    def test_unbeaten_version_names_ngram_writer(self, site, english_messages):
        version = _language_model(site, active=False, beats=False)

        notes = language_model_notes(version, writes_drafts=True)

        assert version.headline_metric == "GRU 2.41 bits per character (n-gram baseline 2.30)"
        assert [note.text for note in notes] == [
            "The GRU does not beat the n-gram baseline, so this version is not activated.",
            "Its n-gram baseline writes the drafts now.",
            "Measured only, not used for drafts: mixed with the n-gram, 2.25 bits per character "
            "(GRU 2.44, n-gram 2.31 on the second half of the held-out articles). "
            "A mixture can serve only after the GRU alone beats the baseline.",
        ]
        assert [note.warning for note in notes] == [True, False, False]

    def test_japanese_sentences_join_without_space(self, site):
        from django.utils import translation

        version = _language_model(site, active=False, beats=False)

        with translation.override("ja"):
            last = language_model_notes(version, writes_drafts=True)[-1].text

        assert "）。混合が使われるのは" in last

    def test_serving_mixture_is_not_measured_only(self, site, english_messages):
        version = _language_model(site, active=True, beats=True)

        assert _note_texts(version, writes_drafts=True) == [
            "The GRU mixed with its n-gram baseline writes the drafts now.",
            "Mixed with the n-gram: 2.25 bits per character "
            "(GRU 2.44, n-gram 2.31 on the second half of the held-out articles).",
        ]

    def test_active_cell_without_mixture(self, site, english_messages):
        version = _language_model(
            site, active=True, beats=True, cell="lstm", mixture_beats_both=False
        )

        assert _note_texts(version, writes_drafts=True) == [
            "The LSTM writes the drafts now.",
            "Measured only, not used for drafts: mixed with the n-gram, 2.25 bits per character "
            "(LSTM 2.44, n-gram 2.31 on the second half of the held-out articles). "
            "A mixture serves only when it beats both models on those articles.",
        ]

    def test_superseded_version_writes_nothing(self, site, english_messages):
        version = _language_model(site, active=False, beats=True)

        assert _note_texts(version, writes_drafts=False) == [
            "Measured only, not used for drafts: mixed with the n-gram, 2.25 bits per character "
            "(GRU 2.44, n-gram 2.31 on the second half of the held-out articles).",
        ]

    def test_version_activated_by_hand(self, site, english_messages):
        version = _language_model(site, active=True, beats=False, mixture_beats_both=False)

        assert _note_texts(version, writes_drafts=True)[:2] == [
            "The GRU does not beat the n-gram baseline but was activated by hand.",
            "The GRU writes the drafts now.",
        ]

    def test_version_without_mixture_scores(self, site, english_messages):
        version = _language_model(
            site, active=True, beats=True, mixture_bits_per_char=None, mixture_beats_both=False
        )

        assert _note_texts(version, writes_drafts=True) == ["The GRU writes the drafts now."]


class ModelVersionsPageTests:
    def _page(self, client, user, language: str = "en") -> str:
        client.force_login(user)
        response = client.get(reverse("engine:model_overview"), HTTP_ACCEPT_LANGUAGE=language)
        return response.content.decode()

    def test_unbeaten_version_explains_ngram_drafts(self, client, editor_user, site):
        _language_model(site, active=False, beats=False)

        html = self._page(client, editor_user)

        assert "GRU 2.41 bits per character (n-gram baseline 2.30)" in html
        assert (
            '<p class="warn">'
            "The GRU does not beat the n-gram baseline, so this version is not activated.</p>"
        ) in html
        assert '<p class="meta">Its n-gram baseline writes the drafts now.</p>' in html
        assert "Measured only, not used for drafts: mixed with the n-gram, 2.25 bits" in html
        assert "A mixture can serve only after the GRU alone beats the baseline." in html

    def test_only_serving_version_writes_drafts(self, client, editor_user, site):
        _language_model(site, number=1, active=True, beats=True, cell="lstm")
        _language_model(site, number=2, active=False, beats=False)

        html = self._page(client, editor_user)

        assert html.count("writes the drafts now.</p>") == 1
        assert "The LSTM mixed with its n-gram baseline writes the drafts now." in html
        assert "The GRU does not beat the n-gram baseline, so this version is not" in html

    def test_forecaster_keeps_short_warning(self, client, editor_user, site):
        ModelVersion.objects.create(
            site=site, kind=ModelKind.FORECASTER, number=1, artifact_prefix="x",
            metrics={"mase": 1.2, "baseline_mase": 1.0},
        )

        html = self._page(client, editor_user)

        assert "MASE 1.200 (seasonal naive 1.000)" in html
        assert "Does not beat its baseline." in html
        assert ") (" not in html

    def test_notes_are_translatable(self, client, editor_user, site):
        _language_model(
            site, number=1, active=True, beats=True, cell="lstm", mixture_beats_both=False
        )
        _language_model(site, number=2, active=False, beats=False)
        fake_japanese = {
            msgid: "JA " + msgid
            for msgid in [
                "%(cell)s %(model).2f bits per character (n-gram baseline %(baseline).2f)",
                "The %(cell)s does not beat the n-gram baseline, so this version is not activated.",
                "The %(cell)s writes the drafts now.",
                "Measured only, not used for drafts: mixed with the n-gram, %(mixture).2f bits per "
                "character (%(cell)s %(model).2f, n-gram %(ngram).2f on the second half of the "
                "held-out articles).",
                "A mixture serves only when it beats both models on those articles.",
                "A mixture can serve only after the %(cell)s alone beats the baseline.",
            ]
        }

        with japanese_catalog_with(fake_japanese):
            html = self._page(client, editor_user, language="ja")

        assert "JA GRU 2.41 bits per character (n-gram baseline 2.30)" in html
        assert "JA The GRU does not beat the n-gram baseline, so this version is not" in html
        assert "JA The LSTM writes the drafts now." in html
        assert html.count("JA Measured only, not used for drafts") == 2
        assert "JA A mixture serves only when it beats both models on those articles." in html
        assert "JA A mixture can serve only after the GRU alone beats the baseline." in html

    def test_other_notes_are_translatable(self, client, editor_user, site):
        _language_model(site, active=True, beats=False)
        fake_japanese = {
            msgid: "JA " + msgid
            for msgid in [
                "The %(cell)s does not beat the n-gram baseline but was activated by hand.",
                "The %(cell)s mixed with its n-gram baseline writes the drafts now.",
                "Mixed with the n-gram: %(mixture).2f bits per character (%(cell)s %(model).2f, "
                "n-gram %(ngram).2f on the second half of the held-out articles).",
                "Its n-gram baseline writes the drafts now.",
            ]
        }

        with japanese_catalog_with(fake_japanese):
            html = self._page(client, editor_user, language="ja")
            ModelVersion.objects.update(is_active=False)
            unactivated_html = self._page(client, editor_user, language="ja")

        assert "JA The GRU does not beat the n-gram baseline but was activated by hand." in html
        assert "JA The GRU mixed with its n-gram baseline writes the drafts now." in html
        assert "JA Mixed with the n-gram: 2.25 bits per character (GRU 2.44, n-gram 2.31" in html
        assert "JA Its n-gram baseline writes the drafts now." in unactivated_html


def _models_page(client, user, language: str = "en") -> str:
    client.force_login(user)
    response = client.get(reverse("engine:model_overview"), HTTP_ACCEPT_LANGUAGE=language)
    return response.content.decode()


def _active_cells(html: str) -> dict[int, str]:
    """Map each language-model version number on the page to its Active cell's HTML."""
    rows = re.findall(r"<tr><td>Language model</td><td>(\d+)</td><td>(.*?)</td>", html)
    return {int(number): cell for number, cell in rows}


def _summary(html: str) -> str:
    match = re.search(r'<p class="drafting-summary"[^>]*>(.*?)</p>', html, re.DOTALL)
    assert match, "the Models page has no drafting summary"
    return " ".join(match.group(1).split())


class ModelsPageActiveColumnTests:
    def test_drafting_unactivated_version_is_marked(self, client, editor_user, site):
        _language_model(site, number=1, active=False, beats=False)
        _language_model(site, number=2, active=False, beats=False)

        cells = _active_cells(_models_page(client, editor_user))

        assert cells[2] == '<span class="meta">n-gram baseline in use</span>'
        assert cells[1] == "—"

    def test_active_version_keeps_check_mark(self, client, editor_user, site):
        _language_model(site, number=1, active=True, beats=True)
        _language_model(site, number=2, active=False, beats=False)

        cells = _active_cells(_models_page(client, editor_user))

        assert cells[1] == "✔"
        assert cells[2] == "—"

    def test_marker_is_translatable(self, client, editor_user, site):
        _language_model(site, active=False, beats=False)

        with japanese_catalog_with({"n-gram baseline in use": "JA n-gram baseline in use"}):
            html = _models_page(client, editor_user, language="ja")

        assert '<span class="meta">JA n-gram baseline in use</span>' in html


class ModelsPageSummaryTests:
    def test_site_without_language_model(self, client, editor_user, site):
        html = _models_page(client, editor_user)

        assert _summary(html) == (
            "Test Site has no language model yet, so requests wait until one is trained."
        )

    def test_ngram_baseline_of_newest_version(self, client, editor_user, site):
        _language_model(site, number=1, active=False, beats=False)
        _language_model(site, number=2, active=False, beats=False)

        html = _models_page(client, editor_user)

        assert _summary(html) == (
            "The n-gram baseline of language model version 2 writes the drafts for Test Site "
            "now, because no version is active."
        )

    def test_active_cell_alone(self, client, editor_user, site):
        _language_model(site, number=1, active=True, beats=True, mixture_beats_both=False)
        _language_model(site, number=2, active=False, beats=False)

        html = _models_page(client, editor_user)

        assert _summary(html) == (
            "The GRU of language model version 1 writes the drafts for Test Site now."
        )

    def test_active_mixture(self, client, editor_user, site):
        _language_model(site, number=3, active=True, beats=True, cell="lstm")

        html = _models_page(client, editor_user)

        assert _summary(html) == (
            "The LSTM of language model version 3, mixed with its n-gram baseline, writes the "
            "drafts for Test Site now."
        )

    def test_summary_is_translatable(self, client, editor_user, site):
        _language_model(site, number=1, active=True, beats=True, mixture_beats_both=False)
        msgid = (
            "The %(cell)s of language model version %(number)s writes the drafts for %(site)s now."
        )

        with japanese_catalog_with({msgid: "JA " + msgid}):
            html = _models_page(client, editor_user, language="ja")

        assert _summary(html) == (
            "JA The GRU of language model version 1 writes the drafts for Test Site now."
        )


class RunStatusRefreshTests:
    def test_finished_poll_announces_the_end(self, client, editor_user, site):
        run = TrainingRun.objects.create(site=site, kind="forecaster", status="succeeded")
        client.force_login(editor_user)
        url = reverse("engine:run_status", args=[run.pk])

        polled = client.get(url, {"polling": "1"}, HTTP_HX_REQUEST="true")
        loaded = client.get(url, HTTP_HX_REQUEST="true")

        assert polled["HX-Trigger"] == "run-finished"
        assert "HX-Trigger" not in loaded

    def test_running_poll_announces_nothing(self, client, editor_user, site):
        run = TrainingRun.objects.create(site=site, kind="forecaster", status="running")
        client.force_login(editor_user)

        response = client.get(reverse("engine:run_status", args=[run.pk]), {"polling": "1"})

        assert "HX-Trigger" not in response
        assert "?polling=1" in response.content.decode()

    def test_models_page_reloads_versions_on_the_event(self, client, editor_user, site):
        client.force_login(editor_user)

        page = client.get(reverse("engine:model_overview")).content.decode()

        assert re.search(r'id="model-versions"[^>]*hx-trigger="run-finished from:body"', page)
        assert re.search(r'id="drafting-summary"[^>]*hx-select="#drafting-summary"', page)
