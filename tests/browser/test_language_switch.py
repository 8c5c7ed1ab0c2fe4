"""Switching the interface language with the selector in the top bar.

The expected strings are written out rather than looked up in the catalog, so
that a missing or stale Japanese catalog fails here.
"""
import re

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from playwright.sync_api import Page, expect

from seoassist.core.models import Site
from tests.browser.support import log_in

pytestmark = [pytest.mark.browser]


class LanguageSwitchTests:
    def test_english_choice_persists_then_reverts(
        self, page: Page, site: Site, editor_user: AbstractBaseUser
    ) -> None:
        page.goto("/")
        log_in(page, username="editor", password="editor-pass-123")
        navigation = page.get_by_role("navigation")
        html = page.locator("html")
        expect(html).to_have_attribute("lang", "ja")
        expect(navigation.get_by_role("link", name="新規リクエスト", exact=True)).to_be_visible()

        # app.js attaches the change handler once the deferred scripts have run.
        page.wait_for_load_state("load")
        page.get_by_label("言語", exact=True).select_option(label="English")

        expect(html).to_have_attribute("lang", "en")
        expect(navigation.get_by_role("link", name="New request", exact=True)).to_be_visible()
        expect(page.get_by_label("Language", exact=True)).to_have_value("en")

        navigation.get_by_role("link", name="Drafts", exact=True).click()

        expect(page).to_have_url(re.compile(r"/drafts/$"))
        expect(page.get_by_role("heading", name="Drafts", exact=True)).to_be_visible()
        expect(html).to_have_attribute("lang", "en")
        expect(navigation.get_by_role("link", name="New request", exact=True)).to_be_visible()

        # app.js attaches the change handler once the deferred scripts have run.
        page.wait_for_load_state("load")
        page.get_by_label("Language", exact=True).select_option(label="日本語")

        expect(html).to_have_attribute("lang", "ja")
        expect(navigation.get_by_role("link", name="新規リクエスト", exact=True)).to_be_visible()
        expect(page.get_by_role("heading", name="下書き", exact=True)).to_be_visible()
        expect(page.get_by_label("言語", exact=True)).to_have_value("ja")
