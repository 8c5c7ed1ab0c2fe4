"""Fixtures shared by the engine tests."""
from pathlib import Path

import pytest

DEMO_CONTENT = Path(__file__).resolve().parents[3] / "seoassist" / "demo" / "content"


@pytest.fixture
def site_with_articles(site):
    """The test site with the demo's Japanese articles imported."""
    from seoassist.corpus.services import articles_import_path

    articles_import_path(site=site, path=DEMO_CONTENT / "articles_ja.jsonl")
    return site
