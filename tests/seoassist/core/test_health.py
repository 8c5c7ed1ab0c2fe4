import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


class HealthViewTests:
    def test_health_answers_without_login(self, client):
        response = client.get(reverse("core:health"))
        data = response.json()
        assert response.status_code == 200
        assert data["status"] == "ok"
        assert data["database"] == "ok"
        assert data["broker"] == "ok"

    def test_unreachable_broker_gives_503(self, client, settings, monkeypatch):
        monkeypatch.setattr("seoassist.core.health.broker_status", lambda: "error")
        response = client.get(reverse("core:health"))
        assert response.status_code == 503
        assert response.json()["broker"] == "error"

    @pytest.mark.services
    def test_worker_count_is_number_or_unknown(self, client):
        workers = client.get(reverse("core:health")).json()["workers"]
        assert workers is None or workers >= 0
