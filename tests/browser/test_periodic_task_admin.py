"""The periodic-task admin form's script runs under the strict Content-Security-Policy."""
import pytest
from django.urls import reverse
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.test_content_security_policy import RECORD_VIOLATIONS

pytestmark = [pytest.mark.browser]


@pytest.fixture
def crontabs(db):
    from django_celery_beat.models import CrontabSchedule

    return [
        CrontabSchedule.objects.create(minute="30", hour="4"),
        CrontabSchedule.objects.create(minute="0", hour="9", day_of_week="1"),
    ]


class PeriodicTaskFormScriptTests:
    def test_crontab_translation_follows_selection(
        self, context: BrowserContext, page: Page, django_user_model, crontabs
    ) -> None:
        django_user_model.objects.create_superuser("root", password="root-pass-123")
        context.add_init_script(RECORD_VIOLATIONS)
        page.goto(reverse("admin:login"))
        page.locator("#id_username").fill("root")
        page.locator("#id_password").fill("root-pass-123")
        page.locator("input[type=submit]").click()
        page.wait_for_load_state("load")

        page.goto(reverse("admin:django_celery_beat_periodictask_add"))
        page.wait_for_load_state("load")
        translation = page.locator(".field-crontab_translation .readonly")
        expect(translation).to_have_text("-")

        for crontab in crontabs:
            page.locator("#id_crontab").select_option(str(crontab.pk))
            expect(translation).to_have_text(crontab.human_readable)
        page.locator("#id_crontab").select_option("")
        expect(translation).to_have_text("-")

        assert page.evaluate("window.__cspViolations") == []
