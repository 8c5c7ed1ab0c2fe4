import pytest


@pytest.fixture(autouse=True)
def _english(english_messages):
    """Assert on English messages whatever the default interface language is."""


@pytest.fixture(autouse=True)
def _english_requests(client):
    """Ask views for English pages; without it the views respond in the site's default language (Japanese)."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
