"""The draft editor in the browser: autosave, restore, two editors at once, workflow and export.

Each test runs with the Japanese and the English interface; the expected
strings come from the catalog of that language.
"""
import re
from collections.abc import Iterator

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Browser, BrowserContext, Page, expect
from pytest_django.live_server_helper import LiveServer

from seoassist.core.models import Role, Site
from seoassist.core.services import membership_set, user_create
from seoassist.drafting.models import Draft, DraftLock, DraftRevision, DraftStatus, RevisionNote
from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.conftest import wait_for

pytestmark = [pytest.mark.browser]

LOCALES = {"ja": "ja-JP", "en": "en-US"}
ORIGINAL_BODY = "## 花粉症の基本\n\n花粉症は春に多い病気です。\n"


def tr(language: str, message: str, **values: object) -> str:
    with translation.override(language):
        text = translation.gettext(message)
    return text % values if values else text


@pytest.fixture(params=["ja", "en"])
def language(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def open_context(browser: Browser, live_server: LiveServer, language: str) -> Iterator:
    """Open browser contexts in the test's interface language; each may only reach the live server."""
    opened: list[BrowserContext] = []
    blocked: list[str] = []

    def open_one() -> BrowserContext:
        context = browser.new_context(
            base_url=live_server.url, locale=LOCALES[language], timezone_id="Asia/Tokyo"
        )
        context.set_default_timeout(DEFAULT_TIMEOUT_MS)
        context.route(
            re.compile(rf"^(?!{re.escape(live_server.url)}/)"),
            lambda route: (blocked.append(route.request.url), route.abort()),
        )
        opened.append(context)
        return context

    yield open_one
    for context in opened:
        context.close()
    assert not blocked, f"The pages requested other hosts: {blocked}"


@pytest.fixture
def draft(site: Site, editor_user: AbstractBaseUser) -> Draft:
    created = Draft.objects.create(
        site=site, owner=editor_user, language="ja", keywords=["花粉症"], title="花粉症の対策",
        slug="kafun-taisaku", meta_description="花粉症の対策をまとめました。", body=ORIGINAL_BODY,
    )
    DraftRevision.objects.create(
        draft=created, number=1, title=created.title, slug=created.slug,
        meta_description=created.meta_description, body=created.body,
    )
    return created


def _member(site: Site, username: str, role: str) -> AbstractBaseUser:
    user = user_create(username=username, password=f"{username}-pass-123")
    membership_set(user=user, site=site, role=role)
    return user


def _open_as(context: BrowserContext, language: str, url: str, username: str, password: str) -> Page:
    page = context.new_page()
    page.goto(url)
    page.get_by_label(tr(language, "User name"), exact=True).fill(username)
    page.get_by_label(tr(language, "Password"), exact=True).fill(password)
    page.get_by_role("button", name=tr(language, "Log in"), exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(url) + "$"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    # draft-editor.js counts edits from its input listener, which it adds once the
    # deferred scripts have run; text typed before that would not count as unsaved.
    page.wait_for_load_state("load")
    return page


def _saved_prefix(language: str) -> re.Pattern[str]:
    prefix = tr(language, "Saved at %(time)s").split("%(time)s")[0]
    return re.compile(re.escape(prefix) + r".*\d{2}:\d{2}")


def _revision_count_label(language: str, count: int) -> str:
    with translation.override(language):
        text = translation.ngettext("%(counter)s revision", "%(counter)s revisions", count)
    return text % {"counter": count}


class DraftEditingTests:
    def test_autosave_then_restore_first_revision(
        self, open_context, language, settings, draft, editor_user
    ) -> None:
        settings.SEOASSIST_AUTOSAVE_SECONDS = 1
        edit_url = reverse("drafting:draft_edit", args=[draft.pk])
        page = _open_as(open_context(), language, edit_url, "editor", "editor-pass-123")

        # Typing leaves unsaved text, which the page saves on its own within a second.
        body = page.locator("#id_body")
        body.click()
        body.press("Control+End")
        page.keyboard.type("目のかゆみも出ます。")
        expect(page.locator("#save-status")).to_have_text(_saved_prefix(language))
        # A save may start while the keys are still being typed; the next one stores the rest.
        wait_for(
            lambda: Draft.objects.get(pk=draft.pk).body.endswith("目のかゆみも出ます。"), timeout=10
        )
        draft.refresh_from_db()
        autosaved = draft.revisions.first()
        assert autosaved.number >= 2
        assert autosaved.note_code == RevisionNote.AUTOSAVE
        with translation.override(language):
            assert autosaved.note_text == tr(language, "Autosave")

        # Compare revision 1 with the current text, side by side, and restore it. The
        # reloaded editor waits ten minutes between autosaves, so only leaving it saves.
        settings.SEOASSIST_AUTOSAVE_SECONDS = 600
        page.goto(reverse("drafting:draft_revision_diff", args=[draft.pk, 1]))
        diff = page.locator("table.diff")
        changed_lines = diff.locator("tr.diff-replace .diff-new, tr.diff-insert .diff-new")
        expect(changed_lines.first).to_contain_text("目のかゆみも出ます。")
        page.get_by_role(
            "button", name=tr(language, "Restore revision %(number)s", number=1), exact=True
        ).click()
        expect(page).to_have_url(re.compile(re.escape(edit_url) + "$"))
        expect(page.locator(".messages .message.success")).to_contain_text(
            tr(
                language,
                "Restored revision %(old)d as the new revision %(new)d.",
                old=1,
                new=autosaved.number + 1,
            )
        )
        expect(body).to_have_value(ORIGINAL_BODY)
        page.wait_for_load_state("load")
        draft.refresh_from_db()
        assert draft.body == ORIGINAL_BODY
        assert draft.revisions.count() == autosaved.number + 1

        # Leaving the page sends the unsaved text with navigator.sendBeacon.
        body.press("Control+End")
        page.keyboard.type("離れる前の追記。")
        page.goto(reverse("drafting:draft_list"))
        wait_for(
            lambda: Draft.objects.get(pk=draft.pk).body.endswith("離れる前の追記。"), timeout=10
        )
        assert not DraftLock.objects.filter(draft=draft).exists()

    def test_save_after_autosave_reports_success(
        self, open_context, language, settings, draft, editor_user
    ) -> None:
        settings.SEOASSIST_AUTOSAVE_SECONDS = 1
        edit_url = reverse("drafting:draft_edit", args=[draft.pk])
        page = _open_as(open_context(), language, edit_url, "editor", "editor-pass-123")
        revision_count = page.locator("#revision-count")
        expect(revision_count).to_have_text(_revision_count_label(language, 1))

        body = page.locator("#id_body")
        body.click()
        body.press("Control+End")
        page.keyboard.type("目のかゆみも出ます。")
        wait_for(
            lambda: Draft.objects.get(pk=draft.pk).body.endswith("目のかゆみも出ます。"), timeout=10
        )
        stored = draft.revisions.count()
        assert stored >= 2
        # The header counts the autosaved revisions without a reload.
        expect(revision_count).to_have_text(_revision_count_label(language, stored))
        expect(page.locator("#save-status")).to_have_text(_saved_prefix(language))

        page.get_by_role("button", name=tr(language, "Save"), exact=True).click()

        expect(page).to_have_url(re.compile(re.escape(edit_url) + "$"))
        message = tr(
            language,
            "Your changes were already saved automatically at %(time)s (revision %(number)d).",
            time="TIME",
            number=stored,
        )
        before, after = message.split("TIME")
        expect(page.locator(".messages .message.success")).to_have_text(
            re.compile(re.escape(before) + r"\d{2}:\d{2}" + re.escape(after))
        )
        expect(page.locator(".messages")).not_to_contain_text(
            tr(language, "Nothing changed since the last save.")
        )
        assert draft.revisions.count() == stored

    def test_take_over_and_conflicting_save_are_merged(
        self, open_context, language, settings, site, draft, editor_user
    ) -> None:
        settings.SEOASSIST_HEARTBEAT_SECONDS = 1
        _member(site, "colleague", Role.EDITOR)
        edit_url = reverse("drafting:draft_edit", args=[draft.pk])
        first = _open_as(open_context(), language, edit_url, "editor", "editor-pass-123")
        second = _open_as(open_context(), language, edit_url, "colleague", "colleague-pass-123")

        # The second editor is shown who has the lock, and takes it over.
        expect(second.locator("#lock-notice")).to_contain_text("editor")
        second.get_by_role("button", name=tr(language, "Take over editing"), exact=True).click()
        expect(second.locator("#lock-notice")).to_have_count(0)

        # The first page learns at its next heartbeat that it lost the lock.
        lost = tr(
            language,
            "%(user)s took over editing. Autosave stopped; "
            "copy your latest changes before you reload.",
            user="colleague",
        )
        expect(first.locator("#save-status")).to_have_text(lost)
        expect(first.locator("#draft-form")).to_have_attribute("data-autosave", "off")

        # Both save a change; the later save from the older version shows both versions.
        second.locator("#id_body").fill(ORIGINAL_BODY + "\n同僚の追記です。\n")
        second.get_by_role("button", name=tr(language, "Save"), exact=True).click()
        expect(second.locator(".messages .message.success")).to_be_visible()
        first.locator("#id_body").fill(ORIGINAL_BODY + "\n私の追記です。\n")
        first.get_by_role("button", name=tr(language, "Save"), exact=True).click()
        merge = first.locator("#merge")
        expect(merge.locator(".diff-old", has_text="同僚の追記です。")).to_be_visible()
        expect(merge.locator(".diff-new", has_text="私の追記です。")).to_be_visible()

        merged = ORIGINAL_BODY + "\n同僚の追記です。\n私の追記です。\n"
        first.locator("#id_body").fill(merged)
        first.get_by_role("button", name=tr(language, "Save"), exact=True).click()
        expect(first.locator(".messages .message.success")).to_be_visible()
        draft.refresh_from_db()
        # Browsers submit textarea lines with CRLF, and the form strips the final newline.
        assert draft.body.replace("\r\n", "\n") == merged.strip()
        assert draft.version == 3

    def test_submit_approve_and_export(
        self, open_context, language, site, draft, editor_user
    ) -> None:
        _member(site, "reviewer", Role.REVIEWER)
        edit_url = reverse("drafting:draft_edit", args=[draft.pk])
        editor = _open_as(open_context(), language, edit_url, "editor", "editor-pass-123")
        editor.get_by_role("button", name=tr(language, "Submit for review"), exact=True).click()
        expect(editor.locator("#draft-status")).to_have_text(tr(language, "In review"))

        reviewer = _open_as(open_context(), language, edit_url, "reviewer", "reviewer-pass-123")
        reviewer.get_by_label(tr(language, "New comment"), exact=True).fill("導入が分かりやすいです。")
        reviewer.get_by_role("button", name=tr(language, "Add comment"), exact=True).click()
        reviewer.get_by_role("button", name=tr(language, "Approve"), exact=True).click()
        expect(reviewer.locator("#draft-status")).to_have_text(tr(language, "Approved"))

        editor.reload()
        expect(editor.locator(".comment-body")).to_have_text("導入が分かりやすいです。")
        with editor.expect_download() as markdown:
            editor.get_by_role("button", name=tr(language, "Download Markdown"), exact=True).click()
        assert markdown.value.suggested_filename == "kafun-taisaku.md"
        text = open(markdown.value.path(), encoding="utf-8").read()
        assert text.startswith('---\ntitle: "花粉症の対策"\nslug: "kafun-taisaku"\n')
        with editor.expect_download() as wxr:
            editor.get_by_role("button", name=tr(language, "Download WordPress (WXR)"), exact=True).click()
        assert wxr.value.suggested_filename == "kafun-taisaku-wordpress.xml"
        assert "<wp:status><![CDATA[draft]]></wp:status>" in open(wxr.value.path(), encoding="utf-8").read()
        draft.refresh_from_db()
        assert draft.status == DraftStatus.EXPORTED

    def test_withdraw_send_back_and_history(
        self, open_context, language, site, draft, editor_user
    ) -> None:
        _member(site, "reviewer", Role.REVIEWER)
        edit_url = reverse("drafting:draft_edit", args=[draft.pk])
        editor = _open_as(open_context(), language, edit_url, "editor", "editor-pass-123")
        editor.get_by_role("button", name=tr(language, "Submit for review"), exact=True).click()
        expect(editor.locator("#draft-status")).to_have_text(tr(language, "In review"))
        expect(editor.locator("#read-only-notice")).to_contain_text(
            tr(language, "Withdraw from review")
        )
        editor.get_by_role("button", name=tr(language, "Withdraw from review"), exact=True).click()
        expect(editor.locator("#draft-status")).to_have_text(tr(language, "Draft"))
        expect(editor.locator("#id_body")).to_be_editable()
        editor.get_by_role("button", name=tr(language, "Submit for review"), exact=True).click()
        expect(editor.locator("#draft-status")).to_have_text(tr(language, "In review"))

        reviewer = _open_as(open_context(), language, edit_url, "reviewer", "reviewer-pass-123")
        reviewer.locator("#id_workflow_comment").fill("出典を加えてください。")
        reviewer.get_by_role("button", name=tr(language, "Send back"), exact=True).click()
        expect(reviewer.locator(".messages .message.success")).to_contain_text(
            tr(language, "The draft is now “%(status)s”, and your comment went back to the "
               "editor with it. They see it at the top of the editor page until they submit "
               "the draft again.",
               status=tr(language, "Draft"))
        )

        editor.reload()
        expect(editor.locator("#send-back-notice")).to_contain_text("出典を加えてください。")
        editor.get_by_role("button", name=tr(language, "Submit for review"), exact=True).click()
        expect(editor.locator("#draft-status")).to_have_text(tr(language, "In review"))
        expect(editor.locator("#send-back-notice")).to_have_count(0)

        editor.goto(reverse("drafting:draft_revisions", args=[draft.pk]))
        editor.wait_for_load_state()
        kinds = editor.locator("tr.event").evaluate_all(
            "rows => rows.map(row => row.className.replace('event event-', ''))"
        )
        assert kinds == ["submit", "send_back", "submit", "withdraw", "submit"]
        expect(editor.locator("tr.event-send_back")).to_contain_text(
            tr(language, "Sent back to the editor")
        )
