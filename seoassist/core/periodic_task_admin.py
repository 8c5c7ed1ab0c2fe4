"""django-celery-beat's periodic-task admin, bound to the project's Celery app."""
from django.contrib import admin
from django_celery_beat.admin import PeriodicTaskAdmin, PeriodicTaskForm
from django_celery_beat.models import PeriodicTask

from seoassist.celery import app as celery_app


class RegisteredTaskForm(PeriodicTaskForm):
    """Periodic-task form whose "Task (registered)" list shows the project's tasks.

    django-celery-beat 2.9 lists the tasks of `celery.current_app` and never preselects the
    saved task, so a change page showed a blank choice even for a registered task.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        widget = self.fields["regtask"].widget
        # The widget imports the app's task modules before it lists them.
        widget.celery_app = celery_app
        registered = {name for name, _label in widget.choices if name}
        if self.instance.pk and self.instance.task in registered:
            self.initial.setdefault("regtask", self.instance.task)


class RegisteredTaskAdmin(PeriodicTaskAdmin):
    form = RegisteredTaskForm
    celery_app = celery_app


admin.site.unregister(PeriodicTask)
admin.site.register(PeriodicTask, RegisteredTaskAdmin)
