"""The import form shows the fields of the chosen source."""
import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from playwright.sync_api import Page, expect

from tests.browser.support import log_in

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
