"""Services of the draft editor: versions, revisions, edit locks, workflow, comments, export."""
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from seoassist.core.exceptions import ApplicationError
from seoassist.drafting.diffs import text_diff_rows
from tests.seoassist.translations import japanese_catalog_with
from seoassist.drafting.models import (
    DraftComment,
    DraftEvent,
    DraftEventKind,
    DraftLock,
    DraftRevision,
    DraftStatus,
    RevisionNote,
)
from seoassist.drafting.selectors import draft_history_list, draft_send_back_comment
from seoassist.drafting.services import (
    DraftConflictError,
    DraftLockLostError,
    draft_actions_allowed,
    draft_comment_create,
    draft_export,
    draft_lock_acquire,
    draft_lock_heartbeat,
    draft_lock_release,
    draft_revision_restore,
    draft_save,
    draft_transition,
)

pytestmark = pytest.mark.django_db

WXR_NAMESPACES = {
    "wp": "http://wordpress.org/export/1.2/",
    "content": "http://purl.org/rss/1.0/modules/content/",
    "excerpt": "http://wordpress.org/export/1.2/excerpt/",
    "dc": "http://purl.org/dc/elements/1.1/",
}


def _save(draft, user, **changes):
    fields = {
        "title": draft.title, "slug": draft.slug,
        "meta_description": draft.meta_description, "body": draft.body,
        "version": draft.version,
    }
    fields.update(changes)
    return draft_save(draft=draft, user=user, **fields)


class DraftSaveTests:
    def test_save_raises_version_and_adds_revision(self, english_draft, editor_user):
        result = _save(english_draft, editor_user, body="New body.")
        assert result.draft.version == 2
        assert result.revision.number == 2
        assert result.revision.body == "New body."
        assert result.revision.author == editor_user

    def test_unchanged_text_adds_no_revision(self, english_draft, editor_user):
        result = _save(english_draft, editor_user)
        assert result.revision is None
        assert result.draft.version == 1
        assert english_draft.revisions.count() == 1

    def test_stale_version_raises_conflict_and_keeps_stored_text(
        self, english_draft, editor_user, second_editor
    ):
        _save(english_draft, second_editor, body="Their body.")
        with pytest.raises(DraftConflictError) as caught:
            _save(english_draft, editor_user, body="My body.", version=1)
        assert caught.value.current.body == "Their body."
        assert caught.value.current.version == 2
        english_draft.refresh_from_db()
        assert english_draft.body == "Their body."
        assert english_draft.revisions.count() == 2

    def test_reviewer_cannot_change_text(self, english_draft, reviewer_user):
        with pytest.raises(ApplicationError):
            _save(english_draft, reviewer_user, body="Reviewer's text.")

    def test_editor_cannot_change_text_in_review(self, english_draft, editor_user, admin_user):
        draft_transition(draft=english_draft, user=editor_user, action="submit")
        english_draft.refresh_from_db()
        with pytest.raises(ApplicationError):
            _save(english_draft, editor_user, body="Late change.")
        assert _save(english_draft, admin_user, body="Admin fix.").revision.number == 2

    def test_autosave_after_take_over_raises_lock_lost(
        self, english_draft, editor_user, second_editor
    ):
        first = draft_lock_acquire(draft=english_draft, user=editor_user)
        draft_lock_acquire(draft=english_draft, user=second_editor, take_over=True)
        with pytest.raises(DraftLockLostError):
            _save(english_draft, editor_user, body="Autosaved.", lock_token=str(first.lock.token))
        english_draft.refresh_from_db()
        assert english_draft.body.startswith("## Before the season")


