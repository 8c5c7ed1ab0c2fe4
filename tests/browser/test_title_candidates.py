"""Title candidates on the draft editor page: picking one fills the title and refreshes the analysis."""
import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from playwright.sync_api import Page, expect

from seoassist.core.models import Site
from seoassist.drafting.models import Draft
from tests.browser.support import log_in

pytestmark = [pytest.mark.browser]

FIRST = "見積もりを安くする方法と比較のコツ"
# The keyphrase is inside the title rather than at its start.
SECOND = "失敗しない見積もりの取り方と業者選び"


@pytest.fixture
def draft(site: Site, editor_user: AbstractBaseUser) -> Draft:
    ranking = [
        {
            "text": FIRST, "log_likelihood": -2.1, "likelihood_rank": 2,
            "checks": {"keyphrase_in_title": "good", "title_width": "good"}, "measure": 340, "score": 18.0,
        },
        {
            "text": SECOND, "log_likelihood": -1.7, "likelihood_rank": 1,
            "checks": {"keyphrase_in_title": "improve", "title_width": "good"}, "measure": 360, "score": 17.0,
        },
    ]
    return Draft.objects.create(
        site=site, owner=editor_user, language="ja", keywords=["見積もり"],
        title=FIRST, title_candidates=[FIRST, SECOND], slug="mitsumori", meta_description="",
        body="見積もりは無料です。\n\n## 比較\n\n三社の見積もりを比べます。",
        generation={"title_ranking": ranking},
    )


class TitleCandidateTests:
    def test_candidates_show_width_and_checks(self, page: Page, draft: Draft) -> None:
        page.goto(reverse("drafting:draft_edit", args=[draft.pk]))
        log_in(page, username="editor", password="editor-pass-123")
        items = page.locator("#title-candidates .title-candidate-item")
        expect(items).to_have_count(2)
        expect(items.nth(0).locator("button.title-candidate")).to_have_attribute("aria-pressed", "true")
        expect(items.nth(1)).to_contain_text("360 px")
        expect(items.nth(1).locator(".check-keyphrase_in_title .analysis-icon")).to_have_class(
            "analysis-icon status-improve"
        )

    def test_picked_candidate_refreshes_analysis(self, page: Page, draft: Draft) -> None:
        page.goto(reverse("drafting:draft_edit", args=[draft.pk]))
        log_in(page, username="editor", password="editor-pass-123")
        page.wait_for_load_state("load")
        keyphrase_check = page.locator("#analysis-panel .check-keyphrase_in_title .analysis-icon")
        expect(keyphrase_check).to_have_class("analysis-icon status-good")

        page.locator("#title-candidates button.title-candidate", has_text=SECOND).click()

        expect(page.locator("#id_title")).to_have_value(SECOND)
        expect(page.locator("#title-candidates button.title-candidate").nth(1)).to_have_attribute(
            "aria-pressed", "true"
        )
        expect(keyphrase_check).to_have_class("analysis-icon status-improve")
        expect(page.locator("#analysis-panel .serp-title")).to_have_text(SECOND)


ENGLISH_FIRST = "How to Cut Moving Costs"
# Accents, punctuation and a dash test that the page slugs a title as the server does.
ENGLISH_SECOND = "Déménagement Quotes: Compare 3 Firms — Before You Book!"


@pytest.fixture
def english_draft(site: Site, editor_user: AbstractBaseUser) -> Draft:
    ranking = [
        {
            "text": text, "log_likelihood": -2.0, "likelihood_rank": rank,
            "checks": {"keyphrase_in_title": "good", "title_width": "good"}, "measure": 300, "score": 18.0,
        }
        for rank, text in enumerate([ENGLISH_FIRST, ENGLISH_SECOND], start=1)
    ]
    return Draft.objects.create(
        site=site, owner=editor_user, language="en", keywords=["moving costs"],
        title=ENGLISH_FIRST, title_candidates=[ENGLISH_FIRST, ENGLISH_SECOND],
        slug="how-to-cut-moving-costs", meta_description="",
        body="Moving costs depend on distance.\n\n## Quotes\n\nCompare three quotes.",
        generation={"title_ranking": ranking},
    )


