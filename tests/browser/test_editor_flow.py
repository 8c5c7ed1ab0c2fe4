"""An editor's whole path in the browser: Japanese keywords, a real worker, the draft editor.

The site starts without a language model, so the request first waits for the
worker to train one with the "tiny" test profile, then gets its draft.
"""
import re
import time
from collections.abc import Callable

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from playwright.sync_api import Page, expect

from seoassist.core.models import Site
from seoassist.drafting.models import DraftRevision
from tests.browser.support import ja, ja_plural, log_in
from tests.conftest import WorkerProcess

pytestmark = [pytest.mark.browser]

# Seconds to see the request wait for the first model, then to see its draft.
# On two CPU cores the whole request finished within 30 s of the worker's start,
# so the limits leave room for a busy machine.
WAITING_TIMEOUT_S = 120
DRAFT_TIMEOUT_S = 180
# Each round of a long wait lasts this long before the worker is checked again.
ROUND_MS = 2_000


def _expect_while_worker_runs(
    check: Callable[[float], None], worker: WorkerProcess, *, timeout_s: float
) -> None:
    """Repeat a Playwright assertion in short rounds, and fail early if the worker exits.

    `check` receives the timeout in milliseconds for one round.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            check(ROUND_MS)
            return
        except AssertionError as error:
            if worker.process.poll() is not None:
                pytest.fail(
                    f"The worker exited with {worker.process.returncode}:\n{worker.log()}"
                )
            if time.monotonic() >= deadline:
                pytest.fail(f"Timed out after {timeout_s} s: {error}\nWorker log:\n{worker.log()}")


class EditorFlowTests:
    def test_japanese_keywords_become_edited_draft(
        self,
        demo_site: Site,
        editor_user: AbstractBaseUser,
        celery_worker_process: WorkerProcess,
        page: Page,
    ) -> None:
        # Log in and open the request form from the navigation.
        page.goto("/")
        log_in(page, username="editor", password="editor-pass-123")
        page.get_by_role("navigation").get_by_role(
            "link", name=ja("New request"), exact=True
        ).click()
        expect(page.get_by_role("heading", name=ja("New request"), exact=True)).to_be_visible()

        # Submit two Japanese keywords.
        page.get_by_label(ja("Keywords"), exact=True).fill("花粉症, 対策")
        page.get_by_role("button", name=ja("Submit"), exact=True).click()

        expect(page).to_have_url(re.compile(r"/requests/\d+/$"))
        expect(page.get_by_role("heading", name="花粉症, 対策", exact=True)).to_be_visible()
        status_box = page.locator("#request-status")
        open_draft = page.get_by_role("link", name=ja("Open the draft"), exact=True)
        expect(status_box).to_be_visible()
        expect(status_box).to_have_attribute("hx-get", re.compile(r"/status/$"))
        expect(status_box.locator("[role=progressbar], .notice").first).to_be_visible()
        expect(open_draft).to_have_count(0)

        # The page polls its status: first the wait for the site's first model ...
        waiting_box = status_box.filter(has=page.locator(".status-waiting_for_model")).filter(
            has=page.locator(".notice")
        )
        _expect_while_worker_runs(
            lambda timeout: expect(waiting_box).to_contain_text(
                ja("Waiting for the site's first models"), timeout=timeout
            ),
            celery_worker_process,
            timeout_s=WAITING_TIMEOUT_S,
        )

        # ... then the finished request, after the page has reloaded itself.
        _expect_while_worker_runs(
            lambda timeout: expect(open_draft).to_be_visible(timeout=timeout),
            celery_worker_process,
            timeout_s=DRAFT_TIMEOUT_S,
        )
        expect(status_box.locator(".status")).to_have_text(ja("Finished"))
        expect(status_box.locator("[role=progressbar]")).to_have_count(0)

        # Chart.js draws the forecast of 花粉症, which has trend data, but 対策 has none.
        forecasts = page.locator(".forecast")
        pollen_chart = forecasts.filter(
            has=page.get_by_role("heading", name=re.compile(r"^花粉症"))
        ).locator("canvas")
        expect(pollen_chart).to_be_visible()
        # The chart scripts at the end of the page may still be loading when the
        # canvas shows, so wait until Chart.js has drawn on it.
        drawn_points = page.wait_for_function(
            """canvas => {
                const chart = window.Chart && window.Chart.getChart(canvas);
                return chart && chart.data.datasets[0].data.length;
            }""",
            arg=pollen_chart.element_handle(),
        ).json_value()
        assert drawn_points > 0
        countermeasure = forecasts.filter(
            has=page.get_by_role("heading", name=re.compile(r"^対策"))
        )
        expect(countermeasure.locator("canvas")).to_have_count(0)
        expect(countermeasure.locator(".notice")).to_be_visible()

        # Open the draft: the generated title and body both use the keyword.
        open_draft.click()
        expect(page).to_have_url(re.compile(r"/drafts/\d+/$"))
        draft_url = page.url
        title = page.locator("#id_title")
        body = page.locator("#id_body")
        preview = page.locator("#preview")
        original_title = title.input_value()
        assert "花粉症" in original_title
        assert "花粉症" in body.input_value()
        expect(preview).to_contain_text("花粉症")

        # Typing in the body posts it to the preview URL and updates the preview.
        appended = "花粉症の季節は早めの受診も大切です。"
        with page.expect_response(
            lambda response: response.url == f"{draft_url}preview/"
            and response.request.method == "POST"
        ) as preview_response:
            body.click()
            body.press("Control+End")
            page.keyboard.type(f"\n\n{appended}")
        assert preview_response.value.ok
        expect(preview).to_contain_text(appended)

        # Edit the title too, then save.
        new_title = f"{original_title}（改訂版）"
        title.fill(new_title)
        page.get_by_role("button", name=ja("Save"), exact=True).click()

        saved_message = ja("Saved as revision %(number)d.") % {"number": 2}
        expect(page.locator(".messages .message.success")).to_have_text(saved_message)
        expect(page).to_have_url(draft_url)
        expect(title).to_have_value(new_title)
        expect(body).to_have_value(re.compile(re.escape(appended)))

        # The revisions page lists the generated revision and the editor's.
        page.get_by_role(
            "link", name=ja_plural("%(counter)s revision", "%(counter)s revisions", 2), exact=True
        ).click()
        expect(page).to_have_url(f"{draft_url}revisions/")
        rows = page.locator("tr.revision")
        expect(rows).to_have_count(2)
        second = rows.filter(has=page.locator("td:first-child", has_text=re.compile(r"^2$")))
        expect(second.locator("td").nth(1)).to_have_text(new_title)
        expect(second.locator("td").nth(2)).to_have_text("editor")
        first = rows.filter(has=page.locator("td:first-child", has_text=re.compile(r"^1$")))
        expect(first.locator("td").nth(1)).to_have_text(original_title)
        expect(first.locator("td").nth(2)).to_have_text(ja("Generated"))

        stored = DraftRevision.objects.get(draft__request__site=demo_site, number=2)
        assert stored.author == editor_user
        assert stored.title == new_title
        assert appended in stored.body
