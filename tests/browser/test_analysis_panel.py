"""The analysis panel in a real browser: live refresh, span selection, dismiss and restore.

The draft editor page embeds the panel, so these tests exercise the
fragment, htmx and analysis.js together.
"""
import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from playwright.sync_api import Page, expect

from seoassist.analysis.models import CheckDismissal
from seoassist.core.models import Site
from seoassist.drafting.models import Draft
from tests.browser.support import log_in

pytestmark = [pytest.mark.browser]

# The first paragraph lacks the keyphrase; the emoji takes two UTF-16 units,
# so a correct selection proves the code point offsets were converted.
BODY = "😀今日は晴れです。\n\n見積もりを比較します。"



@pytest.fixture
def draft(site: Site, editor_user: AbstractBaseUser) -> Draft:
    return Draft.objects.create(
        site=site, owner=editor_user, language="ja", keywords=["見積もり"],
        title="見積もりを安くする方法", slug="mitsumori", meta_description="", body=BODY,
    )


def open_panel(page: Page, draft: Draft) -> None:
    page.goto(reverse("drafting:draft_edit", args=[draft.pk]))
    log_in(page, username="editor", password="editor-pass-123")
    expect(page.locator("#analysis-panel .analysis-seo-score")).to_be_visible()
    # Wait until analysis.js has installed its click handler.
    page.wait_for_function("() => window.seoassistAnalysis === true")


class AnalysisPanelTests:
    def test_span_link_selects_text_in_body(self, page: Page, draft: Draft) -> None:
        open_panel(page, draft)
        intro = page.locator("#analysis-panel .check-keyphrase_in_introduction")
        intro.locator("a.analysis-span").first.click()
        selected = page.evaluate(
            "() => { const body = document.querySelector('#id_body');"
            " return body.value.slice(body.selectionStart, body.selectionEnd); }"
        )
        assert selected == "😀今日は晴れです。"

    def test_typing_refreshes_the_analysis(self, page: Page, draft: Draft) -> None:
        open_panel(page, draft)
        introduction = page.locator(
            "#analysis-panel .check-keyphrase_in_introduction .analysis-icon"
        )
        expect(introduction).to_have_class("analysis-icon status-problem")
        page.locator("#id_body").fill("見積もりは無料です。\n\n" + BODY)
        expect(introduction).to_have_class("analysis-icon status-good")

    def test_dismiss_and_restore_a_check(self, page: Page, draft: Draft) -> None:
        open_panel(page, draft)
        check = page.locator("#analysis-panel .analysis-checks .check-text_length").first
        check.locator("summary").click()
        check.locator("input[name=reason_text_length]").fill("短信なので短い")
        check.locator("button.analysis-dismiss-button").click()

        dismissed = page.locator("#analysis-panel .analysis-dismissed .check-text_length")
        expect(dismissed).to_contain_text("短信なので短い")
        assert CheckDismissal.objects.get(draft=draft).reason == "短信なので短い"

        dismissed.locator("button.analysis-restore").click()
        expect(page.locator("#analysis-panel .analysis-dismissed")).to_have_count(0)
        assert not CheckDismissal.objects.filter(draft=draft).exists()