class DraftLockTests:
    def test_second_editor_sees_holder(self, english_draft, editor_user, second_editor):
        assert draft_lock_acquire(draft=english_draft, user=editor_user).held
        state = draft_lock_acquire(draft=english_draft, user=second_editor)
        assert not state.held
        assert state.lock.holder == editor_user

    def test_take_over_makes_first_heartbeat_report_loss(
        self, english_draft, editor_user, second_editor
    ):
        first = draft_lock_acquire(draft=english_draft, user=editor_user)
        token = str(first.lock.token)
        assert draft_lock_heartbeat(draft=english_draft, user=editor_user, token=token).held
        taken = draft_lock_acquire(draft=english_draft, user=second_editor, take_over=True)
        assert taken.held
        state = draft_lock_heartbeat(draft=english_draft, user=editor_user, token=token)
        assert not state.held
        assert state.lock.holder == second_editor

    def test_lock_without_heartbeat_expires(self, english_draft, editor_user, second_editor):
        draft_lock_acquire(draft=english_draft, user=editor_user)
        DraftLock.objects.filter(draft=english_draft).update(
            heartbeat_at=timezone.now() - timedelta(minutes=3)
        )
        assert draft_lock_acquire(draft=english_draft, user=second_editor).held

    def test_release_frees_lock_only_for_its_token(self, english_draft, editor_user):
        state = draft_lock_acquire(draft=english_draft, user=editor_user)
        draft_lock_release(draft=english_draft, user=editor_user, token="not-the-token")
        assert DraftLock.objects.filter(draft=english_draft).exists()
        draft_lock_release(draft=english_draft, user=editor_user, token=str(state.lock.token))
        assert not DraftLock.objects.filter(draft=english_draft).exists()


class DraftRestoreTests:
    def test_restore_adds_revision_and_keeps_history(self, english_draft, editor_user):
        original = english_draft.body
        _save(english_draft, editor_user, body="Rewritten.")
        english_draft.refresh_from_db()
        revision = draft_revision_restore(draft=english_draft, user=editor_user, revision_number=1)
        english_draft.refresh_from_db()
        assert revision.number == 3
        assert english_draft.body == original
        assert english_draft.version == 3
        assert list(english_draft.revisions.values_list("number", flat=True)) == [3, 2, 1]
        assert revision.note_code == RevisionNote.RESTORED
        assert revision.note_params == {"number": 1}

    def test_missing_revision_is_rejected(self, english_draft, editor_user):
        with pytest.raises(ApplicationError, match="99"):
            draft_revision_restore(draft=english_draft, user=editor_user, revision_number=99)


def _in_language(language, message, **values):
    with translation.override(language):
        return translation.gettext(message) % values


class RevisionNoteTests:
    def test_japanese_note_reads_in_english(self, english_draft, editor_user):
        _save(english_draft, editor_user, body="Rewritten.")
        english_draft.refresh_from_db()
        with translation.override("ja"):
            draft_revision_restore(draft=english_draft, user=editor_user, revision_number=1)
        stored = DraftRevision.objects.get(draft=english_draft, number=3)
        assert stored.note == ""
        with translation.override("en"):
            assert stored.note_text == "Restored from revision 1"

    def test_english_note_reads_in_japanese(self, english_draft, editor_user):
        _save(english_draft, editor_user, body="Rewritten.")
        english_draft.refresh_from_db()
        with translation.override("en"):
            draft_revision_restore(draft=english_draft, user=editor_user, revision_number=1)
        stored = DraftRevision.objects.get(draft=english_draft, number=3)
        japanese = _in_language("ja", "Restored from revision %(number)d", number=1)
        assert japanese != "Restored from revision 1"
        with translation.override("ja"):
            assert stored.note_text == japanese

    def test_typed_note_reads_as_typed(self, english_draft, editor_user):
        result = _save(english_draft, editor_user, body="Shorter.", note="Cut the intro")
        stored = DraftRevision.objects.get(pk=result.revision.pk)
        assert stored.note_code == ""
        for language in ("ja", "en"):
            with translation.override(language):
                assert stored.note_text == "Cut the intro"

    def test_uncoded_old_note_shows_as_stored(self, english_draft):
        old = DraftRevision.objects.create(
            draft=english_draft, number=2, title=english_draft.title, body=english_draft.body,
            note="リビジョン 1 から復元",
        )
        with translation.override("en"):
            assert old.note_text == "リビジョン 1 から復元"

    def test_unknown_code_shows_stored_text(self, english_draft):
        revision = DraftRevision(draft=english_draft, number=2, note="Merged", note_code="merged")
        assert revision.note_text == "Merged"

    def test_missing_parameter_shows_stored_text(self, english_draft):
        revision = DraftRevision(draft=english_draft, number=2, note_code=RevisionNote.RESTORED)
        assert revision.note_text == ""


