"""Logging in through the browser: the anonymous redirect, a wrong and a right password."""
import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from seoassist.core.models import Site
from tests.browser.support import ja, log_in, login_url_pattern

pytestmark = [pytest.mark.browser]


class LoginTests:
    def test_anonymous_home_redirects_to_login(self, page: Page, site: Site) -> None:
        page.goto("/")

        expect(page).to_have_url(login_url_pattern())
        assert page.url.endswith("?next=/")
        expect(page.get_by_role("heading", name=ja("Log in"), exact=True)).to_be_visible()
        expect(page.get_by_role("navigation")).to_have_count(0)

    def test_wrong_password_shows_error(self, page: Page, editor_user: AbstractBaseUser) -> None:
        page.goto("/")
        log_in(page, username="editor", password="not-the-password")

        error = page.locator("p.error")
        expect(error).to_have_text(ja("Your user name and password did not match. Try again."))
        expect(page).to_have_url(login_url_pattern())
        expect(page.get_by_role("navigation")).to_have_count(0)

    def test_right_password_opens_home(
        self, page: Page, live_server: LiveServer, site: Site, editor_user: AbstractBaseUser
    ) -> None:
        page.goto("/")
        log_in(page, username="editor", password="editor-pass-123")

        expect(page).to_have_url(f"{live_server.url}/")
        expect(page.get_by_role("heading", name=site.name, exact=True)).to_be_visible()
        expect(page.locator(".topbar .user")).to_have_text("editor")
