"""Settings for every environment; production differs only by environment variables.

With no DATABASE_URL and no CELERY_BROKER_URL (or REDIS_URL) set, seoassist runs on
SQLite and kombu's filesystem transport under the var/ folder, so a fresh machine
needs nothing but Python.
"""
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from seoassist.settings.env import env_bool, env_int, env_json_object, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("SEOASSIST_VAR_DIR", str(BASE_DIR / "var"))).resolve()

# "tiny" trains very small models for a few seconds: for tests and smoke checks only.
SEOASSIST_TRAINING_PROFILE = env_str("SEOASSIST_TRAINING_PROFILE", "default")

DEBUG = env_bool("DJANGO_DEBUG", default=False)


def _secret_key() -> str:
    """Read DJANGO_SECRET_KEY, or keep a generated random key under var/."""
    configured = env_str("DJANGO_SECRET_KEY")
    if configured:
        return configured
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_celery_beat",
    "seoassist.core",
    "seoassist.corpus",
    "seoassist.trends",
    "seoassist.engine",
    "seoassist.drafting",
    "seoassist.analysis",
    "seoassist.tracking",
]

MIDDLEWARE = [
    "seoassist.core.observability.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "seoassist.core.observability.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "seoassist.urls"
WSGI_APPLICATION = "seoassist.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Database: PostgreSQL through DATABASE_URL, else SQLite in WAL mode so that the
# web server and the worker processes can write concurrently.
SQLITE_OPTIONS = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["CONN_MAX_AGE"] = 0
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

# Internationalisation: Japanese first, English too; the user's choice is kept
# in the language cookie by Django's set_language view.
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
# Catalogs that seoassist keeps for installed apps that ship no Japanese one, one folder
# per app label (`make thirdparty-messages` updates them). They come after seoassist/locale,
# whose translation wins for a msgid that both contain, and before the catalogs of Django
# and of the apps, which they override for a shared msgid.
SEOASSIST_THIRDPARTY_LOCALE_DIR = BASE_DIR / "seoassist" / "locale_thirdparty"
SEOASSIST_THIRDPARTY_LOCALE_APPS = ["django_celery_beat"]
LOCALE_PATHS = [
    BASE_DIR / "seoassist" / "locale",
    *(SEOASSIST_THIRDPARTY_LOCALE_DIR / label for label in SEOASSIST_THIRDPARTY_LOCALE_APPS),
]
TIME_ZONE = env_str("DJANGO_TIME_ZONE", "Asia/Tokyo")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "seoassist" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT", str(VAR_DIR / "media")))
# Default storage: uploaded import files and model artifacts. Any Django storage
# class works, for example storages.backends.s3.S3Storage from django-storages for
# S3-compatible object storage, with its options as a JSON object.
STORAGES = {
    "default": {
        "BACKEND": env_str(
            "SEOASSIST_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"
        ),
        "OPTIONS": env_json_object("SEOASSIST_STORAGE_OPTIONS"),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "seoassist.core.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Uploads: files over this size are refused with a message naming the limit.
SEOASSIST_MAX_UPLOAD_BYTES = env_int("SEOASSIST_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Fetching pages for URL and sitemap imports. Loopback addresses are refused
# unless allowed here (tests and local development only); private, link-local,
# multicast and reserved addresses are always refused.
SEOASSIST_FETCH_ALLOW_LOOPBACK = env_bool("SEOASSIST_FETCH_ALLOW_LOOPBACK", False)
SEOASSIST_FETCH_TIMEOUT = env_int("SEOASSIST_FETCH_TIMEOUT", 20)
SEOASSIST_FETCH_MAX_BYTES = env_int("SEOASSIST_FETCH_MAX_BYTES", 5 * 1024 * 1024)
SEOASSIST_FETCH_MAX_REDIRECTS = env_int("SEOASSIST_FETCH_MAX_REDIRECTS", 5)
SEOASSIST_FETCH_USER_AGENT = env_str(
    "SEOASSIST_FETCH_USER_AGENT", "seoassist-importer/0.1"
)
# Sitemap crawls: parallel requests, seconds between requests to one host,
# and the page and time limits of one crawl.
SEOASSIST_CRAWL_CONCURRENCY = env_int("SEOASSIST_CRAWL_CONCURRENCY", 4)
SEOASSIST_CRAWL_HOST_DELAY_MS = env_int("SEOASSIST_CRAWL_HOST_DELAY_MS", 1000)
SEOASSIST_CRAWL_MAX_PAGES = env_int("SEOASSIST_CRAWL_MAX_PAGES", 2000)
SEOASSIST_CRAWL_TIME_LIMIT = env_int("SEOASSIST_CRAWL_TIME_LIMIT", 1800)

# Local folder for unpacked model artifacts and training checkpoints.
SEOASSIST_WORK_DIR = Path(env_str("SEOASSIST_WORK_DIR", str(VAR_DIR / "work")))
SEOASSIST_TRAINING_TIME_LIMIT = env_int("SEOASSIST_TRAINING_TIME_LIMIT", 6 * 3600)
# Seconds between copies of a running language-model training's newest checkpoint
# to the default storage, from where a worker on another host resumes the run;
# 0 keeps checkpoints on the training host only.
SEOASSIST_CHECKPOINT_SYNC_SECONDS = env_int("SEOASSIST_CHECKPOINT_SYNC_SECONDS", 60)
# Optimizer steps of the "tiny" training profile.
SEOASSIST_TINY_TRAINING_STEPS = env_int("SEOASSIST_TINY_TRAINING_STEPS", 40)
# Hard time limit of one drafting task in seconds; the soft limit that marks the
# request failed with a message comes a minute earlier.
SEOASSIST_DRAFTING_TIME_LIMIT = env_int("SEOASSIST_DRAFTING_TIME_LIMIT", 11 * 60)

# Job recovery. A worker renews the lease of the job it runs every third of
# SEOASSIST_JOB_LEASE_SECONDS. The sweeper (core.requeue_stuck_jobs, every five
# minutes) dispatches again a running job whose lease expired and a job queued
# for longer than SEOASSIST_REQUEUE_QUEUED_SECONDS (the broker was down when it
# was submitted). It also dispatches an unleased running job (an import) that was
# silent for SEOASSIST_REQUEUE_SILENT_SECONDS.
SEOASSIST_JOB_LEASE_SECONDS = env_int("SEOASSIST_JOB_LEASE_SECONDS", 60)
SEOASSIST_REQUEUE_QUEUED_SECONDS = env_int("SEOASSIST_REQUEUE_QUEUED_SECONDS", 300)
SEOASSIST_REQUEUE_SILENT_SECONDS = env_int("SEOASSIST_REQUEUE_SILENT_SECONDS", 1800)

# Transient errors that tasks retry: this many times, each time waiting a random
# time of up to 2, 4, 8 … seconds, capped at SEOASSIST_TASK_RETRY_BACKOFF_MAX.
SEOASSIST_TASK_MAX_RETRIES = env_int("SEOASSIST_TASK_MAX_RETRIES", 3)
SEOASSIST_TASK_RETRY_BACKOFF_MAX = env_int("SEOASSIST_TASK_RETRY_BACKOFF_MAX", 120)

# Keyword tracking: forecasts that change by at least this percentage raise an alert.
SEOASSIST_ALERT_THRESHOLD_PERCENT = env_int("SEOASSIST_ALERT_THRESHOLD_PERCENT", 20)

# Wall-clock budget of a language-model hyperparameter search, and of each of its trials (seconds).
SEOASSIST_SEARCH_BUDGET_SECONDS = env_int("SEOASSIST_SEARCH_BUDGET_SECONDS", 3600)
SEOASSIST_SEARCH_TRIAL_SECONDS = env_int("SEOASSIST_SEARCH_TRIAL_SECONDS", 180)

# Celery: Redis (or any broker URL) when configured, else the filesystem
# transport with a real worker process.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL") or env_str("REDIS_URL")
if not CELERY_BROKER_URL:
    _broker_dir = VAR_DIR / "broker"
    # The transport ignores the host, but kombu 5.7 logs "No hostname was supplied" each
    # time it copies the connection of a URL without one, so the URL names localhost.
    CELERY_BROKER_URL = "filesystem://localhost/"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "control_folder": str(_broker_dir / "control"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
    }
    SEOASSIST_BROKER_DIRS = [
        _broker_dir / "queue",
        _broker_dir / "control",
        _broker_dir / "processed",
    ]
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # An unacknowledged message goes back to the queue after this many seconds.
        # The job lease keeps that second delivery from running beside a live first one.
        "visibility_timeout": env_int(
            "SEOASSIST_BROKER_VISIBILITY_TIMEOUT", SEOASSIST_TRAINING_TIME_LIMIT + 600
        ),
        # Short socket timeouts so that a request which queues a task while Redis
        # is down returns at once; the row stays queued for the sweeper.
        "socket_connect_timeout": 2,
        "socket_timeout": 10,
        "retry_on_timeout": True,
        "health_check_interval": 25,
    }
    SEOASSIST_BROKER_DIRS = []
# Sending a task while the broker is down gives up after about a second.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.3,
    "interval_max": 0.5,
}
# Workers keep retrying a lost broker connection for as long as it is down.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "engine.*": {"queue": "training"},
    "drafting.*": {"queue": "drafting"},
}
CELERY_TASK_ANNOTATIONS = {
    "engine.training_run": {
        "time_limit": SEOASSIST_TRAINING_TIME_LIMIT,
        "soft_time_limit": SEOASSIST_TRAINING_TIME_LIMIT - 60,
    },
    "drafting.keyword_request_run": {
        "time_limit": SEOASSIST_DRAFTING_TIME_LIMIT,
        "soft_time_limit": SEOASSIST_DRAFTING_TIME_LIMIT - 60,
    },
}
# Processes per worker; None lets `celery worker --concurrency` or the CPU count decide.
# Training workers should run one process each (see docs/operations.md).
CELERY_WORKER_CONCURRENCY = env_int("CELERY_WORKER_CONCURRENCY", 0) or None
CELERY_TASK_TIME_LIMIT = 30 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 25 * 60
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Logs: one JSON object per line with the request id (web) or task id (workers);
# DJANGO_LOG_FORMAT=plain gives one readable line per record instead.
LOG_LEVEL = env_str("DJANGO_LOG_LEVEL", "INFO")
LOG_FORMAT = env_str("DJANGO_LOG_FORMAT", "json")
if LOG_FORMAT not in ("json", "plain"):
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT={LOG_FORMAT!r} must be json or plain.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "seoassist.core.observability.ContextFilter"}},
    "formatters": {
        "json": {"()": "seoassist.core.observability.JsonFormatter"},
        "plain": {
            "format": "%(asctime)s %(levelname)s %(name)s %(process)d "
            "request=%(request_id)s task=%(task_id)s %(message)s"
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "seoassist": {"level": LOG_LEVEL},
        "lstm_engine": {"level": LOG_LEVEL},
        "django": {"level": "INFO"},
    },
}