class TextDiffTests:
    def test_changed_line_sits_beside_its_replacement(self):
        rows = text_diff_rows("a\nb\nc", "a\nB\nc\nd")
        assert [(r.kind, r.old_line, r.new_line) for r in rows] == [
            ("equal", "a", "a"), ("replace", "b", "B"), ("equal", "c", "c"), ("insert", "", "d"),
        ]
        assert rows[3].old_number is None
        assert rows[3].new_number == 4

    def test_replaced_japanese_line_marks_changed_characters(self):
        rows = text_diff_rows("花粉症は春に多い。", "花粉症は秋にも多い。")
        assert [(part.text, part.changed) for part in rows[0].old_segments] == [
            ("花粉症は", False), ("春", True), ("に", False), ("多い。", False),
        ]
        assert [(part.text, part.changed) for part in rows[0].new_segments] == [
            ("花粉症は", False), ("秋", True), ("に", False), ("も", True), ("多い。", False),
        ]

    def test_removed_lines_have_no_new_number(self):
        rows = text_diff_rows("x\ny\nz", "x")
        assert [(r.kind, r.new_number) for r in rows] == [("equal", 1), ("delete", None), ("delete", None)]


# (action, status before, roles allowed); every other role is rejected.
TRANSITIONS = [
    ("submit", DraftStatus.DRAFT, {"editor", "admin"}),
    ("withdraw", DraftStatus.IN_REVIEW, {"editor", "admin"}),
    ("approve", DraftStatus.IN_REVIEW, {"reviewer", "admin"}),
    ("send_back", DraftStatus.IN_REVIEW, {"reviewer", "admin"}),
    ("reopen", DraftStatus.APPROVED, {"admin"}),
    ("reopen", DraftStatus.EXPORTED, {"admin"}),
]
TARGETS = {
    "submit": DraftStatus.IN_REVIEW, "withdraw": DraftStatus.DRAFT, "approve": DraftStatus.APPROVED,
    "send_back": DraftStatus.DRAFT, "reopen": DraftStatus.DRAFT,
}


class DraftWorkflowTests:
    @pytest.mark.parametrize("role", ["editor", "reviewer", "admin"])
    @pytest.mark.parametrize(("action", "source", "allowed"), TRANSITIONS)
    def test_role_on_transition(
        self, english_draft, editor_user, reviewer_user, admin_user, role, action, source, allowed
    ):
        user = {"editor": editor_user, "reviewer": reviewer_user, "admin": admin_user}[role]
        english_draft.status = source
        english_draft.save()
        if role in allowed:
            moved = draft_transition(draft=english_draft, user=user, action=action, comment="Fix the intro.")
            assert moved.status == TARGETS[action]
        else:
            with pytest.raises(ApplicationError):
                draft_transition(draft=english_draft, user=user, action=action, comment="x")
            english_draft.refresh_from_db()
            assert english_draft.status == source

    def test_action_from_wrong_status_is_rejected(
        self, english_draft, reviewer_user, english_messages
    ):
        with pytest.raises(ApplicationError, match="needs a draft that is “In review”"):
            draft_transition(draft=english_draft, user=reviewer_user, action="approve")

    def test_reopen_from_draft_names_both_statuses(
        self, english_draft, admin_user, english_messages
    ):
        with pytest.raises(ApplicationError, match="one of these statuses: Approved, Exported"):
            draft_transition(draft=english_draft, user=admin_user, action="reopen")

    @pytest.mark.parametrize(
        ("role", "actions"), [("editor", []), ("reviewer", []), ("admin", ["reopen"])]
    )
    def test_actions_offered_on_exported_draft(
        self, english_draft, editor_user, reviewer_user, admin_user, role, actions
    ):
        user = {"editor": editor_user, "reviewer": reviewer_user, "admin": admin_user}[role]
        english_draft.status = DraftStatus.EXPORTED
        english_draft.save()
        assert draft_actions_allowed(draft=english_draft, user=user) == actions

    def test_reopened_export_needs_new_approval(
        self, english_draft, editor_user, reviewer_user, admin_user
    ):
        english_draft.status = DraftStatus.EXPORTED
        english_draft.save()
        draft_transition(
            draft=english_draft, user=admin_user, action="reopen", comment="Typo in the title."
        )
        english_draft.refresh_from_db()
        assert english_draft.status == DraftStatus.DRAFT
        comment = DraftComment.objects.get(draft=english_draft)
        assert (comment.status_before, comment.status_after) == ("exported", "draft")

        fixed = _save(english_draft, editor_user, title="Pollen allergy: tips").draft
        assert fixed.title == "Pollen allergy: tips"
        with pytest.raises(ApplicationError):
            draft_export(draft=fixed, user=editor_user, export_format="markdown")

        draft_transition(draft=fixed, user=editor_user, action="submit")
        draft_transition(draft=fixed, user=reviewer_user, action="approve")
        exported = draft_export(draft=fixed, user=editor_user, export_format="markdown")
        assert 'title: "Pollen allergy: tips"' in exported.content.decode()
        fixed.refresh_from_db()
        assert fixed.status == DraftStatus.EXPORTED

    def test_send_back_needs_comment_and_stores_it(self, english_draft, editor_user, reviewer_user):
        draft_transition(draft=english_draft, user=editor_user, action="submit")
        with pytest.raises(ApplicationError):
            draft_transition(draft=english_draft, user=reviewer_user, action="send_back", comment=" ")
        draft_transition(
            draft=english_draft, user=reviewer_user, action="send_back", comment="Add a source."
        )
        comment = DraftComment.objects.get(draft=english_draft)
        assert comment.body == "Add a source."
        assert (comment.status_before, comment.status_after) == ("in_review", "draft")

    def test_editor_withdraws_and_edits_again(self, english_draft, editor_user, second_editor):
        draft_transition(draft=english_draft, user=editor_user, action="submit")
        english_draft.refresh_from_db()
        assert draft_actions_allowed(draft=english_draft, user=second_editor) == ["withdraw"]
        with pytest.raises(ApplicationError):
            _save(english_draft, editor_user, body="Too late.")

        draft_transition(draft=english_draft, user=editor_user, action="withdraw")
        english_draft.refresh_from_db()
        assert english_draft.status == DraftStatus.DRAFT
        saved = _save(english_draft, editor_user, body="Fixed after withdrawing.")
        assert saved.revision.number == 2

    def test_withdraw_from_draft_is_rejected(self, english_draft, editor_user, english_messages):
        with pytest.raises(ApplicationError, match="needs a draft that is “In review”"):
            draft_transition(draft=english_draft, user=editor_user, action="withdraw")

    def test_reviewer_is_offered_no_withdraw(self, english_draft, editor_user, reviewer_user):
        draft_transition(draft=english_draft, user=editor_user, action="submit")
        english_draft.refresh_from_db()
        assert draft_actions_allowed(draft=english_draft, user=reviewer_user) == [
            "approve", "send_back",
        ]


