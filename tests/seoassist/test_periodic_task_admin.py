"""The periodic-task admin pages under the Content-Security-Policy, and their task list."""
import re

import pytest
from django.urls import reverse

from seoassist.celery import app as celery_app

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", password="root-pass-123")
    client.force_login(superuser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def daily_crontab(db):
    from django_celery_beat.models import CrontabSchedule

    return CrontabSchedule.objects.create(minute="30", hour="4")


@pytest.fixture
def retrain_task(db, daily_crontab):
    from django_celery_beat.models import PeriodicTask

    return PeriodicTask.objects.create(
        name="Retrain test models", task="engine.retrain_all_sites", crontab=daily_crontab
    )


def _project_task_names() -> list[str]:
    celery_app.loader.import_default_modules()
    return sorted(name for name in celery_app.tasks if not name.startswith("celery."))


def _registered_task_select(html: str) -> str:
    match = re.search(r'<select name="regtask".*?</select>', html, re.DOTALL)
    assert match, "the page has no registered-task list"
    return match.group(0)


def _inline_scripts(html: str) -> list[str]:
    """Return the opening tags of <script> elements that the browser would run as inline code."""
    return [
        tag
        for tag in re.findall(r"<script\b[^>]*>", html)
        if " src=" not in tag and 'type="application/json"' not in tag
    ]


class PeriodicTaskAdminScriptTests:
    @pytest.mark.parametrize("page", ["add", "change"])
    def test_page_has_no_inline_script(self, superuser_client, retrain_task, page):
        if page == "add":
            url = reverse("admin:django_celery_beat_periodictask_add")
        else:
            url = reverse("admin:django_celery_beat_periodictask_change", args=[retrain_task.pk])

        response = superuser_client.get(url)
        html = response.content.decode()

        assert response.status_code == 200
        assert _inline_scripts(html) == []
        assert "seoassist/js/periodic-task-form.js" in html
        assert '<script id="readable-crontabs" type="application/json">' in html

    def test_crontab_descriptions_are_passed_as_data(
        self, superuser_client, retrain_task, daily_crontab
    ):
        url = reverse("admin:django_celery_beat_periodictask_change", args=[retrain_task.pk])

        html = superuser_client.get(url).content.decode()

        assert f'"{daily_crontab.pk}": "{daily_crontab.human_readable}"' in html


class PeriodicTaskAdminTaskListTests:
    def test_add_page_lists_project_tasks(self, superuser_client):
        response = superuser_client.get(reverse("admin:django_celery_beat_periodictask_add"))

        select = _registered_task_select(response.content.decode())
        listed = re.findall(r'<option value="([^"]+)"', select)

        assert "engine.retrain_all_sites" in _project_task_names()
        assert listed == _project_task_names()

    def test_change_page_selects_saved_task(self, superuser_client, retrain_task):
        url = reverse("admin:django_celery_beat_periodictask_change", args=[retrain_task.pk])

        select = _registered_task_select(superuser_client.get(url).content.decode())

        assert '<option value="engine.retrain_all_sites" selected>' in select
        assert '<option value="" selected>' not in select

    def test_unregistered_task_selects_nothing(self, superuser_client, retrain_task):
        retrain_task.task = "removed.old_task"
        retrain_task.save()
        url = reverse("admin:django_celery_beat_periodictask_change", args=[retrain_task.pk])

        select = _registered_task_select(superuser_client.get(url).content.decode())

        assert '<option value="" selected>' in select
        assert "removed.old_task" not in select

    def test_saving_change_page_keeps_task(self, superuser_client, retrain_task, daily_crontab):
        url = reverse("admin:django_celery_beat_periodictask_change", args=[retrain_task.pk])

        response = superuser_client.post(
            url,
            {
                "name": retrain_task.name,
                "regtask": "engine.retrain_all_sites",
                "task": "",
                "enabled": "on",
                "crontab": daily_crontab.pk,
                "args": "[]",
                "kwargs": "{}",
                "headers": "{}",
                "priority": "",
                "_save": "Save",
            },
        )

        assert response.status_code == 302, response.content.decode()[:2000]
        retrain_task.refresh_from_db()
        assert retrain_task.task == "engine.retrain_all_sites"
