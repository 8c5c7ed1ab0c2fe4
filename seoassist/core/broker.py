"""Helpers for the embedded filesystem broker."""
from django.conf import settings


def ensure_broker_folders() -> None:
    """Create the folders kombu's filesystem transport reads and writes."""
    for folder in settings.SEOASSIST_BROKER_DIRS:
        folder.mkdir(parents=True, exist_ok=True)
