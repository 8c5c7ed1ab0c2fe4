"""Scheduled keyword tracking: trend re-imports, forecast alerts and single-run job locks."""
import hashlib
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from seoassist.core.exceptions import ApplicationError
from seoassist.core.models import Site
from seoassist.corpus.fetching import CSV_CONTENT_TYPES, fetch_url
from seoassist.tracking.models import (
    AlertDirection,
    JobLock,
    KeywordAlert,
    SourceKind,
    TrendSource,
    TrendSourceFile,
)

logger = logging.getLogger(__name__)

# Files of a watched folder that are read as trend exports.
SOURCE_FILE_SUFFIXES = (".csv", ".tsv", ".txt", ".zip")


# ---------------------------------------------------------------------------
# Job locks
# ---------------------------------------------------------------------------


def job_lock_acquire(*, name: str, seconds: int) -> str | None:
    """Take the lock called `name` for `seconds` and return its token, or None when another run has it.

    The lock is a database row, so it works across worker hosts. A holder that
    died leaves a row that expires, and the next run takes it over.
    """
    token = uuid.uuid4().hex
    now = timezone.now()
    expires_at = now + timedelta(seconds=seconds)
    taken_over = JobLock.objects.filter(name=name, expires_at__lte=now).update(
        token=token, expires_at=expires_at
    )
    if taken_over:
        return token
    try:
        with transaction.atomic():
            JobLock.objects.create(name=name, token=token, expires_at=expires_at)
    except IntegrityError:
        return None
    return token


def job_lock_release(*, name: str, token: str) -> None:
    JobLock.objects.filter(name=name, token=token).delete()


@contextmanager
def job_lock(name: str, seconds: int) -> Iterator[bool]:
    """Hold the lock `name` inside the block, which receives whether the lock was acquired."""
    token = job_lock_acquire(name=name, seconds=seconds)
    try:
        yield token is not None
    finally:
        if token is not None:
            job_lock_release(name=name, token=token)


# ---------------------------------------------------------------------------
# Trend sources
# ---------------------------------------------------------------------------


def trend_source_check(*, source: TrendSource) -> TrendSource:
    """Import the source's new or changed files and record what happened on the source."""
    try:
        if source.kind == SourceKind.FOLDER:
            lines, ok = _folder_check(source)
        else:
            lines, ok = _url_check(source)
    except ApplicationError as error:
        lines, ok = [error.message], False
        logger.warning("Trend source %s failed: %s", source.pk, error.message)
    source.last_checked = timezone.now()
    source.last_ok = ok
    source.last_result = "\n".join(lines) or _("No new or changed file.")
    source.save(update_fields=["last_checked", "last_ok", "last_result", "updated_at"])
    return source


def trend_sources_check_all() -> int:
    """Check every enabled source of every site and return how many were checked."""
    count = 0
    for source in TrendSource.objects.filter(enabled=True).select_related("site"):
        trend_source_check(source=source)
        count += 1
    logger.info("Checked %d trend sources", count)
    return count


def _folder_check(source: TrendSource) -> tuple[list[str], bool]:
    folder = Path(source.path)
    if not folder.is_dir():
        raise ApplicationError(
            _("The folder “%(path)s” does not exist or is not a folder on this worker. Check the path.")
            % {"path": source.path}
        )
    known = {record.name: record for record in source.files.all()}
    lines: list[str] = []
    ok = True
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.suffix.lower() not in SOURCE_FILE_SUFFIXES:
            continue
        stat = path.stat()
        record = known.get(path.name)
        if record and record.size == stat.st_size and record.modified_ns == stat.st_mtime_ns:
            continue
        if stat.st_size > settings.SEOASSIST_MAX_UPLOAD_BYTES:
            lines.append(
                _("%(name)s: %(size)d bytes is over the limit of %(limit)d bytes; skipped.")
                % {"name": path.name, "size": stat.st_size, "limit": settings.SEOASSIST_MAX_UPLOAD_BYTES}
            )
            ok = False
            continue
        line, imported = _import_if_changed(
            source, name=path.name, data=path.read_bytes(), size=stat.st_size,
            modified_ns=stat.st_mtime_ns, record=record,
        )
        ok = ok and imported
        if line:
            lines.append(line)
    return lines, ok


