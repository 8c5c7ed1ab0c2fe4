"""The embedded default broker: kombu's filesystem transport, configured without warnings."""
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

# Run in a fresh interpreter, because the settings read the environment once at import.
CONNECTION_SCRIPT = """
import logging
import sys

logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="%(name)s %(message)s")
from seoassist.celery import app

connection = app.connection_for_write()
copy = connection.clone()
print(copy.transport_cls, copy.hostname)
print(sorted(copy.transport_options))
"""


class DefaultBrokerTests:
    def test_connection_copy_logs_no_hostname_warning(self, tmp_path):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "SEOASSIST_", "DATABASE_URL", "CELERY_", "REDIS_URL"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="seoassist.settings.base",
            DJANGO_LOG_FORMAT="plain",
            SEOASSIST_VAR_DIR=str(tmp_path),
        )
        result = subprocess.run(
            [sys.executable, "-c", CONNECTION_SCRIPT],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
        )

        assert result.returncode == 0, result.stderr
        transport, hostname = result.stdout.splitlines()[0].split()
        assert transport == "filesystem"
        assert hostname == "localhost"
        assert "data_folder_in" in result.stdout
        assert "No hostname was supplied" not in result.stderr
