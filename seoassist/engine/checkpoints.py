"""Training checkpoints copied to Django's storage, so that a run resumes on any worker host.

The engine writes `checkpoint.pt` into the run's local working folder. While
the run trains, a background thread copies it with the tokenizer it belongs
to into storage under `runs/<run id>/`, each copy under new names, and then
writes a pointer file naming that pair. A copy cut short is never named by a
pointer, so a worker that restores always gets a complete pair.
"""
import json
import logging
import threading
import time
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)

CHECKPOINT_NAME = "checkpoint.pt"
TOKENIZER_NAME = "tokenizer.model"
_POINTER_PREFIX = "latest-"


def _folder(run_id: int) -> str:
    return f"runs/{run_id}"


def _pointers(run_id: int) -> list[str]:
    """Return the run's pointer file names, oldest first."""
    folder = _folder(run_id)
    if not default_storage.exists(folder):
        return []
    _, files = default_storage.listdir(folder)
    return sorted(
        (name for name in files if name.startswith(_POINTER_PREFIX)),
        key=lambda name: int(name[len(_POINTER_PREFIX):-len(".json")]),
    )


def checkpoint_upload(*, run_id: int, work_dir: Path) -> bool:
    """Copy the run's checkpoint and tokenizer to storage; False when there is none yet."""
    checkpoint = work_dir / CHECKPOINT_NAME
    tokenizer = work_dir / TOKENIZER_NAME
    if not checkpoint.is_file() or not tokenizer.is_file():
        return False
    stamp = checkpoint.stat().st_mtime_ns
    folder = _folder(run_id)
    stored = {}
    for path in (checkpoint, tokenizer):
        with path.open("rb") as handle:
            stored[path.name] = default_storage.save(
                f"{folder}/{stamp}-{path.name}", ContentFile(handle.read())
            )
    old_pointers = _pointers(run_id)
    default_storage.save(
        f"{folder}/{_POINTER_PREFIX}{stamp}.json", ContentFile(json.dumps(stored).encode())
    )
    for pointer in old_pointers:
        _delete_pointer(f"{folder}/{pointer}")
    logger.info("Copied the checkpoint of training run %s to storage", run_id)
    return True


def _delete_pointer(pointer: str) -> None:
    with default_storage.open(pointer, "rb") as handle:
        names = json.loads(handle.read())
    for name in names.values():
        default_storage.delete(name)
    default_storage.delete(pointer)


def checkpoint_restore(*, run_id: int, work_dir: Path) -> bool:
    """Fetch the newest stored checkpoint into `work_dir` unless it has one; True when fetched."""
    if (work_dir / CHECKPOINT_NAME).is_file():
        return False
    pointers = _pointers(run_id)
    if not pointers:
        return False
    with default_storage.open(f"{_folder(run_id)}/{pointers[-1]}", "rb") as handle:
        names = json.loads(handle.read())
    work_dir.mkdir(parents=True, exist_ok=True)
    # The tokenizer first: a checkpoint without its tokenizer would start the run over.
    for local_name in (TOKENIZER_NAME, CHECKPOINT_NAME):
        with default_storage.open(names[local_name], "rb") as source:
            (work_dir / local_name).write_bytes(source.read())
    logger.info("Fetched the stored checkpoint of training run %s", run_id)
    return True


def checkpoints_delete(*, run_id: int) -> None:
    """Remove the run's stored checkpoints once it has finished."""
    folder = _folder(run_id)
    for pointer in _pointers(run_id):
        _delete_pointer(f"{folder}/{pointer}")


class CheckpointSync(threading.Thread):
    """Copies the run's checkpoint to storage whenever the engine has written a new one."""

    def __init__(self, *, run_id: int, work_dir: Path) -> None:
        super().__init__(name=f"checkpoint-sync-{run_id}", daemon=True)
        self.run_id = run_id
        self.work_dir = work_dir
        self.stopped = threading.Event()
        # A checkpoint already on disk when training starts may belong to an older
        # attempt that the engine is about to discard, so only newer ones are copied.
        checkpoint = work_dir / CHECKPOINT_NAME
        self.uploaded_stamp = checkpoint.stat().st_mtime_ns if checkpoint.is_file() else 0

    def sync(self) -> bool:
        """Copy the checkpoint when it changed since the last copy; return whether it did."""
        checkpoint = self.work_dir / CHECKPOINT_NAME
        if not checkpoint.is_file() or checkpoint.stat().st_mtime_ns == self.uploaded_stamp:
            return False
        stamp = checkpoint.stat().st_mtime_ns
        if checkpoint_upload(run_id=self.run_id, work_dir=self.work_dir):
            self.uploaded_stamp = stamp
            return True
        return False

    def run(self) -> None:
        from django.db import connection

        interval = settings.SEOASSIST_CHECKPOINT_SYNC_SECONDS
        # Look for a new checkpoint often, so the first one is copied soon after it is
        # written, but copy at most once per interval.
        poll = min(interval, 0.25)
        last_copy = -float(interval)
        try:
            while not self.stopped.wait(poll):
                if time.monotonic() - last_copy < interval:
                    continue
                try:
                    if self.sync():
                        last_copy = time.monotonic()
                except Exception:  # noqa: BLE001 — a failed copy is tried again on the next round
                    logger.exception("Copying the checkpoint of training run %s failed", self.run_id)
        finally:
            connection.close()
