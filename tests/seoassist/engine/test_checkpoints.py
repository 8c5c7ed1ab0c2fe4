"""Training checkpoints in storage: upload, newest-wins restore, and cleanup."""
import os

import pytest

pytestmark = [pytest.mark.django_db]


def _write_pair(folder, checkpoint: bytes, tokenizer: bytes, mtime_ns: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tokenizer.model").write_bytes(tokenizer)
    path = folder / "checkpoint.pt"
    path.write_bytes(checkpoint)
    os.utime(path, ns=(mtime_ns, mtime_ns))


class CheckpointStorageTests:
    def test_newest_upload_is_restored_elsewhere(self, tmp_path, settings):
        from django.core.files.storage import default_storage

        from seoassist.engine.checkpoints import checkpoint_restore, checkpoint_upload

        settings.MEDIA_ROOT = tmp_path / "media"
        trained = tmp_path / "host-a"
        _write_pair(trained, b"step-20", b"pieces", 1_000)
        assert checkpoint_upload(run_id=7, work_dir=trained)
        _write_pair(trained, b"step-40", b"pieces", 2_000)
        assert checkpoint_upload(run_id=7, work_dir=trained)

        other = tmp_path / "host-b"
        assert checkpoint_restore(run_id=7, work_dir=other)
        assert (other / "checkpoint.pt").read_bytes() == b"step-40"
        assert (other / "tokenizer.model").read_bytes() == b"pieces"
        # The older pair is gone: one pointer and its two files remain.
        assert len(default_storage.listdir("runs/7")[1]) == 3

    def test_restore_keeps_local_checkpoint(self, tmp_path, settings):
        from seoassist.engine.checkpoints import checkpoint_restore, checkpoint_upload

        settings.MEDIA_ROOT = tmp_path / "media"
        _write_pair(tmp_path / "a", b"stored", b"pieces", 1_000)
        checkpoint_upload(run_id=8, work_dir=tmp_path / "a")
        _write_pair(tmp_path / "b", b"local", b"pieces", 5_000)
        assert not checkpoint_restore(run_id=8, work_dir=tmp_path / "b")
        assert (tmp_path / "b" / "checkpoint.pt").read_bytes() == b"local"

    def test_nothing_to_upload_or_restore(self, tmp_path, settings):
        from seoassist.engine.checkpoints import checkpoint_restore, checkpoint_upload

        settings.MEDIA_ROOT = tmp_path / "media"
        assert not checkpoint_upload(run_id=9, work_dir=tmp_path / "empty")
        assert not checkpoint_restore(run_id=9, work_dir=tmp_path / "empty")

    def test_delete_removes_every_copy(self, tmp_path, settings):
        from django.core.files.storage import default_storage

        from seoassist.engine.checkpoints import checkpoint_upload, checkpoints_delete

        settings.MEDIA_ROOT = tmp_path / "media"
        _write_pair(tmp_path / "a", b"x", b"y", 1_000)
        checkpoint_upload(run_id=10, work_dir=tmp_path / "a")
        checkpoints_delete(run_id=10)
        assert default_storage.listdir("runs/10")[1] == []