# Production security: every one of these is on unless DEBUG is set.
SESSION_COOKIE_SECURE = not DEBUG and env_bool("DJANGO_SECURE_COOKIES", default=True)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = not DEBUG and env_bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 0 if DEBUG else env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG and env_bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

FORMAT_MODULE_PATH = ["seoassist.formats"]

# Content-Security-Policy: scripts, styles and forms from this origin only, no
# plugins, no framing. Templates carry no inline script, handler or style.
SEOASSIST_CONTENT_SECURITY_POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "font-src": ["'self'"],
    "object-src": ["'none'"],
    "frame-ancestors": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
}

# Cache: local memory per process unless DJANGO_CACHE_URL names a shared Redis
# (for example redis://127.0.0.1:6379/1), which rate limits need across processes.
DJANGO_CACHE_URL = env_str("DJANGO_CACHE_URL")
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": DJANGO_CACHE_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
        if DJANGO_CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# Per-user rate limits: (uses, window in seconds) per action.
SEOASSIST_RATE_LIMITS = {
    "keyword_request": (
        env_int("SEOASSIST_RATE_LIMIT_REQUESTS", 30),
        env_int("SEOASSIST_RATE_LIMIT_REQUESTS_WINDOW", 600),
    ),
    "training_start": (
        env_int("SEOASSIST_RATE_LIMIT_TRAINING", 5),
        env_int("SEOASSIST_RATE_LIMIT_TRAINING_WINDOW", 3600),
    ),
}
