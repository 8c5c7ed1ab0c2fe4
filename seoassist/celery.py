"""The Celery application; configuration comes from Django settings (CELERY_ namespace)."""
import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seoassist.settings.base")

app = Celery("seoassist")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _create_broker_folders(**kwargs: object) -> None:
    from seoassist.core.broker import ensure_broker_folders

    ensure_broker_folders()
