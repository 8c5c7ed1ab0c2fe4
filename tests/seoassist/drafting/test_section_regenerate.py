"""Rewriting one section of a draft with the site's trained language model."""
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import translation

from seoassist.drafting.labels import written_by_label
from seoassist.drafting.models import Draft, DraftRevision, RevisionNote
from seoassist.drafting.services import _served_by, draft_sections_join, draft_sections_split
from seoassist.engine.models import ModelVersion

pytestmark = pytest.mark.django_db

DEMO_ARTICLES = Path(__file__).resolve().parents[3] / "seoassist" / "demo" / "content" / "articles_ja.jsonl"
BODY = (
    "花粉症の季節がやってきました。今年の対策を紹介します。\n\n"
    "## 花粉症の症状\n\n"
    "くしゃみや鼻水が続きます。\n\n"
    "## 対策のポイント\n\n"
    "マスクを着けて外出します。\n"
)


@pytest.fixture
def draft(site, editor_user):
    created = Draft.objects.create(
        site=site, owner=editor_user, language="ja", keywords=["花粉症", "対策"],
        title="花粉症の対策", slug="kafun", meta_description="説明", body=BODY,
    )
    DraftRevision.objects.create(draft=created, number=1, title=created.title, body=created.body)
    return created


@pytest.fixture
def trained_site(site):
    from seoassist.corpus.services import articles_import_path
    from seoassist.engine.models import ModelKind
    from seoassist.engine.services import training_run_execute, training_run_start

    articles_import_path(site=site, path=DEMO_ARTICLES)
    run = training_run_start(site=site, kind=ModelKind.LANGUAGE_MODEL)
    finished = training_run_execute(run_id=run.pk)
    assert finished.status == "succeeded", finished.error
    return site


class SectionSplitTests:
    def test_split_and_join_round_trip(self):
        sections = draft_sections_split(BODY)
        assert [heading for heading, _ in sections] == ["", "花粉症の症状", "対策のポイント"]
        assert sections[1][1] == ["くしゃみや鼻水が続きます。"]
        assert draft_sections_join(sections) == BODY


class TrainingMetricsTests:
    def test_version_stores_gru_and_draft_figures(self, trained_site):
        from seoassist.engine.models import ModelVersion

        version = ModelVersion.objects.get(site=trained_site)
        metrics = version.metrics
        assert {metrics["cell"], metrics["other_cell"]["cell"]} == {"lstm", "gru"}
        assert version.config["model"]["cell"] == metrics["cell"]
        assert metrics["other_cell"]["val_bits_per_char"] > 0
        assert metrics["val_loss"] <= metrics["other_cell"]["val_loss"]
        assert metrics["other_cell"]["served_beats_it"]
        quality = metrics["sample_drafts"]
        assert quality["drafts"] >= 1
        assert 0 < quality["distinct_1"] <= 1
        assert 0 <= quality["keyword_coverage"] <= 1
        assert quality["longest_copied_span"] >= 0