class TitleCandidateSlugTests:
    def _open(self, page: Page, draft: Draft) -> None:
        page.goto(reverse("drafting:draft_edit", args=[draft.pk]))
        log_in(page, username="editor", password="editor-pass-123")
        page.wait_for_load_state("load")

    def test_generated_slug_follows_candidate(self, page: Page, english_draft: Draft) -> None:
        self._open(page, english_draft)

        page.locator("#title-candidates button.title-candidate", has_text=ENGLISH_SECOND).click()

        expect(page.locator("#id_title")).to_have_value(ENGLISH_SECOND)
        expect(page.locator("#id_slug")).to_have_value(slugify(ENGLISH_SECOND))

        page.locator("#title-candidates button.title-candidate", has_text=ENGLISH_FIRST).click()

        expect(page.locator("#id_slug")).to_have_value("how-to-cut-moving-costs")

    def test_generated_slug_follows_typed_title(self, page: Page, english_draft: Draft) -> None:
        self._open(page, english_draft)

        page.locator("#id_title").fill("Moving Day Checklist")

        expect(page.locator("#id_slug")).to_have_value("moving-day-checklist")

        page.locator("#id_title").press_sequentially(" 2026")

        expect(page.locator("#id_slug")).to_have_value("moving-day-checklist-2026")

    def test_typed_slug_stays_when_title_is_typed(self, page: Page, english_draft: Draft) -> None:
        self._open(page, english_draft)
        page.locator("#id_slug").fill("moving-guide")

        page.locator("#id_title").fill("Moving Day Checklist")

        expect(page.locator("#id_title")).to_have_value("Moving Day Checklist")
        expect(page.locator("#id_slug")).to_have_value("moving-guide")

    def test_saved_hand_written_slug_stays(self, page: Page, english_draft: Draft) -> None:
        english_draft.slug = "moving-guide"
        english_draft.save()
        self._open(page, english_draft)

        page.locator("#title-candidates button.title-candidate", has_text=ENGLISH_SECOND).click()
        page.locator("#id_title").fill("Moving Day Checklist")

        expect(page.locator("#id_slug")).to_have_value("moving-guide")

    def test_exported_draft_keeps_slug(self, page: Page, english_draft: Draft) -> None:
        # Exported once, then reopened for editing: the published URL must stay.
        english_draft.exported_at = timezone.now()
        english_draft.save()
        self._open(page, english_draft)

        page.locator("#title-candidates button.title-candidate", has_text=ENGLISH_SECOND).click()

        expect(page.locator("#id_title")).to_have_value(ENGLISH_SECOND)
        expect(page.locator("#id_slug")).to_have_value("how-to-cut-moving-costs")

        page.locator("#id_title").fill("Moving Day Checklist")

        expect(page.locator("#id_slug")).to_have_value("how-to-cut-moving-costs")

    def test_typed_slug_stays(self, page: Page, english_draft: Draft) -> None:
        self._open(page, english_draft)
        page.locator("#id_slug").fill("moving-guide")

        page.locator("#title-candidates button.title-candidate", has_text=ENGLISH_SECOND).click()

        expect(page.locator("#id_title")).to_have_value(ENGLISH_SECOND)
        expect(page.locator("#id_slug")).to_have_value("moving-guide")

    def test_japanese_slug_stays(self, page: Page, draft: Draft) -> None:
        self._open(page, draft)

        page.locator("#title-candidates button.title-candidate", has_text=SECOND).click()

        expect(page.locator("#id_title")).to_have_value(SECOND)
        expect(page.locator("#id_slug")).to_have_value("mitsumori")

        page.locator("#id_title").fill("Moving quotes compared")

        expect(page.locator("#id_slug")).to_have_value("mitsumori")
