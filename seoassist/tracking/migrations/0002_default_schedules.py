"""Create the keyword-tracking schedules and point the daily refresh at the locked job.

Administrators edit, disable or add schedules in the admin (Periodic tasks).
"""
import json

from django.db import migrations

TIMEZONE = "Asia/Tokyo"
DAILY_REFRESH = "Refresh keyword forecasts daily"
SCHEDULES = [
    # (name, task, crontab minute, hour, day_of_week, keyword arguments)
    ("Re-import trend sources hourly", "tracking.reimport_trend_sources", "15", "*", "*", {}),
    ("Flag keyword forecast changes daily", "tracking.flag_keyword_alerts", "0", "6", "*",
     {"threshold_percent": 20}),
]


def _crontab(apps, minute, hour, day_of_week):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    crontab, _created = CrontabSchedule.objects.get_or_create(
        minute=minute, hour=hour, day_of_week=day_of_week, day_of_month="*",
        month_of_year="*", timezone=TIMEZONE,
    )
    return crontab


def create_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minute, hour, day_of_week, kwargs in SCHEDULES:
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task, "crontab": _crontab(apps, minute, hour, day_of_week),
                "kwargs": json.dumps(kwargs), "enabled": True,
            },
        )
    # The daily refresh now also flags alerts, under a lock that keeps it single.
    refresh, _created = PeriodicTask.objects.get_or_create(
        name=DAILY_REFRESH,
        defaults={"task": "tracking.refresh_forecasts", "crontab": _crontab(apps, "30", "5", "*")},
    )
    if refresh.task == "trends.refresh_all_forecasts":
        refresh.task = "tracking.refresh_forecasts"
        refresh.save(update_fields=["task"])


def remove_schedules(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[schedule[0] for schedule in SCHEDULES]).delete()
    PeriodicTask.objects.filter(name=DAILY_REFRESH, task="tracking.refresh_forecasts").update(
        task="trends.refresh_all_forecasts"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("tracking", "0001_initial"),
        ("engine", "0002_default_schedules"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedules, remove_schedules)]
