"""Every model has a working admin list page with its filters and search."""
import pytest
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

PROJECT_APPS = {"core", "corpus", "trends", "engine", "drafting", "analysis", "tracking"}


class AdminListTests:
    def test_every_project_model_is_registered(self):
        from django.apps import apps

        registered = set(admin.site._registry)
        missing = [
            model.__name__
            for app_label in PROJECT_APPS
            for model in apps.get_app_config(app_label).get_models()
            if model not in registered
        ]
        assert missing == []

    def test_every_list_page_renders_with_search(self, client, django_user_model):
        superuser = django_user_model.objects.create_superuser("root", password="root-pass-123")
        client.force_login(superuser)
        for model in admin.site._registry:
            if model._meta.app_label not in PROJECT_APPS:
                continue
            url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
            response = client.get(url, {"q": "x"})
            assert response.status_code == 200, url


class AdminTranslationTests:
    def test_project_catalog_keeps_admin_change_label(self):
        """A project string "Change" must not replace the admin's own Japanese label."""
        from django.utils import translation

        with translation.override("ja"):
            assert translation.gettext("Change") == "変更"
            assert translation.pgettext("forecast change in percent", "Change") == "変化率"


@pytest.fixture
def superuser_client_ja(client, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", password="root-pass-123")
    client.force_login(superuser)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "ja"
    return client


class MembershipAdminTranslationTests:
    def test_add_page_labels_are_japanese(self, superuser_client_ja):
        response = superuser_client_ja.get(reverse("admin:core_membership_add"))
        html = response.content.decode()

        assert response.status_code == 200
        assert '<label class="required" for="id_user">ユーザー:</label>' in html
        assert '<label class="required" for="id_site">サイト:</label>' in html
        assert "User:" not in html
        assert "Site:" not in html

    def test_added_message_names_japanese_role(self, superuser_client_ja, site, django_user_model):
        from seoassist.core.models import Membership

        writer = django_user_model.objects.create_user("writer", password="writer-pass-123")

        response = superuser_client_ja.post(
            reverse("admin:core_membership_add"),
            {"user": writer.pk, "site": site.pk, "role": "editor"},
            follow=True,
        )
        html = response.content.decode()

        assert Membership.objects.filter(user=writer, site=site, role="editor").exists()
        assert "writer @ Test Site (編集者)" in html
        assert "(editor)" not in html

    def test_str_uses_role_label(self, site, django_user_model):
        from django.utils import translation

        from seoassist.core.models import Membership, Role

        writer = django_user_model.objects.create_user("writer", password="writer-pass-123")
        membership = Membership.objects.create(user=writer, site=site, role=Role.ADMIN)

        with translation.override("en"):
            assert str(membership) == "writer @ Test Site (Site administrator)"
        with translation.override("ja"):
            assert str(membership) == "writer @ Test Site (サイト管理者)"
