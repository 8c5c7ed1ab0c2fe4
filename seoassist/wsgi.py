"""WSGI entry point, used by gunicorn in production."""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seoassist.settings.base")

application = get_wsgi_application()
