"""Model artifacts in Django's storage, unpacked into a local cache for workers.

Training writes into a local working folder. `artifacts_publish` copies the files
into the default storage, which is the filesystem unless a storages backend is
configured. `artifacts_local_dir` brings them back on whichever host loads them.
"""
import logging
import shutil
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage

logger = logging.getLogger(__name__)


def artifacts_publish(*, local_dir: Path, prefix: str) -> list[str]:
    """Copy every file of `local_dir` (not sub-folders) to storage under `prefix`."""
    names = []
    for path in sorted(local_dir.iterdir()):
        if not path.is_file() or path.name.startswith("checkpoint"):
            continue
        target = f"{prefix}/{path.name}"
        if default_storage.exists(target):
            default_storage.delete(target)
        with path.open("rb") as handle:
            default_storage.save(target, File(handle, name=path.name))
        names.append(path.name)
    logger.info("Published %d artifact files under %s", len(names), prefix)
    return names


def artifacts_local_dir(*, prefix: str, files: list[str]) -> Path:
    """Return a local folder holding the artifacts, downloading them when missing."""
    local_dir = settings.SEOASSIST_WORK_DIR / "cache" / prefix
    complete_marker = local_dir / ".complete"
    if complete_marker.exists():
        return local_dir
    partial_dir = local_dir.with_name(local_dir.name + ".partial")
    shutil.rmtree(partial_dir, ignore_errors=True)
    partial_dir.mkdir(parents=True)
    for name in files:
        with default_storage.open(f"{prefix}/{name}", "rb") as source:
            with (partial_dir / name).open("wb") as target:
                shutil.copyfileobj(source, target)
    (partial_dir / ".complete").write_text("ok")
    shutil.rmtree(local_dir, ignore_errors=True)
    partial_dir.rename(local_dir)
    return local_dir
