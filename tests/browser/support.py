"""Helpers shared by the browser tests: Japanese interface strings and logging in."""
import re

from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect


def ja(message: str) -> str:
    """Translate an interface string with the project's Japanese catalog."""
    with translation.override("ja"):
        return translation.gettext(message)


def ja_plural(singular: str, plural: str, count: int) -> str:
    """Translate a counted interface string with the Japanese catalog and fill in `counter`."""
    with translation.override("ja"):
        return translation.ngettext(singular, plural, count) % {"counter": count}


def login_url_pattern() -> re.Pattern[str]:
    """Match the login page's URL, with or without a `next` parameter."""
    return re.compile(re.escape(reverse("login")) + r"(\?.*)?$")


def log_in(page: Page, *, username: str, password: str) -> None:
    """Fill in and submit the Japanese login form that the page shows."""
    expect(page).to_have_url(login_url_pattern())
    page.get_by_label(ja("User name"), exact=True).fill(username)
    page.get_by_label(ja("Password"), exact=True).fill(password)
    page.get_by_role("button", name=ja("Log in"), exact=True).click()
