import pytest


@pytest.fixture(autouse=True)
def _english(english_messages):
    """Assert on English messages whatever the default interface language is."""
