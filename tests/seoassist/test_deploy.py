"""Production settings pass Django's deployment checks."""
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


class DeployCheckTests:
    def test_check_deploy_has_no_warnings(self, tmp_path):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "SEOASSIST_", "DATABASE_URL", "CELERY_"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="seoassist.settings.base",
            DJANGO_SECRET_KEY="a-production-secret-" + "x" * 50,
            DJANGO_ALLOWED_HOSTS="seoassist.example.com",
            SEOASSIST_VAR_DIR=str(tmp_path),
        )
        result = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=120,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "no issues" in result.stdout