class DraftEventTests:
    def test_each_transition_records_event(
        self, english_draft, editor_user, reviewer_user, admin_user
    ):
        steps = [
            (editor_user, "submit", "", DraftStatus.DRAFT, DraftStatus.IN_REVIEW),
            (editor_user, "withdraw", "", DraftStatus.IN_REVIEW, DraftStatus.DRAFT),
            (editor_user, "submit", "", DraftStatus.DRAFT, DraftStatus.IN_REVIEW),
            (reviewer_user, "send_back", "Add a source.", DraftStatus.IN_REVIEW, DraftStatus.DRAFT),
            (admin_user, "submit", "", DraftStatus.DRAFT, DraftStatus.IN_REVIEW),
            (reviewer_user, "approve", "", DraftStatus.IN_REVIEW, DraftStatus.APPROVED),
            (admin_user, "reopen", "Typo.", DraftStatus.APPROVED, DraftStatus.DRAFT),
        ]
        for user, action, comment, _before, _after in steps:
            draft_transition(draft=english_draft, user=user, action=action, comment=comment)
        events = list(DraftEvent.objects.filter(draft=english_draft).order_by("id"))
        recorded = [
            (event.actor, event.kind, event.status_before, event.status_after) for event in events
        ]
        expected = [(user, action, before, after) for user, action, _c, before, after in steps]
        assert recorded == expected
        assert {event.revision_number for event in events} == {1}
        assert events[3].comment.body == "Add a source."
        assert events[6].comment.body == "Typo."
        assert events[0].comment is None

    def test_rejected_transition_records_nothing(self, english_draft, reviewer_user):
        with pytest.raises(ApplicationError):
            draft_transition(draft=english_draft, user=reviewer_user, action="submit")
        assert not DraftEvent.objects.filter(draft=english_draft).exists()

    def test_export_records_format_and_revision(self, english_draft, editor_user):
        _save(english_draft, editor_user, body="Second text.")
        english_draft.refresh_from_db()
        english_draft.status = DraftStatus.APPROVED
        english_draft.save()
        draft_export(draft=english_draft, user=editor_user, export_format="wxr")
        draft_export(draft=english_draft, user=editor_user, export_format="html")
        events = list(DraftEvent.objects.filter(draft=english_draft).order_by("id"))
        assert [(e.kind, e.export_format, e.revision_number) for e in events] == [
            ("export", "wxr", 2), ("export", "html", 2),
        ]
        assert (events[0].status_before, events[0].status_after) == ("approved", "exported")
        assert (events[1].status_before, events[1].status_after) == ("exported", "exported")

    def test_rejected_export_records_nothing(self, english_draft, editor_user):
        with pytest.raises(ApplicationError):
            draft_export(draft=english_draft, user=editor_user, export_format="markdown")
        assert not DraftEvent.objects.filter(draft=english_draft).exists()

    def test_event_text_follows_reader_language(self, english_draft, editor_user):
        english_draft.status = DraftStatus.APPROVED
        english_draft.save()
        with translation.override("ja"):
            draft_export(draft=english_draft, user=editor_user, export_format="wxr")
        event = DraftEvent.objects.get(draft=english_draft)
        with translation.override("en"):
            assert event.text == "Revision 1 exported as WordPress (WXR)"
        with japanese_catalog_with({
            "Revision %(revision)d exported as %(format)s": "リビジョン %(revision)d を %(format)s で書き出し",
            "WordPress (WXR)": "WordPress（WXR）",
        }), translation.override("ja"):
            assert event.text == "リビジョン 1 を WordPress（WXR） で書き出し"

    def test_export_without_revision_text(self, english_draft, english_messages):
        event = DraftEvent(
            draft=english_draft, kind=DraftEventKind.EXPORT, export_format="markdown",
            status_before="approved", status_after="exported",
        )
        assert event.text == "Exported as Markdown"

    def test_history_interleaves_events(
        self, english_draft, editor_user, reviewer_user
    ):
        draft_transition(draft=english_draft, user=editor_user, action="submit")
        draft_transition(draft=english_draft, user=reviewer_user, action="send_back", comment="Cut.")
        english_draft.refresh_from_db()
        _save(english_draft, editor_user, body="Shorter.")
        draft_transition(draft=english_draft, user=editor_user, action="submit")
        draft_transition(draft=english_draft, user=reviewer_user, action="approve")
        draft_export(draft=english_draft, user=editor_user, export_format="markdown")
        draft_export(draft=english_draft, user=editor_user, export_format="html")

        history = draft_history_list(draft=english_draft)
        rows = [
            f"r{entry.revision.number}" if entry.revision else entry.event.kind
            for entry in history
        ]
        assert rows == [
            "export", "export", "approve", "submit", "r2", "send_back", "submit", "r1",
        ]
        assert history[4].export_formats == ("markdown", "html")
        assert history[7].export_formats == ()


