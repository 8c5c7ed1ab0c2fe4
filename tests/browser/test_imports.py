"""The import form shows the fields of the chosen source."""
import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from playwright.sync_api import Page, expect

from tests.browser.support import ja, log_in

pytestmark = [pytest.mark.browser]


class ImportFormTests:
    def test_source_choice_switches_fields(self, page: Page, editor_user: AbstractBaseUser) -> None:
        page.goto("/")
        log_in(page, username="editor", password="editor-pass-123")
        page.goto("/imports/")
        file_input = page.locator('input[name="file"]')
        address_input = page.locator('input[name="url"]')
        expect(file_input).to_be_visible()
        expect(address_input).to_be_hidden()

        page.locator('select[name="source"]').select_option("sitemap")

        expect(address_input).to_be_visible()
        expect(file_input).to_be_hidden()
        expect(page.locator('input[name="include_drafts"]')).to_be_hidden()

    def test_submit_label_follows_source(self, page: Page, editor_user: AbstractBaseUser) -> None:
        page.goto("/")
        log_in(page, username="editor", password="editor-pass-123")
        page.goto("/imports/")
        page.wait_for_load_state("load")
        submit = page.locator("#import-submit")
        expect(submit).to_have_text(ja("Upload and import"))

        page.locator('select[name="source"]').select_option("url")
        expect(submit).to_have_text(ja("Fetch and import"))

        page.locator('select[name="source"]').select_option("sitemap")
        expect(submit).to_have_text(ja("Fetch and import"))

        page.locator('select[name="source"]').select_option("file")
        expect(submit).to_have_text(ja("Upload and import"))
