"""Django settings for Yiji. Everything a site may change comes from environment variables."""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from yiji.env import envbool, envint, envstr

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(envstr("YIJI_VAR_DIR", str(BASE_DIR.parent / "var"))).resolve()
(VAR_DIR / "static").mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """YIJI_SECRET_KEY, or a key generated once and kept under var/ (readable by the owner only)."""
    key = envstr("YIJI_SECRET_KEY")
    if key:
        return key
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("YIJI_DEBUG", "False")
ALLOWED_HOSTS = [h for h in envstr("YIJI_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in envstr("YIJI_CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "huey.contrib.djhuey",
    "oauth2_provider",
    "yiji.core",
    "yiji.orders",
    "yiji.exams",
    "yiji.reports",
    "yiji.interop",
    "yiji.quality",
    "yiji.equipment",
    "yiji.people",
    "yiji.incidents",
    "yiji.images",
    "yiji.archive",
    "yiji.lab",
    "yiji.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "yiji.core.middleware.NulCharacterMiddleware",
    "yiji.core.middleware.ContentSecurityPolicyMiddleware",
    "yiji.core.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "yiji.core.middleware.PolicyBatchMiddleware",
    "yiji.core.middleware.IdleTimeoutMiddleware",
    "yiji.core.middleware.PermissionRefusedMiddleware",
    "yiji.core.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "yiji.urls"
WSGI_APPLICATION = "yiji.wsgi.application"

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
                "yiji.core.context_processors.navigation",
                "yiji.core.context_processors.csp_nonce",
                "yiji.reports.context_processors.critical_alerts",
                "yiji.images.context_processors.images",
            ],
        },
    },
]


def _databases() -> dict:
    default_sqlite = f"sqlite:///{VAR_DIR / 'yiji.sqlite3'}"
    databases = {"default": _database(envstr("DATABASE_URL", default_sqlite))}
    replica = envstr("DATABASE_REPLICA_URL")
    if replica:
        # A streaming replica for dashboards and reports (yiji.core.routing); tests use the
        # default database under this name too.
        databases["replica"] = _database(replica) | {"TEST": {"MIRROR": "default"}}
        if databases["replica"]["ENGINE"] != databases["default"]["ENGINE"]:
            raise ImproperlyConfigured("DATABASE_REPLICA_URL must be the same kind of database")
    return databases


def _database(url: str) -> dict:
    try:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a database URL: {exc}") from None
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # WAL lets readers work while one writer commits; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue on busy_timeout instead of failing with "database locked".
        config["OPTIONS"] = {
            # optimize=0x10002 refreshes the planner's statistics when they are stale, as
            # SQLite's documentation advises for each new connection; analysis_limit keeps
            # that to a sample, so a connection never waits on a full ANALYZE.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA analysis_limit=400; PRAGMA optimize=0x10002;"
            ),
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
        # A file, not memory: tests of concurrent writers need SQLite's real locking.
        config["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    elif "postgresql" in config["ENGINE"]:
        # JIT compilation costs more than it saves on Yiji's queries: on the yearly indicator
        # set over 2 million exams it added about a quarter (docs/performance.md).
        config.setdefault("OPTIONS", {})["options"] = "-c jit=off"
    return config


DATABASES = _databases()
DATABASE_ROUTERS = ["yiji.core.routing.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envstr("REDIS_URL")

# Background work (reminders, escalations) runs in Huey's consumer (`yiji up` starts it):
# SQLite storage under var/ by default, Redis when REDIS_URL is set.
HUEY = {
    "name": "yiji",
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.SqliteHuey",
    "immediate": envbool("YIJI_TASKS_IMMEDIATE", "False"),
    "connection": {"url": REDIS_URL} if REDIS_URL else {"filename": str(VAR_DIR / "tasks.sqlite3")},
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "yiji.core.passwords.PolicyLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "yiji.core.passwords.LettersAndDigitsValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("YIJI_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
# Where scheduled backups go (ARC-6): best another disk or a mounted share.
BACKUP_DIR = Path(envstr("YIJI_BACKUP_DIR", str(VAR_DIR / "backups"))).resolve()
WHITENOISE_USE_FINDERS = True

# Behind an HTTPS reverse proxy set YIJI_HTTPS=True: cookies become Secure, HSTS is sent.
HTTPS = envbool("YIJI_HTTPS", "False")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

YIJI_PORT = envint("YIJI_PORT", "8000")
# The HL7 v2 (MLLP) listener and the DICOM service (worklist, MPPS), on loopback by default.
YIJI_HL7_PORT = envint("YIJI_HL7_PORT", "2575")
YIJI_DICOM_PORT = envint("YIJI_DICOM_PORT", "11112")
YIJI_DICOM_AE_TITLE = envstr("YIJI_DICOM_AE_TITLE", "YIJI")
YIJI_WORKERS = envint("YIJI_WORKERS", "2")

# The image archive (PACS). By default the private Orthanc that `yiji up` starts when Debian's
# `orthanc` is installed: its web side on loopback at YIJI_PACS_PORT, modalities storing to
# YIJI_PACS_DICOM_PORT. A hospital names its own PACS's DICOMweb root in YIJI_DICOMWEB_URL
# ("off" turns the image features off), or, where it has no DICOMweb, its C-FIND address
# (YIJI_PACS_DIMSE = "AE@host:port") for availability. YIJI_VIEWER_URL is the viewer's address
# template ({study_uid}, {accession}, {patient_id}, {orthanc_study}).
YIJI_PACS_PORT = envint("YIJI_PACS_PORT", "8242")
YIJI_PACS_DICOM_PORT = envint("YIJI_PACS_DICOM_PORT", "4243")
YIJI_PACS_AE_TITLE = envstr("YIJI_PACS_AE_TITLE", "YIJIPACS")
YIJI_PACS_DIR = Path(envstr("YIJI_PACS_DIR", str(VAR_DIR / "pacs"))).resolve()
YIJI_PACS_TIMEOUT = envint("YIJI_PACS_TIMEOUT", "5")
YIJI_PACS_DIMSE = envstr("YIJI_PACS_DIMSE")
YIJI_DICOMWEB_URL = envstr("YIJI_DICOMWEB_URL", "private")
YIJI_VIEWER_URL = envstr(
    "YIJI_VIEWER_URL",
    f"http://127.0.0.1:{YIJI_PACS_PORT}/web-viewer/app/viewer.html?series={{orthanc_series}}",
)
YIJI_HOSPITAL_NAME = envstr("YIJI_HOSPITAL_NAME", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    # The task consumer logs through its own handler; do not print each line twice.
    "loggers": {"huey": {"handlers": [], "level": "INFO", "propagate": False}},
}

YIJI_SITE_TITLE = _("Yiji")

# OAuth2 client credentials for hospital systems on the FHIR interface (SMART Backend
# Services, `yiji interface account NAME --client`); the scopes are SMART's system scopes.
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "SCOPES": {
        "system/*.read": "Read every resource the account may read",
        "system/*.write": "Create and update orders and appointments",
    },
    "DEFAULT_SCOPES": ["system/*.read"],
}