class SendBackCommentTests:
    def test_comment_shown_until_next_submit(self, english_draft, editor_user, reviewer_user):
        draft_transition(draft=english_draft, user=editor_user, action="submit")
        assert draft_send_back_comment(draft=english_draft) is None
        draft_transition(
            draft=english_draft, user=reviewer_user, action="send_back", comment="Add a source."
        )
        english_draft.refresh_from_db()
        assert draft_send_back_comment(draft=english_draft).body == "Add a source."

        draft_transition(draft=english_draft, user=editor_user, action="submit")
        english_draft.refresh_from_db()
        assert draft_send_back_comment(draft=english_draft) is None

    def test_withdraw_hides_older_comment(
        self, english_draft, editor_user, reviewer_user
    ):
        draft_transition(draft=english_draft, user=editor_user, action="submit")
        draft_transition(
            draft=english_draft, user=reviewer_user, action="send_back", comment="Add a source."
        )
        draft_transition(draft=english_draft, user=editor_user, action="submit")
        draft_transition(draft=english_draft, user=editor_user, action="withdraw")
        english_draft.refresh_from_db()
        assert english_draft.status == DraftStatus.DRAFT
        assert draft_send_back_comment(draft=english_draft) is None

    def test_later_send_back_replaces_earlier(self, english_draft, editor_user, reviewer_user):
        for comment in ("First remark.", "Second remark."):
            draft_transition(draft=english_draft, user=editor_user, action="submit")
            draft_transition(
                draft=english_draft, user=reviewer_user, action="send_back", comment=comment
            )
        english_draft.refresh_from_db()
        assert draft_send_back_comment(draft=english_draft).body == "Second remark."