class SectionRegenerateViewTests:
    def test_rewrites_one_section_as_new_revision(self, client, editor_user, trained_site, draft):
        client.force_login(editor_user)
        response = client.post(
            reverse("drafting:draft_section_regenerate", args=[draft.pk, 1]),
            HTTP_ACCEPT_LANGUAGE="ja",
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("drafting:draft_edit", args=[draft.pk])
        draft.refresh_from_db()
        before = draft_sections_split(BODY)
        after = draft_sections_split(draft.body)
        assert [heading for heading, _ in after] == [heading for heading, _ in before]
        assert after[0] == before[0]
        assert after[2] == before[2]
        assert after[1][1] != before[1][1]
        assert all(paragraph.endswith("。") for paragraph in after[1][1])
        revision = draft.revisions.order_by("-number").first()
        assert revision.number == 2
        assert revision.author == editor_user
        assert revision.body == draft.body

        # The note was written for a Japanese page and reads in English on an English one.
        version = ModelVersion.objects.get(site=trained_site)
        served_by = _served_by(version)
        assert revision.note_code == RevisionNote.SECTION_REGENERATED
        assert revision.note_params == {
            "index": 1, "heading": "花粉症の症状", "version": version.number, "served_by": served_by,
        }
        with translation.override("en"):
            written_by = written_by_label(served_by, version.number)
            assert revision.note_text == f"Section “花粉症の症状” rewritten ({written_by})"

    def test_message_names_section_by_heading(self, client, editor_user, trained_site, draft):
        client.force_login(editor_user)
        url = reverse("drafting:draft_section_regenerate", args=[draft.pk, 2])
        response = client.post(url, HTTP_ACCEPT_LANGUAGE="en", follow=True)
        texts = [str(message) for message in response.context["messages"]]
        written_by = _english_written_by(trained_site)
        assert texts == [
            f"The section “対策のポイント” was rewritten ({written_by}) and saved as revision 2."
        ]

    def test_message_names_introduction(self, client, editor_user, trained_site, draft):
        client.force_login(editor_user)
        url = reverse("drafting:draft_section_regenerate", args=[draft.pk, 0])
        response = client.post(url, HTTP_ACCEPT_LANGUAGE="en", follow=True)
        texts = [str(message) for message in response.context["messages"]]
        written_by = _english_written_by(trained_site)
        assert texts == [f"The introduction was rewritten ({written_by}) and saved as revision 2."]
        revision = draft.revisions.order_by("-number").first()
        assert revision.note_params["index"] == 0
        assert revision.note_params["heading"] == ""

    def test_missing_section_shows_error(self, client, editor_user, trained_site, draft):
        client.force_login(editor_user)
        response = client.post(
            reverse("drafting:draft_section_regenerate", args=[draft.pk, 7]), follow=True, HTTP_ACCEPT_LANGUAGE="en"
        )
        texts = [str(message) for message in response.context["messages"]]
        assert texts == [
            "The draft has no such section any more. Reload the page and choose a section from the list."
        ]
        assert draft.revisions.count() == 1

    def test_site_without_model_shows_error(self, client, editor_user, draft):
        client.force_login(editor_user)
        response = client.post(reverse("drafting:draft_section_regenerate", args=[draft.pk, 1]), follow=True)
        assert response.status_code == 200
        assert draft.revisions.count() == 1
        draft.refresh_from_db()
        assert draft.body == BODY

    def test_get_is_not_allowed(self, client, editor_user, draft):
        client.force_login(editor_user)
        response = client.get(reverse("drafting:draft_section_regenerate", args=[draft.pk, 1]))
        assert response.status_code == 405

    def test_editor_of_another_site_gets_not_found(self, client, site, draft):
        from seoassist.core.models import Role
        from seoassist.core.services import membership_set, site_create, user_create

        other_site = site_create(name="Other", slug="other", language="ja")
        other = user_create(username="other", password="pw-12345678")
        membership_set(site=other_site, user=other, role=Role.EDITOR)
        client.force_login(other)
        response = client.post(reverse("drafting:draft_section_regenerate", args=[draft.pk, 1]))
        assert response.status_code == 404


class SectionButtonsTests:
    def test_editor_page_offers_a_rewrite_for_each_section(self, client, editor_user, draft):
        client.force_login(editor_user)
        html = client.get(reverse("drafting:draft_edit", args=[draft.pk])).content.decode()
        for index in range(3):
            assert reverse("drafting:draft_section_regenerate", args=[draft.pk, index]) in html
        assert "対策のポイント" in html[html.index('id="sections"'):]

    def test_reviewer_gets_no_rewrite_buttons(self, client, reviewer_user, draft):
        client.force_login(reviewer_user)
        html = client.get(reverse("drafting:draft_edit", args=[draft.pk])).content.decode()
        assert 'id="sections"' not in html


class SectionNoteTests:
    """Notes of section rewrites as the revision pages show them, for new and old rows."""

    def _note(self, draft, **params):
        return DraftRevision(
            draft=draft, number=2, note_code=RevisionNote.SECTION_REGENERATED, note_params=params
        ).note_text

    def test_baseline_section_names_heading_and_scorer(self, english_messages, draft):
        note = self._note(draft, index=1, heading="花粉症の症状", version=3, served_by="ngram_baseline")
        assert note == "Section “花粉症の症状” rewritten (written by the n-gram baseline of v3)"

    def test_mixture_introduction(self, english_messages, draft):
        note = self._note(draft, index=0, heading="", version=4, served_by="lstm+ngram")
        assert note == (
            "Introduction rewritten "
            "(written by the LSTM language model mixed with its n-gram, v4)"
        )

    def test_section_without_heading_names_position(self, english_messages, draft):
        note = self._note(draft, index=2, heading="", version=5, served_by="gru")
        assert note == "Section 2 rewritten (written by the GRU language model v5)"

    def test_old_row_keeps_its_text(self, english_messages, draft):
        note = self._note(draft, index=1, version=3)
        assert note == "Section 1 regenerated with model version 3"

    def test_old_row_reads_in_japanese(self, draft):
        with translation.override("ja"):
            expected = translation.gettext(
                "Section %(index)d regenerated with model version %(version)d"
            ) % {"index": 1, "version": 3}
            note = self._note(draft, index=1, version=3)
        assert note == expected
        assert note != "Section 1 regenerated with model version 3"

    def test_revisions_page_shows_scorer(self, client, editor_user, draft):
        DraftRevision.objects.create(
            draft=draft, number=2, title=draft.title, body=draft.body,
            note_code=RevisionNote.SECTION_REGENERATED,
            note_params={
                "index": 1, "heading": "花粉症の症状", "version": 3, "served_by": "ngram_baseline",
            },
        )
        client.force_login(editor_user)
        html = client.get(
            reverse("drafting:draft_revisions", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        assert "Section “花粉症の症状” rewritten (written by the n-gram baseline of v3)" in html


def _english_written_by(site) -> str:
    """Return the English "written by …" label of the site's model, as the rewrite stores it."""
    version = ModelVersion.objects.get(site=site)
    with translation.override("en"):
        return written_by_label(_served_by(version), version.number)
