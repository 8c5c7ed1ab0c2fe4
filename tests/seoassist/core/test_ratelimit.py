"""Per-user rate limits on keyword requests and training starts."""
import pytest

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def two_requests_allowed(settings):
    settings.SEOASSIST_RATE_LIMITS = {"keyword_request": (2, 600), "training_start": (1, 3600)}


class KeywordRequestRateLimitTests:
    def test_third_submission_is_rejected(self, site, editor_user, two_requests_allowed,
                                          english_messages):
        from seoassist.core.ratelimit import RateLimitExceeded
        from seoassist.drafting.services import keyword_request_create

        for keyword in ("one", "two"):
            keyword_request_create(site=site, user=editor_user, keywords=[keyword], language="en")
        with pytest.raises(RateLimitExceeded) as raised:
            keyword_request_create(site=site, user=editor_user, keywords=["three"], language="en")
        assert "limit of 2 keyword requests per 10 minutes" in raised.value.message
        assert 0 < raised.value.retry_after <= 600

    def test_limit_counts_each_user_apart(self, site, editor_user, admin_user,
                                          two_requests_allowed):
        from seoassist.drafting.models import KeywordRequest
        from seoassist.drafting.services import keyword_request_create

        for user in (editor_user, editor_user, admin_user, admin_user):
            keyword_request_create(site=site, user=user, keywords=["same"], language="en")
        assert KeywordRequest.objects.count() == 4

    def test_htmx_submission_gets_429(self, client, site, editor_user, two_requests_allowed):
        from django.urls import reverse

        client.force_login(editor_user)
        form = {"keywords": "hay fever", "language": "en", "target_length": 300}
        url = reverse("drafting:request_create")
        assert client.post(url, form).status_code == 302
        assert client.post(url, form).status_code == 302
        response = client.post(url, form, headers={"HX-Request": "true"})
        assert response.status_code == 429
        assert int(response["Retry-After"]) > 0
        assert response.json()["error"]

    def test_form_submission_shows_message_with_429(self, client, site, editor_user,
                                                     two_requests_allowed):
        from django.urls import reverse

        from seoassist.drafting.models import KeywordRequest

        client.force_login(editor_user)
        client.cookies["django_language"] = "en"
        form = {"keywords": "hay fever", "language": "en", "target_length": 300}
        url = reverse("drafting:request_create")
        for _ in range(2):
            client.post(url, form)
        response = client.post(url, form)
        assert response.status_code == 429
        assert "Try again in" in response.content.decode()
        assert KeywordRequest.objects.count() == 2


class TrainingStartRateLimitTests:
    def test_second_start_by_json_client_gets_429(self, client, site, admin_user,
                                                  two_requests_allowed):
        from django.urls import reverse

        from seoassist.engine.models import TrainingRun

        client.force_login(admin_user)
        client.cookies["django_language"] = "en"
        url = reverse("engine:training_start")
        # Too few articles: the first start is refused, but it counts as a start.
        first = client.post(url, {"kind": "language_model"})
        assert first.status_code == 302
        second = client.post(url, {"kind": "language_model"}, headers={"Accept": "application/json"})
        assert second.status_code == 429
        assert "limit of 1 training starts per 60 minutes" in second.json()["error"]
        assert TrainingRun.objects.count() == 0

    def test_press_during_unfinished_run_not_counted(self, client, site_with_articles, admin_user,
                                                             two_requests_allowed):
        from django.urls import reverse

        from seoassist.engine.models import TrainingKind, TrainingRun

        running = TrainingRun.objects.create(site=site_with_articles, kind=TrainingKind.LANGUAGE_MODEL, status="running")
        client.force_login(admin_user)
        client.cookies["django_language"] = "en"
        url = reverse("engine:training_start")
        for _ in range(3):
            response = client.post(url, {"kind": "language_model"}, follow=True)
            assert response.status_code == 200
            assert f"{running.label} is already queued or running" in response.content.decode()
        running.status = "succeeded"
        running.save()
        client.post(url, {"kind": "language_model"})
        assert TrainingRun.objects.filter(status="queued").count() == 1
