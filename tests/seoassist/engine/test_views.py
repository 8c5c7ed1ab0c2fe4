import pytest
from django.urls import reverse

from seoassist.engine.models import TrainingRun

pytestmark = pytest.mark.django_db


class TrainingStartViewTests:
    def test_editor_cannot_start_training(self, client, editor_user):
        client.force_login(editor_user)
        response = client.post(reverse("engine:training_start"), {"kind": "language_model"})
        assert response.status_code == 403
        assert TrainingRun.objects.count() == 0

    def test_admin_without_articles_sees_message(self, client, admin_user):
        client.force_login(admin_user)
        response = client.post(
            reverse("engine:training_start"),
            {"kind": "language_model"},
            follow=True,
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert "Import the site&#x27;s articles first" in response.content.decode()
        assert TrainingRun.objects.count() == 0
