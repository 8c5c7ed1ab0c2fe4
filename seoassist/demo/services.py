"""The demo site that the quickstart creates, with content written for seoassist."""
import logging
import secrets
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from seoassist.core.exceptions import ApplicationError
from seoassist.core.models import Language, Role, Site
from seoassist.core.services import membership_set, site_create
from seoassist.corpus.services import articles_import_path
from seoassist.engine.models import ModelKind, ModelVersion, TrainingRun
from seoassist.engine.services import training_run_start
from seoassist.trends.services import keyword_forecasts_refresh, trends_import_file

logger = logging.getLogger(__name__)

CONTENT_DIR = Path(__file__).resolve().parent / "content"
DEMO_SLUG = "demo"
ADMIN_USERNAME = "admin"


@dataclass
class DemoSetup:
    site: Site
    articles_added: int
    trend_points_added: int
    admin_username: str
    admin_password: str | None   # None when the admin existed before; see password_file
    password_file: Path
    training_runs: list[TrainingRun]


def demo_site_create(*, start_training: bool = True) -> DemoSetup:
    """Create (or top up) the demo site, its content and the admin login.

    Running it again adds nothing twice and keeps the admin's password.
    """
    with transaction.atomic():
        site = Site.objects.filter(slug=DEMO_SLUG).first() or site_create(
            name="Demo Magazine", slug=DEMO_SLUG, language=Language.JAPANESE,
            domain="demo.seoassist.invalid",
        )
    articles_added = 0
    for path in sorted(CONTENT_DIR.glob("articles_*.jsonl")):
        articles_added += articles_import_path(site=site, path=path).created
    points_added = 0
    for path in sorted(CONTENT_DIR.glob("trends_*.csv")):
        points_added += trends_import_file(
            site=site, data=path.read_bytes(), file_name=path.name
        ).created
    username, password, password_file = _admin_ensure(site)
    # Baseline forecasts until the forecaster is trained, so the charts are never empty.
    keyword_forecasts_refresh(site=site)

    runs = []
    if start_training:
        # The training queue takes one run at a time, so the related-search model trains last.
        for kind in (ModelKind.LANGUAGE_MODEL, ModelKind.FORECASTER, ModelKind.QUERY_MODEL):
            if ModelVersion.objects.filter(site=site, kind=kind).exists():
                continue
            try:
                runs.append(training_run_start(site=site, kind=kind, trigger="setup"))
            except ApplicationError as error:
                logger.warning("Demo training of %s not started: %s", kind, error.message)
    return DemoSetup(
        site=site,
        articles_added=articles_added,
        trend_points_added=points_added,
        admin_username=username,
        admin_password=password,
        password_file=password_file,
        training_runs=runs,
    )


def _admin_ensure(site: Site) -> tuple[str, str | None, Path]:
    password_file = settings.VAR_DIR / "admin-password.txt"
    user_model = get_user_model()
    user = user_model.objects.filter(username=ADMIN_USERNAME).first()
    password = None
    if user is None:
        password = secrets.token_urlsafe(12)
        user = user_model.objects.create_superuser(username=ADMIN_USERNAME, password=password)
        password_file.parent.mkdir(parents=True, exist_ok=True)
        password_file.write_text(f"{ADMIN_USERNAME} {password}\n")
        password_file.chmod(0o600)
    membership_set(user=user, site=site, role=Role.ADMIN)
    return ADMIN_USERNAME, password, password_file
