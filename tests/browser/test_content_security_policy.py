"""Every main page works under the strict Content-Security-Policy, with no violation reported."""
import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from playwright.sync_api import BrowserContext, ConsoleMessage, Page, expect

from seoassist.core.models import Site
from tests.browser.support import log_in

pytestmark = [pytest.mark.browser]

# Runs in every document before its own scripts, outside the page's policy, and
# records each violation the browser reports.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " blocked " + (event.blockedURI || "inline"));
});
"""


@pytest.fixture
def drafted(demo_site: Site, editor_user: AbstractBaseUser):
    """A queued request, whose page polls with htmx, and a draft to open in the editor."""
    from seoassist.drafting.models import Draft, KeywordRequest

    queued = KeywordRequest.objects.create(
        site=demo_site, created_by=editor_user, keywords=["花粉症"], language="ja",
        target_length=800, progress_total=4,
    )
    draft = Draft.objects.create(
        site=demo_site, owner=editor_user, language="ja", keywords=["花粉症"],
        title="花粉症の対策", body="## 花粉症とは\n\n花粉症の対策をまとめます。",
    )
    return queued, draft


class ContentSecurityPolicyTests:
    def test_main_pages_report_no_violation(
        self, context: BrowserContext, page: Page, editor_user: AbstractBaseUser, drafted
    ) -> None:
        from django.urls import reverse

        queued, draft = drafted
        console_errors: list[str] = []

        def keep_policy_messages(message: ConsoleMessage) -> None:
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
                console_errors.append(message.text)

        context.add_init_script(RECORD_VIOLATIONS)
        page.on("console", keep_policy_messages)

        page.goto("/")
        log_in(page, username="editor", password="editor-pass-123")
        page.wait_for_url("**/")
        paths = [
            reverse("core:home"),
            reverse("drafting:request_create"),
            reverse("drafting:request_list"),
            reverse("drafting:request_detail", args=[queued.pk]),
            reverse("drafting:draft_list"),
            reverse("drafting:draft_edit", args=[draft.pk]),
            reverse("drafting:draft_revisions", args=[draft.pk]),
            reverse("trends:keyword_list"),
            reverse("corpus:import_list"),
            reverse("engine:model_overview"),
        ]
        for path in paths:
            response = page.goto(path)
            assert response is not None and response.ok, path
            policy = response.header_value("content-security-policy") or ""
            assert "script-src 'self'" in policy, path
            assert "style-src 'self'" in policy, path
            # Let htmx poll once and the charts draw before reading the record.
            page.wait_for_timeout(300)
            violations = page.evaluate("window.__cspViolations")
            assert violations == [], f"{path}: {violations}"
        assert console_errors == []

    def test_language_select_submits_without_inline_handler(
        self, page: Page, editor_user: AbstractBaseUser
    ) -> None:
        page.goto("/")
        log_in(page, username="editor", password="editor-pass-123")
        page.wait_for_url("**/")
        # app.js attaches the change handler once the deferred scripts have run.
        page.wait_for_load_state("load")
        page.locator("select[name=language]").select_option("en")
        # The script submits the form, so the new page arrives after select_option returns.
        expect(page.locator("html")).to_have_attribute("lang", "en")
