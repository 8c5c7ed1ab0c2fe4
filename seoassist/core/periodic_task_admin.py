"""django-celery-beat's admin pages, bound to the project's Celery app and translated.

django-celery-beat 2.9 names some columns, fields and filters by attribute names or by
strings that it does not mark for translation ("Scheduler", "Human readable", "Crontab
translation", "Task Name"). The admin classes here give them translatable names.
"""
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_celery_beat.admin import (
    ClockedScheduleAdmin,
    CrontabScheduleAdmin,
    IntervalScheduleAdmin,
    PeriodicTaskAdmin,
    PeriodicTaskForm,
    PeriodicTaskInline,
    SolarScheduleAdmin,
)
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)

from seoassist.celery import app as celery_app


class TaskNameFilter(admin.AllValuesFieldListFilter):
    """The filter by Celery task name, under a translated title."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.title = _("task name")


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
    list_filter = [
        ("task", TaskNameFilter) if name == "task" else name
        for name in PeriodicTaskAdmin.list_filter
    ]

    @admin.display(description=_("Schedule"))
    def scheduler(self, task: PeriodicTask) -> object:
        """Return the interval, crontab, solar or clocked schedule that the task runs on."""
        return task.scheduler

    @admin.display(description=_("crontab in words"))
    def crontab_translation(self, task: PeriodicTask) -> str:
        return super().crontab_translation(task)


class ScheduleTaskInline(PeriodicTaskInline):
    """The periodic tasks listed on a schedule's page."""

    fields = tuple("task_name" if name == "task" else name for name in PeriodicTaskInline.fields)
    readonly_fields = fields

    @admin.display(description=_("task name"))
    def task_name(self, task: PeriodicTask) -> str:
        return task.task


class ProjectClockedScheduleAdmin(ClockedScheduleAdmin):
    inlines = [ScheduleTaskInline]


class ProjectCrontabScheduleAdmin(CrontabScheduleAdmin):
    inlines = [ScheduleTaskInline]

    @admin.display(description=_("crontab in words"))
    def human_readable(self, crontab: CrontabSchedule) -> str:
        return crontab.human_readable


class ProjectIntervalScheduleAdmin(IntervalScheduleAdmin):
    inlines = [ScheduleTaskInline]


class ProjectSolarScheduleAdmin(SolarScheduleAdmin):
    inlines = [ScheduleTaskInline]


for model, model_admin in [
    (PeriodicTask, RegisteredTaskAdmin),
    (ClockedSchedule, ProjectClockedScheduleAdmin),
    (CrontabSchedule, ProjectCrontabScheduleAdmin),
    (IntervalSchedule, ProjectIntervalScheduleAdmin),
    (SolarSchedule, ProjectSolarScheduleAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
