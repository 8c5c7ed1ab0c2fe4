"""seoassist: a self-hosted SEO content assistant."""
from seoassist.celery import app as celery_app

__all__ = ["celery_app"]
