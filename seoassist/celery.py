"""The Celery application; configuration comes from Django settings (CELERY_ namespace)."""
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "seoassist.settings.base")

app = Celery("seoassist")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _connect_log_context() -> None:
    """Tag every log record written while a task runs with the task's id."""
    from seoassist.core.observability import task_id_bind, task_id_clear

    task_prerun.connect(task_id_bind, weak=False)
    task_postrun.connect(task_id_clear, weak=False)


_connect_log_context()