class DraftCommentTests:
    def test_reviewer_comments(self, english_draft, reviewer_user):
        comment = draft_comment_create(draft=english_draft, user=reviewer_user, body=" Shorter title. ")
        assert comment.body == "Shorter title."
        assert comment.author == reviewer_user

    def test_editor_and_empty_comments_are_rejected(self, english_draft, editor_user, reviewer_user):
        with pytest.raises(ApplicationError):
            draft_comment_create(draft=english_draft, user=editor_user, body="Self-review")
        with pytest.raises(ApplicationError):
            draft_comment_create(draft=english_draft, user=reviewer_user, body="   ")
        assert not english_draft.comments.exists()


class DraftExportTests:
    @pytest.fixture
    def approved(self, english_draft):
        english_draft.status = DraftStatus.APPROVED
        english_draft.body += "\n<script>alert(1)</script>\n\nCode: `]]>` ends CDATA.\n"
        english_draft.save()
        return english_draft

    def test_unapproved_draft_is_not_exported(self, english_draft, editor_user):
        with pytest.raises(ApplicationError):
            draft_export(draft=english_draft, user=editor_user, export_format="markdown")

    def test_markdown_has_front_matter_and_marks_exported(self, approved, editor_user):
        exported = draft_export(draft=approved, user=editor_user, export_format="markdown")
        text = exported.content.decode()
        assert exported.file_name == "pollen-allergy-tips.md"
        assert exported.content_type.startswith("text/markdown")
        assert text.startswith(
            '---\ntitle: "Pollen allergy tips"\nslug: "pollen-allergy-tips"\n'
            'description: "Ten tips for the pollen season."\n'
            'keywords: ["pollen allergy", "tips"]\n---\n\n## Before the season'
        )
        approved.refresh_from_db()
        assert approved.status == DraftStatus.EXPORTED

    def test_html_is_sanitised_standalone_page(self, approved, editor_user):
        exported = draft_export(draft=approved, user=editor_user, export_format="html")
        html = exported.content.decode()
        assert exported.file_name == "pollen-allergy-tips.html"
        assert html.startswith("<!DOCTYPE html>\n<html lang=\"en\">")
        assert "<title>Pollen allergy tips</title>" in html
        assert '<meta name="description" content="Ten tips for the pollen season.">' in html
        assert "<h2>Before the season</h2>" in html
        assert "<script" not in html

    def test_wxr_is_wordpress_item_in_status_draft(self, approved, editor_user):
        exported = draft_export(draft=approved, user=editor_user, export_format="wxr")
        assert exported.file_name == "pollen-allergy-tips-wordpress.xml"
        root = ET.fromstring(exported.content)
        channel = root.find("channel")
        assert root.tag == "rss"
        assert root.get("version") == "2.0"
        assert channel.findtext("wp:wxr_version", namespaces=WXR_NAMESPACES) == "1.2"
        items = channel.findall("item")
        assert len(items) == 1
        item = items[0]
        assert item.findtext("title") == "Pollen allergy tips"
        assert item.findtext("wp:status", namespaces=WXR_NAMESPACES) == "draft"
        assert item.findtext("wp:post_type", namespaces=WXR_NAMESPACES) == "post"
        assert item.findtext("wp:post_name", namespaces=WXR_NAMESPACES) == "pollen-allergy-tips"
        assert item.findtext("dc:creator", namespaces=WXR_NAMESPACES) == "editor"
        assert item.findtext("excerpt:encoded", namespaces=WXR_NAMESPACES) == approved.meta_description
        content = item.findtext("content:encoded", namespaces=WXR_NAMESPACES)
        assert "<h2>Before the season</h2>" in content
        assert "<code>]]&gt;</code>" in content
        assert "<script" not in content
        tags = [c.text for c in item.findall("category") if c.get("domain") == "post_tag"]
        assert tags == ["pollen allergy", "tips"]
        assert b"<![CDATA[" in exported.content

    def test_japanese_draft_keeps_unicode_slug_in_file_name(self, site, editor_user):
        from seoassist.drafting.models import Draft

        draft = Draft.objects.create(
            site=site, owner=editor_user, language="ja", keywords=["花粉症"], title="花粉症の対策",
            slug="花粉症-対策", body="本文です。", status=DraftStatus.APPROVED,
        )
        exported = draft_export(draft=draft, user=editor_user, export_format="markdown")
        assert exported.file_name == "花粉症-対策.md"
        assert 'title: "花粉症の対策"' in exported.content.decode()