def _url_check(source: TrendSource) -> tuple[list[str], bool]:
    data = fetch_url(
        source.url, accept=CSV_CONTENT_TYPES, max_bytes=settings.SEOASSIST_MAX_UPLOAD_BYTES
    ).data
    record = source.files.filter(name=source.url).first()
    line, imported = _import_if_changed(
        source, name=source.url, data=data, size=len(data), modified_ns=0, record=record,
        file_name=PurePosixPath(urlsplit(source.url).path).name or "export.csv",
    )
    return ([line] if line else []), imported


def _import_if_changed(
    source: TrendSource,
    *,
    name: str,
    data: bytes,
    size: int,
    modified_ns: int,
    record: TrendSourceFile | None,
    file_name: str | None = None,
) -> tuple[str, bool]:
    """Import `data` unless its hash matches the last import, and return a result line and success."""
    from seoassist.trends.services import trends_import_file

    digest = hashlib.sha256(data).hexdigest()
    if record and record.sha256 == digest:
        TrendSourceFile.objects.filter(pk=record.pk).update(size=size, modified_ns=modified_ns)
        return "", True
    try:
        summary = trends_import_file(site=source.site, data=data, file_name=file_name or name)
    except ApplicationError as error:
        logger.warning("Trend source %s could not import %s: %s", source.pk, name, error.message)
        # The hash is not stored, so a corrected file with the same name is read again.
        return f"{name}: {error.message}", False
    line = _("%(name)s: %(created)d new points, %(skipped)d already known.") % {
        "name": name,
        "created": getattr(summary, "created", 0),
        "skipped": getattr(summary, "skipped", 0),
    }
    TrendSourceFile.objects.update_or_create(
        source=source,
        name=name,
        defaults={
            "size": size, "modified_ns": modified_ns, "sha256": digest,
            "imported_at": timezone.now(), "result": line,
        },
    )
    return line, True


# ---------------------------------------------------------------------------
# Forecast alerts
# ---------------------------------------------------------------------------


def keyword_alerts_flag(*, site: Site | None = None, threshold_percent: float | None = None) -> list[KeywordAlert]:
    """Raise an alert for each keyword whose forecast changes by at least the threshold.

    A keyword that already has an open alert in the same direction gets that
    alert's change updated instead of a second alert.
    """
    from seoassist.trends.models import KeywordForecast

    if threshold_percent is None:
        threshold_percent = settings.SEOASSIST_ALERT_THRESHOLD_PERCENT
    if threshold_percent <= 0:
        raise ValueError(f"threshold_percent={threshold_percent!r} must be positive")
    forecasts = KeywordForecast.objects.select_related("keyword").filter(
        change_percent__isnull=False
    )
    if site is not None:
        forecasts = forecasts.filter(keyword__site=site)
    alerts = KeywordAlert.objects.filter(acknowledged=False)
    if site is not None:
        alerts = alerts.filter(keyword__site=site)
    open_alerts = {(alert.keyword_id, alert.direction): alert for alert in alerts}
    created: list[KeywordAlert] = []
    for forecast in forecasts:
        change = forecast.change_percent
        if abs(change) < threshold_percent:
            continue
        direction = AlertDirection.RISING if change > 0 else AlertDirection.FALLING
        existing = open_alerts.get((forecast.keyword_id, direction))
        if existing is not None:
            if existing.change != change:
                KeywordAlert.objects.filter(pk=existing.pk).update(change=change)
            continue
        created.append(KeywordAlert(keyword=forecast.keyword, direction=direction, change=change))
    KeywordAlert.objects.bulk_create(created)
    logger.info("Flagged %d keyword alerts (threshold %s %%)", len(created), threshold_percent)
    return created


def keyword_alert_acknowledge(*, alert: KeywordAlert, user: AbstractBaseUser) -> KeywordAlert:
    """Mark the alert as seen by `user`. Acknowledging twice keeps the first time."""
    if not alert.acknowledged:
        alert.acknowledged = True
        alert.acknowledged_by = user
        alert.acknowledged_at = timezone.now()
        alert.save(update_fields=["acknowledged", "acknowledged_by", "acknowledged_at"])
    return alert


def forecasts_refresh_and_flag(*, threshold_percent: float | None = None) -> int:
    """Refresh every site's keyword forecasts, flag the changes and return the number refreshed."""
    from seoassist.trends.services import keyword_forecasts_refresh

    total = 0
    for site in Site.objects.all():
        total += keyword_forecasts_refresh(site=site)
        keyword_alerts_flag(site=site, threshold_percent=threshold_percent)
    return total
