"""The notice about the site's first language model on the home and request pages."""
import pytest
from django.urls import reverse
from django.utils import translation

from seoassist.drafting.models import KeywordRequest, RequestStatus
from seoassist.engine.models import ModelKind, TrainingRun

pytestmark = pytest.mark.django_db

WAITING_MESSAGE = (
    "The site's first language model has not finished training; its run is shown below. "
    "Requests submitted now wait for it and start by themselves."
)
BEFORE_REQUEST_MESSAGE = (
    "The site's first language model has not finished training; its run is shown below. "
    "A request sent before it is ready waits for it and starts by itself."
)


def _ja(message: str, run: TrainingRun) -> str:
    with translation.override("ja"):
        return translation.gettext(message)


def _waiting_message_ja(run: TrainingRun) -> str:
    return _ja(WAITING_MESSAGE, run)


@pytest.fixture
def first_run(site):
    return TrainingRun.objects.create(site=site, kind=ModelKind.LANGUAGE_MODEL)


class FirstModelNoticeTests:
    @pytest.mark.parametrize("url_name", ["core:home", "drafting:request_create"])
    def test_no_request_has_no_sent_request_notice(self, client, editor_user, first_run, url_name):
        client.force_login(editor_user)
        html = client.get(reverse(url_name)).content.decode()
        assert _waiting_message_ja(first_run) not in html
        assert _ja(BEFORE_REQUEST_MESSAGE, first_run) in html

    def test_waiting_request_shows_notice(self, client, editor_user, site, first_run):
        KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["花粉症"], language="ja",
            target_length=800, status=RequestStatus.WAITING_FOR_MODEL,
        )
        client.force_login(editor_user)
        html = client.get(reverse("core:home")).content.decode()
        assert _waiting_message_ja(first_run) in html

    def test_finished_request_has_no_notice(self, client, editor_user, site, first_run):
        KeywordRequest.objects.create(
            site=site, created_by=editor_user, keywords=["花粉症"], language="ja",
            target_length=800, status=RequestStatus.SUCCEEDED,
        )
        client.force_login(editor_user)
        html = client.get(reverse("core:home")).content.decode()
        assert _waiting_message_ja(first_run) not in html

    def test_english_notice_without_request(self, client, editor_user, first_run):
        client.force_login(editor_user)
        html = client.get(reverse("core:home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "A request sent before it is ready waits for it and starts by itself." in html
