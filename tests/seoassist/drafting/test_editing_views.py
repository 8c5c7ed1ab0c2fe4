"""Views of the draft editor: autosave, lock heartbeat, merge on conflict, revisions, workflow, export."""
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from seoassist.drafting.models import DraftLock, DraftRevision, DraftStatus, RevisionNote
from seoassist.drafting.services import draft_lock_acquire
from tests.seoassist.translations import japanese_catalog_with

pytestmark = pytest.mark.django_db


def _form_data(draft, **changes):
    data = {
        "title": draft.title, "slug": draft.slug, "meta_description": draft.meta_description,
        "body": draft.body, "version": draft.version,
    }
    data.update(changes)
    return data


def _lock_token(draft):
    return str(DraftLock.objects.get(draft=draft).token)


class EditorPageTests:
    def test_page_takes_lock_and_carries_version(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        html = client.get(reverse("drafting:draft_edit", args=[english_draft.pk])).content.decode()
        assert 'id="draft-form"' in html
        assert 'id="id_body"' in html
        assert 'name="version" value="1"' in html
        assert f'name="lock_token" value="{_lock_token(english_draft)}"' in html
        assert 'data-autosave="on"' in html
        assert "draft-editor.js" in html

    def test_analysis_panel_is_embedded(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        html = client.get(reverse("drafting:draft_edit", args=[english_draft.pk])).content.decode()
        panel_url = reverse("analysis:draft_panel", args=[english_draft.pk])
        assert (
            f'<div id="analysis-panel" hx-post="{panel_url}" '
            'hx-trigger="load, input changed delay:800ms from:#draft-form" '
            'hx-include="#draft-form"></div>'
        ) in html

    def test_reviewer_sees_read_only_fields_without_lock(self, client, reviewer_user, english_draft):
        client.force_login(reviewer_user)
        html = client.get(reverse("drafting:draft_edit", args=[english_draft.pk])).content.decode()
        assert 'name="title"' in html
        assert "disabled" in html[html.index('name="title"') - 200:html.index('name="title"') + 200]
        assert 'data-autosave="off"' in html
        assert not DraftLock.objects.filter(draft=english_draft).exists()

    def test_second_editor_sees_holder_and_take_over(
        self, client, editor_user, second_editor, english_draft
    ):
        draft_lock_acquire(draft=english_draft, user=editor_user)
        client.force_login(second_editor)
        url = reverse("drafting:draft_edit", args=[english_draft.pk])
        html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "editor is editing this draft" in html
        assert reverse("drafting:draft_take_over", args=[english_draft.pk]) in html
        assert 'data-autosave="off"' in html
        response = client.post(reverse("drafting:draft_take_over", args=[english_draft.pk]))
        assert response.status_code == 302
        assert DraftLock.objects.get(draft=english_draft).holder == second_editor

    def test_page_has_no_inline_script_or_style(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        html = client.get(reverse("drafting:draft_edit", args=[english_draft.pk])).content.decode()
        editor_part = html[html.index('<main'):]
        assert " style=" not in editor_part
        assert "<script>" not in editor_part
        assert " onclick=" not in editor_part


class AutosaveViewTests:
    def _open(self, client, user, draft):
        client.force_login(user)
        client.get(reverse("drafting:draft_edit", args=[draft.pk]))
        return _lock_token(draft)

    def test_autosave_stores_revision_and_reports_time(self, client, editor_user, english_draft):
        token = self._open(client, editor_user, english_draft)
        url = reverse("drafting:draft_autosave", args=[english_draft.pk])
        reply = client.post(url, _form_data(english_draft, body="Autosaved.", lock_token=token)).json()
        assert reply["state"] == "saved"
        assert reply["version"] == 2
        assert reply["revision"] == 2
        english_draft.refresh_from_db()
        assert english_draft.body == "Autosaved."
        assert english_draft.revisions.first().note_code == RevisionNote.AUTOSAVE

        again = client.post(
            url, _form_data(english_draft, lock_token=token)
        ).json()
        assert again["state"] == "unchanged"
        assert english_draft.revisions.count() == 2

    def test_autosave_reports_revision_count(self, client, editor_user, english_draft):
        token = self._open(client, editor_user, english_draft)
        url = reverse("drafting:draft_autosave", args=[english_draft.pk])
        reply = client.post(
            url, _form_data(english_draft, body="Autosaved.", lock_token=token),
            HTTP_ACCEPT_LANGUAGE="en",
        ).json()
        assert reply["revision_count"] == 2
        assert reply["revision_count_label"] == "2 revisions"

    def test_autosave_with_stale_version_is_refused(self, client, editor_user, english_draft):
        token = self._open(client, editor_user, english_draft)
        url = reverse("drafting:draft_autosave", args=[english_draft.pk])
        client.post(url, _form_data(english_draft, body="First.", lock_token=token))
        response = client.post(url, _form_data(english_draft, body="Stale.", lock_token=token, version=1))
        assert response.status_code == 409
        assert response.json()["state"] == "conflict"
        english_draft.refresh_from_db()
        assert english_draft.body == "First."

    def test_autosave_after_take_over_reports_lost_lock(
        self, client, editor_user, second_editor, english_draft
    ):
        token = self._open(client, editor_user, english_draft)
        draft_lock_acquire(draft=english_draft, user=second_editor, take_over=True)
        heartbeat = client.post(
            reverse("drafting:draft_heartbeat", args=[english_draft.pk]), {"lock_token": token}
        ).json()
        assert heartbeat["held"] is False
        assert heartbeat["holder"] == "colleague"
        response = client.post(
            reverse("drafting:draft_autosave", args=[english_draft.pk]),
            _form_data(english_draft, body="Too late.", lock_token=token),
        )
        assert response.status_code == 409
        assert response.json()["state"] == "lock_lost"

    def test_save_on_leaving_frees_lock(self, client, editor_user, english_draft):
        token = self._open(client, editor_user, english_draft)
        reply = client.post(
            reverse("drafting:draft_autosave", args=[english_draft.pk]),
            _form_data(english_draft, body="Last words.", lock_token=token, release="1"),
        ).json()
        assert reply["state"] == "saved"
        assert not DraftLock.objects.filter(draft=english_draft).exists()

    def test_heartbeat_keeps_lock(self, client, editor_user, english_draft):
        token = self._open(client, editor_user, english_draft)
        reply = client.post(
            reverse("drafting:draft_heartbeat", args=[english_draft.pk]), {"lock_token": token}
        ).json()
        assert reply == {"held": True}

    def test_autosave_needs_csrf_token(self, editor_user, english_draft):
        client = Client(enforce_csrf_checks=True)
        client.force_login(editor_user)
        response = client.post(
            reverse("drafting:draft_autosave", args=[english_draft.pk]), _form_data(english_draft)
        )
        assert response.status_code == 403


class UnchangedSaveMessageTests:
    def _messages(self, response):
        return [(message.tags, str(message)) for message in response.context["messages"]]

    def test_save_after_autosave_reports_success(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        edit_url = reverse("drafting:draft_edit", args=[english_draft.pk])
        client.get(edit_url)
        autosave_url = reverse("drafting:draft_autosave", args=[english_draft.pk])
        client.post(
            autosave_url,
            _form_data(english_draft, body="Typed.", lock_token=_lock_token(english_draft)),
        )
        english_draft.refresh_from_db()
        autosaved = english_draft.revisions.first()
        assert autosaved.note_code == RevisionNote.AUTOSAVE

        response = client.post(
            edit_url, _form_data(english_draft), HTTP_ACCEPT_LANGUAGE="en", follow=True
        )

        saved_at = timezone.localtime(autosaved.created_at).strftime("%H:%M")
        assert self._messages(response) == [(
            "success",
            f"Your changes were already saved automatically at {saved_at} (revision 2).",
        )]
        assert english_draft.revisions.count() == 2

    def test_unchanged_save_reports_nothing_changed(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        edit_url = reverse("drafting:draft_edit", args=[english_draft.pk])
        client.post(edit_url, _form_data(english_draft, body="Saved with the button."), follow=True)
        english_draft.refresh_from_db()

        response = client.post(
            edit_url, _form_data(english_draft), HTTP_ACCEPT_LANGUAGE="en", follow=True
        )

        assert self._messages(response) == [("info", "Nothing changed since the last save.")]

    def test_first_untouched_save_is_no_change(self, client, editor_user, english_draft):
        # A generated body ends with a new line, which the form strips.
        assert english_draft.body.endswith("\n")
        client.force_login(editor_user)

        response = client.post(
            reverse("drafting:draft_edit", args=[english_draft.pk]),
            _form_data(english_draft),
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )

        assert self._messages(response) == [("info", "Nothing changed since the last save.")]
        assert english_draft.revisions.count() == 1

    def test_browser_line_breaks_are_no_change(self, client, editor_user, english_draft):
        # Browsers submit a textarea's line breaks as CRLF, and the generated body uses LF.
        client.force_login(editor_user)
        edit_url = reverse("drafting:draft_edit", args=[english_draft.pk])
        client.post(edit_url, _form_data(english_draft, body="## Heading\n\nSaved.\n"), follow=True)
        english_draft.refresh_from_db()

        response = client.post(
            edit_url,
            _form_data(english_draft, body="## Heading\r\n\r\nSaved.\r\n"),
            HTTP_ACCEPT_LANGUAGE="en",
            follow=True,
        )

        assert self._messages(response) == [("info", "Nothing changed since the last save.")]
        english_draft.refresh_from_db()
        assert "\r" not in english_draft.body
        assert english_draft.revisions.count() == 2

    def test_save_after_autosave_reports_japanese_time(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        edit_url = reverse("drafting:draft_edit", args=[english_draft.pk])
        client.get(edit_url)
        client.post(
            reverse("drafting:draft_autosave", args=[english_draft.pk]),
            _form_data(english_draft, body="Typed.", lock_token=_lock_token(english_draft)),
        )
        english_draft.refresh_from_db()
        saved_at = timezone.localtime(english_draft.revisions.first().created_at).strftime("%H:%M")

        response = client.post(
            edit_url, _form_data(english_draft), HTTP_ACCEPT_LANGUAGE="ja", follow=True
        )

        [(tags, text)] = self._messages(response)
        assert tags == "success"
        assert saved_at in text
        assert text != "前回の保存から変更はありません。"


class ConflictMergeViewTests:
    def test_conflicting_save_shows_both_versions_then_merge_saves(
        self, client, editor_user, second_editor, english_draft
    ):
        url = reverse("drafting:draft_edit", args=[english_draft.pk])
        other = Client()
        other.force_login(second_editor)
        other.post(url, _form_data(english_draft, body="Their <b>line</b>."))

        client.force_login(editor_user)
        client.get(url)
        token = _lock_token(english_draft)
        response = client.post(url, _form_data(english_draft, body="My line.", lock_token=token))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="merge"' in html
        assert 'data-heartbeat="on"' in html
        assert 'data-autosave="off"' in html
        assert "Their &lt;b&gt;line&lt;/b&gt;." in html
        assert "My line." in html
        assert 'name="version" value="2"' in html
        english_draft.refresh_from_db()
        assert english_draft.body == "Their <b>line</b>."

        merged = client.post(url, _form_data(english_draft, body="Their line and mine."))
        assert merged.status_code == 302
        english_draft.refresh_from_db()
        assert english_draft.body == "Their line and mine."
        assert english_draft.version == 3

    def test_merge_labels_match_editor_form(self, client, editor_user, second_editor, english_draft):
        url = reverse("drafting:draft_edit", args=[english_draft.pk])
        other = Client()
        other.force_login(second_editor)
        other.post(url, _form_data(english_draft, body="Their line."))

        client.force_login(editor_user)
        client.get(url)
        token = _lock_token(english_draft)
        response = client.post(
            url, _form_data(english_draft, body="My line.", lock_token=token), HTTP_ACCEPT_LANGUAGE="en"
        )
        html = response.content.decode()
        assert ">Body (Markdown)</h3>" in html
        assert ">body (Markdown)<" not in html


class RevisionViewTests:
    def test_diff_is_side_by_side_and_escaped(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        client.post(
            reverse("drafting:draft_edit", args=[english_draft.pk]),
            _form_data(english_draft, body="<script>alert(1)</script>\n\nSee a doctor early."),
        )
        html = client.get(
            reverse("drafting:draft_revision_diff", args=[english_draft.pk, 1])
        ).content.decode()
        assert 'class="diff"' in html
        assert "<ins>" in html
        # The changed characters are wrapped in <ins> and <del>; the text inside is escaped.
        unmarked = re.sub(r"</?(ins|del)>", "", html)
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in unmarked
        assert "<script>alert" not in html
        assert reverse("drafting:draft_restore", args=[english_draft.pk, 1]) in html

    def test_diff_labels_match_editor_form(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        client.post(
            reverse("drafting:draft_edit", args=[english_draft.pk]),
            _form_data(english_draft, title="A new title", body="A new body."),
        )
        html = client.get(
            reverse("drafting:draft_revision_diff", args=[english_draft.pk, 1]),
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
        assert "<h2>Title</h2>" in html
        assert "<h2>Body (Markdown)</h2>" in html
        assert "<h2>title</h2>" not in html

    def test_restore_makes_new_revision(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        original = english_draft.body
        client.post(
            reverse("drafting:draft_edit", args=[english_draft.pk]),
            _form_data(english_draft, body="Changed."),
        )
        response = client.post(reverse("drafting:draft_restore", args=[english_draft.pk, 1]))
        assert response.status_code == 302
        english_draft.refresh_from_db()
        assert english_draft.body == original
        assert english_draft.revisions.count() == 3

    def test_reviewer_cannot_restore(self, client, reviewer_user, english_draft):
        client.force_login(reviewer_user)
        client.post(reverse("drafting:draft_restore", args=[english_draft.pk, 1]))
        assert english_draft.revisions.count() == 1


class RevisionCompareLinkTests:
    def _compare_links(self, client, draft):
        """Return {revision number: whether its row links to the comparison page}."""
        html = client.get(
            reverse("drafting:draft_revisions", args=[draft.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        rows = re.findall(r'<tr class="revision"><td>(\d+)</td>(.*?)</tr>', html, re.S)
        return {int(number): "Compare with the current text" in row for number, row in rows}, html

    def test_current_revision_has_no_compare_link(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        links, html = self._compare_links(client, english_draft)
        assert links == {1: False}
        assert "Current text" in html

    def test_older_revisions_keep_the_link(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        client.post(
            reverse("drafting:draft_edit", args=[english_draft.pk]),
            _form_data(english_draft, body="Changed."),
        )
        links, _html = self._compare_links(client, english_draft)
        assert links == {2: False, 1: True}

    def test_restore_marks_older_identical_revision(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        client.post(
            reverse("drafting:draft_edit", args=[english_draft.pk]),
            _form_data(english_draft, body="Changed."),
        )
        client.post(reverse("drafting:draft_restore", args=[english_draft.pk, 1]))
        links, html = self._compare_links(client, english_draft)
        assert links == {3: False, 2: True, 1: False}
        assert "Same as the current text" in html


class TitleCandidateLabelTests:
    WIDE = "Tips for a pollen allergy in the spring, from doctors and nurses"

    @pytest.fixture
    def ranked_draft(self, english_draft):
        english_draft.title_candidates = ["Pollen allergy tips", self.WIDE, "Spring tips"]
        english_draft.generation = {
            "title_ranking": [
                {
                    "text": "Pollen allergy tips", "log_likelihood": None, "likelihood_rank": None,
                    "checks": {"keyphrase_in_title": "good", "title_width": "good"},
                    "measure": 400, "score": 18.0,
                },
                {
                    "text": self.WIDE, "log_likelihood": None, "likelihood_rank": None,
                    "checks": {"keyphrase_in_title": "improve", "title_width": "improve"},
                    "measure": 640, "score": 12.0,
                },
                {
                    "text": "Spring tips", "log_likelihood": None, "likelihood_rank": None,
                    "checks": {"keyphrase_in_title": "problem", "title_width": "improve"},
                    "measure": 110, "score": 9.0,
                },
            ]
        }
        english_draft.save()
        return english_draft

    def _checks(self, client, draft, **headers):
        """Return the text of each candidate's checks, in page order."""
        html = client.get(reverse("drafting:draft_edit", args=[draft.pk]), **headers).content.decode()
        items = re.findall(r'<li class="title-candidate-item">(.*?)</li>', html, re.S)
        return [
            [" ".join(text.split()) for text in re.findall(
                r'<span class="title-candidate-check[^"]*">\s*<span[^>]*></span>(.*?)</span>', item, re.S
            )]
            for item in items
        ]

    def test_failed_checks_say_they_failed(self, client, editor_user, ranked_draft):
        client.force_login(editor_user)
        assert self._checks(client, ranked_draft, HTTP_ACCEPT_LANGUAGE="en") == [
            ["Keyphrase at the start", "Width 400 px"],
            ["Keyphrase not at the start", "Width 640 px, too wide"],
            ["Keyphrase missing", "Width 110 px, too narrow"],
        ]

    def test_icons_name_the_status(self, client, editor_user, ranked_draft):
        client.force_login(editor_user)
        html = client.get(
            reverse("drafting:draft_edit", args=[ranked_draft.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        labels = re.findall(
            r'class="analysis-icon status-(\w+)" role="img"\s+aria-label="([^"]*)"',
            html[html.index('id="title-candidates"'):],
        )
        assert labels[:6] == [
            ("good", "Good"), ("good", "Good"),
            ("improve", "Could be improved"), ("improve", "Could be improved"),
            ("problem", "Problem"), ("improve", "Could be improved"),
        ]

    def test_failed_checks_in_japanese(self, client, editor_user, ranked_draft):
        client.force_login(editor_user)
        entries = {
            "Keyphrase not at the start": "キーフレーズが先頭にない",
            "Keyphrase missing": "キーフレーズがない",
            "Width %(width)s px, too wide": "幅 %(width)s px（広すぎる）",
            "Width %(width)s px, too narrow": "幅 %(width)s px（狭すぎる）",
        }
        with japanese_catalog_with(entries):
            checks = self._checks(client, ranked_draft)
        assert checks == [
            ["キーフレーズが先頭にある", "幅 400 px"],
            ["キーフレーズが先頭にない", "幅 640 px（広すぎる）"],
            ["キーフレーズがない", "幅 110 px（狭すぎる）"],
        ]


def _revision_notes(html):
    """Return {revision number: note} from the rows of the revisions page."""
    rows = re.findall(
        r'<tr class="revision"><td>(\d+)</td>(?:<td>.*?</td>){3}<td>(.*?)</td>', html, re.S
    )
    return {int(number): note for number, note in rows}


def _japanese(message, **values):
    with translation.override("ja"):
        return translation.gettext(message) % values


class RevisionNoteViewTests:
    def test_autosave_note_follows_reader_language(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        client.get(
            reverse("drafting:draft_edit", args=[english_draft.pk]), HTTP_ACCEPT_LANGUAGE="ja"
        )
        client.post(
            reverse("drafting:draft_autosave", args=[english_draft.pk]),
            _form_data(english_draft, body="Autosaved.", lock_token=_lock_token(english_draft)),
            HTTP_ACCEPT_LANGUAGE="ja",
        )
        url = reverse("drafting:draft_revisions", args=[english_draft.pk])
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        japanese = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert _revision_notes(english)[2] == "Autosave"
        assert _revision_notes(japanese)[2] == _japanese("Autosave")
        assert _japanese("Autosave") != "Autosave"

    def test_typed_note_is_listed_as_typed(self, client, editor_user, english_draft):
        DraftRevision.objects.create(
            draft=english_draft, number=2, title=english_draft.title, body="Typed.",
            note="Checked the figures",
        )
        client.force_login(editor_user)
        url = reverse("drafting:draft_revisions", args=[english_draft.pk])
        for language in ("en", "ja"):
            html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
            assert _revision_notes(html)[2] == "Checked the figures"

    def test_diff_note_in_reader_language(
        self, client, editor_user, english_draft
    ):
        client.force_login(editor_user)
        client.post(
            reverse("drafting:draft_edit", args=[english_draft.pk]),
            _form_data(english_draft, body="Changed."),
            HTTP_ACCEPT_LANGUAGE="ja",
        )
        client.post(
            reverse("drafting:draft_restore", args=[english_draft.pk, 1]), HTTP_ACCEPT_LANGUAGE="ja"
        )
        url = reverse("drafting:draft_revision_diff", args=[english_draft.pk, 3])
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        japanese = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert " · Restored from revision 1</p>" in english
        assert f" · {_japanese('Restored from revision %(number)d', number=1)}</p>" in japanese


class RevisionNoteAdminTests:
    @pytest.fixture
    def superuser(self, django_user_model):
        return django_user_model.objects.create_superuser("root", password="root-pass-123")

    @pytest.fixture
    def restored(self, english_draft):
        return DraftRevision.objects.create(
            draft=english_draft, number=2, title=english_draft.title, body=english_draft.body,
            note_code=RevisionNote.RESTORED, note_params={"number": 1},
        )

    def test_admin_lists_note_in_reader_language(
        self, client, superuser, english_draft, restored
    ):
        client.force_login(superuser)
        pages = [
            reverse("admin:drafting_draftrevision_changelist"),
            reverse("admin:drafting_draft_change", args=[english_draft.pk]),
        ]
        for url in pages:
            english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
            japanese = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
            assert "Restored from revision 1" in english, url
            assert _japanese("Restored from revision %(number)d", number=1) in japanese, url

    def test_change_page_shows_coded_note_read_only(self, client, superuser, restored):
        client.force_login(superuser)
        html = client.get(
            reverse("admin:drafting_draftrevision_change", args=[restored.pk]),
            HTTP_ACCEPT_LANGUAGE="en",
        ).content.decode()
        assert "Restored from revision 1" in html
        assert 'name="note"' not in html

    def test_change_page_edits_typed_note(self, client, superuser, english_draft):
        typed = DraftRevision.objects.create(
            draft=english_draft, number=2, title=english_draft.title, note="Checked"
        )
        client.force_login(superuser)
        html = client.get(
            reverse("admin:drafting_draftrevision_change", args=[typed.pk])
        ).content.decode()
        assert 'name="note"' in html
        assert 'value="Checked"' in html


class WorkflowViewTests:
    def test_submit_approve_and_send_back_with_comment(
        self, client, editor_user, reviewer_user, english_draft
    ):
        url = reverse("drafting:draft_workflow", args=[english_draft.pk])
        client.force_login(editor_user)
        client.post(url, {"action": "submit"})
        english_draft.refresh_from_db()
        assert english_draft.status == DraftStatus.IN_REVIEW

        client.force_login(reviewer_user)
        client.post(url, {"action": "send_back", "comment": "Cite a source."})
        english_draft.refresh_from_db()
        assert english_draft.status == DraftStatus.DRAFT
        client.force_login(editor_user)
        html = client.get(reverse("drafting:draft_edit", args=[english_draft.pk])).content.decode()
        assert "Cite a source." in html

    def test_editor_cannot_approve(self, client, editor_user, english_draft):
        english_draft.status = DraftStatus.IN_REVIEW
        english_draft.save()
        client.force_login(editor_user)
        client.post(reverse("drafting:draft_workflow", args=[english_draft.pk]), {"action": "approve"})
        english_draft.refresh_from_db()
        assert english_draft.status == DraftStatus.IN_REVIEW

    @pytest.mark.parametrize(
        ("role", "offered"), [("editor", False), ("reviewer", False), ("admin", True)]
    )
    def test_exported_draft_offers_reopen_to_admin(
        self, client, editor_user, reviewer_user, admin_user, english_draft, role, offered
    ):
        english_draft.status = DraftStatus.EXPORTED
        english_draft.save()
        user = {"editor": editor_user, "reviewer": reviewer_user, "admin": admin_user}[role]
        client.force_login(user)
        html = client.get(
            reverse("drafting:draft_edit", args=[english_draft.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        button = '<button type="submit" name="action" value="reopen">Reopen for editing</button>'
        assert (button in html) == offered

    def test_admin_reopens_exported_draft_for_editor(
        self, client, admin_user, editor_user, english_draft
    ):
        english_draft.status = DraftStatus.EXPORTED
        english_draft.save()
        client.force_login(admin_user)
        response = client.post(
            reverse("drafting:draft_workflow", args=[english_draft.pk]), {"action": "reopen"}
        )
        assert response.status_code == 302
        english_draft.refresh_from_db()
        assert english_draft.status == DraftStatus.DRAFT

        client.force_login(editor_user)
        html = client.get(reverse("drafting:draft_edit", args=[english_draft.pk])).content.decode()
        assert 'data-autosave="on"' in html

    @pytest.mark.parametrize(
        ("role", "offered"), [("editor", True), ("reviewer", False), ("admin", True)]
    )
    def test_withdraw_offered_to_editors(
        self, client, editor_user, reviewer_user, admin_user, english_draft, role, offered
    ):
        english_draft.status = DraftStatus.IN_REVIEW
        english_draft.save()
        client.force_login({"editor": editor_user, "reviewer": reviewer_user, "admin": admin_user}[role])
        html = client.get(
            reverse("drafting:draft_edit", args=[english_draft.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        button = '<button type="submit" name="action" value="withdraw">Withdraw from review</button>'
        assert (button in html) == offered

    def test_editor_withdraws_and_edits_again(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        url = reverse("drafting:draft_workflow", args=[english_draft.pk])
        client.post(url, {"action": "submit"})
        response = client.post(url, {"action": "withdraw"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
        english_draft.refresh_from_db()
        assert english_draft.status == DraftStatus.DRAFT
        assert "The draft is now “Draft”." in response.content.decode()
        assert 'data-autosave="on"' in response.content.decode()

    @pytest.mark.parametrize(
        ("role", "status", "expected"),
        [
            ("admin", DraftStatus.APPROVED,
             "This draft is “Approved”, so its text is read-only. Use “Reopen for editing” "
             "under Workflow to change it."),
            ("admin", DraftStatus.EXPORTED,
             "This draft is “Exported”, so its text is read-only. Use “Reopen for editing” "
             "under Workflow to change it."),
            ("editor", DraftStatus.IN_REVIEW,
             "This draft is “In review”, so its text is read-only. Use “Withdraw from review” "
             "under Workflow to change it."),
            ("editor", DraftStatus.APPROVED,
             "This draft is “Approved”; your role cannot change its text now."),
            ("reviewer", DraftStatus.IN_REVIEW,
             "This draft is “In review”; your role cannot change its text now."),
        ],
    )
    def test_read_only_notice_names_action(
        self, client, editor_user, reviewer_user, admin_user, english_draft, role, status, expected
    ):
        english_draft.status = status
        english_draft.save()
        client.force_login({"editor": editor_user, "reviewer": reviewer_user, "admin": admin_user}[role])
        html = client.get(
            reverse("drafting:draft_edit", args=[english_draft.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        notice = re.search(r'<p class="notice" id="read-only-notice">(.*?)</p>', html, re.S)
        assert notice is not None
        assert notice.group(1) == expected

    def test_editable_draft_has_no_read_only_notice(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        html = client.get(reverse("drafting:draft_edit", args=[english_draft.pk])).content.decode()
        assert 'id="read-only-notice"' not in html

    def test_reopen_notice_is_translated(self, client, admin_user, english_draft):
        english_draft.status = DraftStatus.APPROVED
        english_draft.save()
        client.force_login(admin_user)
        msgid = (
            "This draft is “%(status)s”, so its text is read-only. Use “Reopen for editing” "
            "under Workflow to change it."
        )
        with japanese_catalog_with({msgid: "「%(status)s」の下書きは読み取り専用です。"}):
            html = client.get(
                reverse("drafting:draft_edit", args=[english_draft.pk]), HTTP_ACCEPT_LANGUAGE="ja"
            ).content.decode()
        assert f"「{_japanese('Approved')}」の下書きは読み取り専用です。" in html

    def test_send_back_notice_until_submit(
        self, client, editor_user, reviewer_user, english_draft
    ):
        url = reverse("drafting:draft_workflow", args=[english_draft.pk])
        edit_url = reverse("drafting:draft_edit", args=[english_draft.pk])
        client.force_login(editor_user)
        client.post(url, {"action": "submit"})

        client.force_login(reviewer_user)
        response = client.post(
            url, {"action": "send_back", "comment": "Cite a source."},
            HTTP_ACCEPT_LANGUAGE="en", follow=True,
        )
        assert (
            "The draft is now “Draft”, and your comment went back to the editor with it. "
            "They see it at the top of the editor page until they submit the draft again."
        ) in response.content.decode()

        client.force_login(editor_user)
        html = client.get(edit_url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        notice = re.search(r'<div class="notice send-back-notice".*?</div>', html, re.S)
        assert notice is not None
        assert "reviewer sent this draft back on" in notice.group(0)
        assert "Cite a source." in notice.group(0)
        assert html.index('id="send-back-notice"') < html.index('id="draft-form"')

        client.post(url, {"action": "submit"})
        client.force_login(reviewer_user)
        html = client.get(edit_url).content.decode()
        assert 'id="send-back-notice"' not in html

    def test_other_actions_keep_short_message(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        response = client.post(
            reverse("drafting:draft_workflow", args=[english_draft.pk]), {"action": "submit"},
            HTTP_ACCEPT_LANGUAGE="en", follow=True,
        )
        html = response.content.decode()
        assert "The draft is now “In review”." in html
        assert "your comment went back" not in html

    def test_reviewer_comment_is_listed(self, client, reviewer_user, english_draft):
        client.force_login(reviewer_user)
        client.post(reverse("drafting:draft_comment", args=[english_draft.pk]), {"body": "Nice intro."})
        html = client.get(reverse("drafting:draft_edit", args=[english_draft.pk])).content.decode()
        assert "Nice intro." in html


def _history_rows(html):
    """Return the rows of the revisions page as ("revision", number) or ("event", kind)."""
    rows = re.findall(r'<tr class="(revision|event event-(\w+))"><td>(\d*)</td>', html)
    return [
        ("revision", int(number)) if kind == "revision" else ("event", event_kind)
        for kind, event_kind, number in rows
    ]


class HistoryViewTests:
    @pytest.fixture
    def exported(self, client, editor_user, reviewer_user, english_draft):
        """A draft saved once, submitted, approved and exported as Markdown."""
        client.force_login(editor_user)
        client.post(
            reverse("drafting:draft_edit", args=[english_draft.pk]),
            _form_data(english_draft, body="Second text."),
        )
        workflow_url = reverse("drafting:draft_workflow", args=[english_draft.pk])
        client.post(workflow_url, {"action": "submit"})
        client.force_login(reviewer_user)
        client.post(workflow_url, {"action": "approve"})
        client.force_login(editor_user)
        client.post(
            reverse("drafting:draft_export", args=[english_draft.pk]), {"export_format": "markdown"}
        )
        return english_draft

    def test_events_between_revisions(self, client, exported):
        html = client.get(
            reverse("drafting:draft_revisions", args=[exported.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        assert _history_rows(html) == [
            ("event", "export"), ("event", "approve"), ("event", "submit"),
            ("revision", 2), ("revision", 1),
        ]
        assert "Revision 2 exported as Markdown" in html
        assert "Approved for export" in html
        assert "Submitted for review" in html

    def test_exported_revision_is_marked(self, client, exported):
        html = client.get(
            reverse("drafting:draft_revisions", args=[exported.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        rows = re.findall(r'<tr class="revision"><td>(\d+)</td>(.*?)</tr>', html, re.S)
        marked = {int(number): "Exported as Markdown" in row for number, row in rows}
        assert marked == {2: True, 1: False}

    def test_event_text_in_reader_language(self, client, exported):
        url = reverse("drafting:draft_revisions", args=[exported.pk])
        entries = {
            "Submitted for review": "レビュー依頼",
            "Revision %(revision)d exported as %(format)s": "リビジョン %(revision)d を %(format)s で書き出し",
        }
        with japanese_catalog_with(entries):
            html = client.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert "レビュー依頼" in html
        assert f"リビジョン 2 を {_japanese('Markdown')} で書き出し" in html
        english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Submitted for review" in english

    def test_send_back_comment_in_history(self, client, editor_user, reviewer_user, english_draft):
        workflow_url = reverse("drafting:draft_workflow", args=[english_draft.pk])
        client.force_login(editor_user)
        client.post(workflow_url, {"action": "submit"})
        client.force_login(reviewer_user)
        client.post(workflow_url, {"action": "send_back", "comment": "Cite <b>a</b> source."})
        html = client.get(
            reverse("drafting:draft_revisions", args=[english_draft.pk]), HTTP_ACCEPT_LANGUAGE="en"
        ).content.decode()
        row = re.search(r'<tr class="event event-send_back">.*?</tr>', html, re.S).group(0)
        assert "Sent back to the editor" in row
        assert "Cite &lt;b&gt;a&lt;/b&gt; source." in row
        assert "reviewer" in row


class ExportViewTests:
    @pytest.mark.parametrize(
        ("export_format", "content_type", "file_name"),
        [
            ("markdown", "text/markdown; charset=utf-8", "pollen-allergy-tips.md"),
            ("html", "text/html; charset=utf-8", "pollen-allergy-tips.html"),
            ("wxr", "application/xml; charset=utf-8", "pollen-allergy-tips-wordpress.xml"),
        ],
    )
    def test_download(self, client, editor_user, english_draft, export_format, content_type, file_name):
        english_draft.status = DraftStatus.APPROVED
        english_draft.save()
        client.force_login(editor_user)
        response = client.post(
            reverse("drafting:draft_export", args=[english_draft.pk]), {"export_format": export_format}
        )
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="{file_name}"'
        english_draft.refresh_from_db()
        assert english_draft.status == DraftStatus.EXPORTED

    def test_unapproved_draft_redirects_with_message(self, client, editor_user, english_draft):
        client.force_login(editor_user)
        response = client.post(
            reverse("drafting:draft_export", args=[english_draft.pk]), {"export_format": "html"}
        )
        assert response.status_code == 302
        english_draft.refresh_from_db()
        assert english_draft.status == DraftStatus.DRAFT
