"""The Models page in a real browser: a run that ends while the page is open updates the version table."""
import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from playwright.sync_api import Page, expect

from seoassist.core.models import Site
from tests.browser.support import log_in

pytestmark = [pytest.mark.browser]


class ModelsPageRefreshTests:
    def test_finished_run_adds_its_version(self, page: Page, site: Site, editor_user: AbstractBaseUser) -> None:
        from seoassist.engine.models import ModelKind, ModelVersion, TrainingRun

        run = TrainingRun.objects.create(site=site, kind=ModelKind.FORECASTER, status="running")
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto("/models/")
        log_in(page, username="editor", password="editor-pass-123")
        versions = page.locator("table.model-versions td.version-notes")
        expect(versions).to_have_count(0)

        version = ModelVersion.objects.create(
            site=site, kind=ModelKind.FORECASTER, number=1, artifact_prefix="x", is_active=True,
            beats_baseline=True, metrics={"mase": 0.74, "baseline_mase": 0.77},
        )
        TrainingRun.objects.filter(pk=run.pk).update(status="succeeded", model_version=version)

        expect(versions).to_have_count(1, timeout=10_000)
        expect(versions.first).to_contain_text("0.74")
        assert errors == []
