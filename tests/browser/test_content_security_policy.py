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


@pytest.fixture
def policy_console_messages(context: BrowserContext, page: Page) -> list[str]:
    """Record policy violations in every document and collect the console's policy messages."""
    messages: list[str] = []

    def keep_policy_messages(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            messages.append(message.text)

    context.add_init_script(RECORD_VIOLATIONS)
    page.on("console", keep_policy_messages)
    return messages


class ContentSecurityPolicyTests:
    def test_main_pages_report_no_violation(
        self, page: Page, editor_user: AbstractBaseUser, drafted, policy_console_messages: list[str]
    ) -> None:
        from django.urls import reverse

        queued, draft = drafted
        console_errors = policy_console_messages

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

    def test_long_edit_and_save_report_no_violation(
        self, page: Page, editor_user: AbstractBaseUser, drafted, policy_console_messages: list[str]
    ) -> None:
        """Typing a long body refreshes the preview and the analysis panel; saving reloads the page."""
        from django.urls import reverse

        _, draft = drafted
        console_errors = policy_console_messages
        page.goto("/")
        log_in(page, username="editor", password="editor-pass-123")
        page.wait_for_url("**/")
        page.goto(reverse("drafting:draft_edit", args=[draft.pk]))
        page.wait_for_load_state("load")
        sections = "\n\n".join(
            f"## 花粉症の対策その{number}\n\n"
            + "花粉症の季節には、マスクと眼鏡で花粉を防ぎ、帰宅したら衣服を払ってから部屋に入ります。" * 6
            + "\n\n- 外出を控える\n- 洗濯物は部屋に干す\n\n> 医師に相談しましょう。\n\n"
            + "| 対策 | 効果 |\n| :--- | ---: |\n| マスク | 高い |\n\n**大切**なのは*早めの*対策です。"
            + "[詳しくはこちら](https://example.com/)"
            for number in range(1, 9)
        )
        body = page.locator("#id_body")
        body.fill(sections)
        body.press("End")
        body.type("。")
        # The preview and the analysis panel update after the edit, before the save.
        expect(page.locator("#preview h2").first).to_be_visible()
        expect(page.locator("#analysis-panel .analysis-check").first).to_be_visible()
        # Scripts may size the swap targets, and htmx must not copy such styles as attributes.
        page.evaluate("document.querySelector('#preview').style.minHeight = '40em'")
        page.evaluate("document.querySelector('#analysis-panel').style.minHeight = '20em'")
        body.type("花粉")
        page.wait_for_timeout(1500)
        assert page.evaluate("window.__cspViolations") == []
        page.locator("#draft-form button[type=submit]").first.click()
        page.wait_for_load_state("load")
        page.wait_for_timeout(1200)
        assert page.evaluate("window.__cspViolations") == []
        draft.refresh_from_db()
        newest = draft.revisions.first()
        assert newest is not None and "花粉症の対策その8" in newest.body
        page.goto(reverse("drafting:draft_revisions", args=[draft.pk]))
        page.goto(reverse("drafting:draft_revision_diff", args=[draft.pk, newest.number]))
        page.wait_for_timeout(300)
        violations = page.evaluate("window.__cspViolations")
        assert violations == [], violations
        assert console_errors == []
