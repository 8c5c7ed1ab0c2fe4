"""Settings for the test suite: fast hashing, tiny models, files under var/test.

Worker processes that tests start use these settings too, so both sides share
the broker folder, the media storage and the work folder.
"""
from seoassist.settings.base import *  # noqa: F403
from pathlib import Path

from seoassist.settings.base import CELERY_BROKER_URL, DATABASES, VAR_DIR
from seoassist.settings.env import env_str

TEST_DIR = VAR_DIR / "test"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = TEST_DIR / "media"
# A test may give a worker a working folder of its own, as on another host.
SEOASSIST_WORK_DIR = Path(env_str("SEOASSIST_WORK_DIR", str(TEST_DIR / "work")))
SEOASSIST_TRAINING_PROFILE = "tiny"

# The SQLite test database lives in a file, not in memory, so that worker
# subprocesses can open it.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_DIR / "db.sqlite3")}

if CELERY_BROKER_URL.startswith("filesystem"):
    _broker_dir = TEST_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
    SEOASSIST_BROKER_DIRS = [_broker_dir / "queue", _broker_dir / "control", _broker_dir / "processed"]
