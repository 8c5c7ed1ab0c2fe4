"""Job leases: one worker at a time executes a job, even when its message arrives twice.

A broker delivers a task again when a worker dies with the message unacknowledged,
and the sweeper dispatches jobs whose worker went silent. Both can hand a job to a
second worker while the first still runs it. The lease row makes the second worker
step aside. A heartbeat thread keeps the lease alive while the job runs, so a lease
outlives its worker by at most `SEOASSIST_JOB_LEASE_SECONDS`.
"""
import logging
import os
import socket
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from seoassist.core.models import JobLease

logger = logging.getLogger(__name__)


class JobLeaseHeld(Exception):
    """Another live worker holds the job's lease."""

    def __init__(self, job: str, holder: str) -> None:
        super().__init__(f"{job} is held by {holder}")
        self.job = job
        self.holder = holder


def lease_holder_name() -> str:
    """Name the host and process, plus a random part that makes each acquisition distinct.

    Two acquisitions in one process are two holders, so a nested or repeated
    delivery in the same worker cannot release the lease of the one that runs.
    """
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def job_lease_acquire(*, job: str, holder: str, seconds: int) -> str | None:
    """Take the job's lease for `seconds`; return None on success, else the live holder's name."""
    now = timezone.now()
    expires_at = now + timedelta(seconds=seconds)
    with transaction.atomic():
        lease = JobLease.objects.select_for_update().filter(job=job).first()
        if lease is None:
            try:
                with transaction.atomic():
                    JobLease.objects.create(job=job, holder=holder, expires_at=expires_at)
            except IntegrityError:
                # Another worker created the row between our read and our insert.
                return JobLease.objects.filter(job=job).values_list("holder", flat=True).first()
            return None
        if lease.holder != holder and lease.expires_at > now:
            return lease.holder
        if lease.holder != holder:
            logger.warning(
                "Taking over %s from %s, whose lease expired at %s", job, lease.holder,
                lease.expires_at.isoformat(),
            )
        JobLease.objects.filter(pk=lease.pk).update(
            holder=holder, acquired_at=now, expires_at=expires_at
        )
    return None


def job_lease_renew(*, job: str, holder: str, seconds: int) -> bool:
    """Extend the lease; False means another worker took it over."""
    expires_at = timezone.now() + timedelta(seconds=seconds)
    return bool(JobLease.objects.filter(job=job, holder=holder).update(expires_at=expires_at))


def job_lease_release(*, job: str, holder: str) -> None:
    JobLease.objects.filter(job=job, holder=holder).delete()


def jobs_with_live_lease(prefix: str = "") -> set[str]:
    """Return the names of the jobs starting with `prefix` that a live worker holds."""
    return set(
        JobLease.objects.filter(job__startswith=prefix, expires_at__gt=timezone.now()).values_list(
            "job", flat=True
        )
    )


class _Heartbeat(threading.Thread):
    """Renews a lease every third of its length until stopped."""

    def __init__(self, *, job: str, holder: str, seconds: int) -> None:
        super().__init__(name=f"lease-{job}", daemon=True)
        self.job = job
        self.holder = holder
        self.seconds = seconds
        self.stopped = threading.Event()

    def run(self) -> None:
        interval = max(0.5, self.seconds / 3)
        try:
            while not self.stopped.wait(interval):
                try:
                    if not job_lease_renew(job=self.job, holder=self.holder, seconds=self.seconds):
                        logger.warning("Lost the lease on %s to another worker", self.job)
                        return
                except Exception:  # noqa: BLE001 — a failed renewal is retried on the next beat
                    logger.exception("Renewing the lease on %s failed", self.job)
        finally:
            connection.close()


@contextmanager
def job_lease(job: str, *, seconds: int | None = None) -> Iterator[str]:
    """Hold the job's lease for the duration of the block, renewing it in the background.

    Raises JobLeaseHeld when another live worker holds it.
    """
    seconds = seconds or settings.SEOASSIST_JOB_LEASE_SECONDS
    holder = lease_holder_name()
    current = job_lease_acquire(job=job, holder=holder, seconds=seconds)
    if current is not None:
        raise JobLeaseHeld(job, current)
    heartbeat = _Heartbeat(job=job, holder=holder, seconds=seconds)
    heartbeat.start()
    try:
        yield holder
    finally:
        heartbeat.stopped.set()
        heartbeat.join(timeout=seconds)
        job_lease_release(job=job, holder=holder)
