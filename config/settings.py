"""Settings of Aiguillage: one file, read top to bottom, grouped by concern.

Dev defaults just work (SQLite, DEBUG, console e-mail). In staging and
production, missing variables stop startup and dev defaults are refused.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _read_dotenv(path: Path) -> None:
    """Load an optional git-ignored .env (KEY=VALUE lines) without overriding the environment."""
    if not path.exists():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip('"').strip("'"))


_read_dotenv(BASE_DIR / ".env")


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Missing environment variable {name}")
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from error


def env_secret(name: str, default: str | None = None) -> str:
    """A secret from NAME or from the file named by NAME_FILE."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return env_str(name, default)


# --- Environment -------------------------------------------------------------
ENVIRONMENT = env_str("ENVIRONMENT", "dev")
if ENVIRONMENT not in {"dev", "test", "staging", "production"}:
    raise ImproperlyConfigured("ENVIRONMENT must be dev, test, staging or production")
IS_DEPLOYED = ENVIRONMENT in {"staging", "production"}

_DEV_SECRET = "dev-only-secret-key-never-used-in-production-0123456789abcdef"
SECRET_KEY = env_secret("SECRET_KEY", None if IS_DEPLOYED else _DEV_SECRET)
if IS_DEPLOYED and SECRET_KEY == _DEV_SECRET:
    raise ImproperlyConfigured("The development SECRET_KEY is refused in staging and production")
# A weak key lets anyone forge sessions and password-reset links: refused, not just warned
# about (the same bar as Django's security.W009).
if IS_DEPLOYED and (
    len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure")
):
    raise ImproperlyConfigured(
        "SECRET_KEY is too weak: use 50 or more random characters "
        "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))')"
    )
DEBUG = env_bool("DEBUG", not IS_DEPLOYED)
if IS_DEPLOYED and DEBUG:
    raise ImproperlyConfigured("DEBUG must be off in staging and production")
ALLOWED_HOSTS = env_str("ALLOWED_HOSTS", "" if IS_DEPLOYED else "127.0.0.1,localhost,testserver")
ALLOWED_HOSTS = [host.strip() for host in ALLOWED_HOSTS.split(",") if host.strip()]
if IS_DEPLOYED and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS is required in staging and production")
# `make run PORT=8010` and `make serve` pass PORT, so printed and e-mailed links follow it.
SITE_URL = env_str("SITE_URL", f"http://127.0.0.1:{env_int('PORT', 8000)}")

# --- Applications ------------------------------------------------------------
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "aiguillage.accounts",
    "aiguillage.territories",
    "aiguillage.organisations",
    "aiguillage.places",
    "aiguillage.people",
    "aiguillage.assessments",
    "aiguillage.referrals",
    "aiguillage.coverage",
    "aiguillage.activities",
    "aiguillage.workshops",
    "aiguillage.events",
    "aiguillage.steering",
    "aiguillage.pool",
    "aiguillage.equipment",
    "aiguillage.journal",
    "aiguillage.jobs",
    "aiguillage.ui",
]
# The demo seeder is installed outside production only.
if not IS_DEPLOYED:
    INSTALLED_APPS.append("aiguillage.demo")

MIDDLEWARE = [
    # Before anything reads the query string: too many fields get a French 400.
    "aiguillage.ui.middleware.RequestLimitsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed its second factor?
    "django_otp.middleware.OTPMiddleware",
    "aiguillage.accounts.middleware.IdleSessionMiddleware",
    "aiguillage.ui.middleware.NoStoreForSignedInMiddleware",
    # Deny by default: every view needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "aiguillage.accounts.middleware.CurrentMembershipMiddleware",
    # After the password, the code, for accounts that can read people's files.
    "aiguillage.accounts.middleware.SecondFactorMiddleware",
    "aiguillage.ui.middleware.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its French page.
    "axes.middleware.AxesMiddleware",
]

# Deployed instances serve static files themselves; runserver does it in dev and tests.
if IS_DEPLOYED:
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "aiguillage.ui.context_processors.platform",
            ],
            "string_if_invalid": "",
        },
    }
]

# --- Database ----------------------------------------------------------------
# SQLite by default; production runs PostgreSQL through DATABASE_URL.
_default_db = f"sqlite:///{BASE_DIR / 'var' / 'aiguillage.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", None if IS_DEPLOYED else _default_db),
        conn_max_age=60,
        # A connection kept across requests is checked before reuse: after a PostgreSQL
        # restart the next request opens a new one instead of failing.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the server read while an import writes; a busy timeout avoids
    # "database is locked" errors between the two.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests use a file too (one per test run): requests running at once then wait for each
    # other as in production, where a shared in-memory database would refuse them at once.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"aiguillage-test-{os.getpid()}.sqlite3")
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
# django-axes first: a locked-out account or address is refused before any password check.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Brute force: after LOGIN_FAILURE_LIMIT failed logins on one account, or from one address,
# both wait LOGIN_LOCKOUT_MINUTES (staff can lift it in the admin, « Access attempts »).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# The login form's field is « username » (it holds the e-mail address).
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "aiguillage.accounts.forms.login_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# How many reverse proxies append to X-Forwarded-For in front of the application (nginx: 1).
# The client's address is the entry they added; without a proxy, REMOTE_ADDR.
PROXY_COUNT = env_int("PROXY_COUNT", 1 if IS_DEPLOYED else 0)
AXES_CLIENT_IP_CALLABLE = "aiguillage.accounts.forms.client_address"
AXES_VERBOSE = False
# A reset link is sent at most this many times an hour to one address.
PASSWORD_RESETS_PER_HOUR = env_int("PASSWORD_RESETS_PER_HOUR", 3)
# Second factor (django-otp): every account that can read a person's file (a member of a
# structure) or the admin (staff) enters a code from an authenticator application after its
# password. Required everywhere but the offline demo, where it is offered (an account that
# switched it on always uses it).
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", ENVIRONMENT != "dev")
OTP_TOTP_ISSUER = "Aiguillage"
# Wrong codes wait 1, 2, 4, 8… seconds per device (django-otp's throttling), up to an hour.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "ui:home"
LOGOUT_REDIRECT_URL = "ui:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
INVITATION_VALIDITY_DAYS = env_int("INVITATION_VALIDITY_DAYS", 14)

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "fr-fr"
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
# Front-end libraries fetched from the npm registry at install time (never committed).
STATICFILES_DIRS = [BASE_DIR / "var" / "vendor"]
# Uploaded import files and coverage results: the local disk in dev and on a single machine,
# S3-compatible object storage when several machines serve (nothing stays on a web machine).
STORAGE_BACKEND = env_str("STORAGE_BACKEND", "filesystem")
if STORAGE_BACKEND not in {"filesystem", "s3"}:
    raise ImproperlyConfigured("STORAGE_BACKEND must be filesystem or s3")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
_FILE_STORAGE: dict = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if STORAGE_BACKEND == "s3":
    _FILE_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
            "region_name": env_str("S3_REGION", "") or None,
            "access_key": env_secret("S3_ACCESS_KEY", ""),
            "secret_key": env_secret("S3_SECRET_KEY", ""),
            # Private files: read through the application, never by a public URL.
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": True,
        },
    }
STORAGES = {
    "default": _FILE_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if IS_DEPLOYED
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Collected files have a hash in their name and are cached for a year (immutable); the few
# without one are cached for an hour.
WHITENOISE_MAX_AGE = 3600
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Request bodies: 2.5 MB at most, except the views that receive files (ui.middleware).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_500_000

# --- E-mail ------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if IS_DEPLOYED
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# A stuck mail server must never hold a worker for long: the delivery is retried later.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# A message that cannot be delivered is retried with a growing delay for this long.
EMAIL_RETRY_HOURS = env_int("EMAIL_RETRY_HOURS", 48)
DEFAULT_FROM_EMAIL = env_str(
    "DEFAULT_FROM_EMAIL", "Aiguillage <ne-pas-repondre@aiguillage.localhost>"
)

# --- Security ----------------------------------------------------------------
# Off only for `make serve`, the production configuration tried over plain HTTP on this machine.
SECURE_COOKIES = env_bool("SECURE_COOKIES", IS_DEPLOYED)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
# A refused form gets a French page with a way back (JSON on the API).
CSRF_FAILURE_VIEW = "aiguillage.ui.errors.csrf_failure"
# Behind the reverse proxy that terminates TLS (deploy/nginx.conf sets this header).
if IS_DEPLOYED:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", IS_DEPLOYED)
SECURE_HSTS_SECONDS = 31536000 if IS_DEPLOYED else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = IS_DEPLOYED
SECURE_HSTS_PRELOAD = IS_DEPLOYED
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_AGE = 60 * 60 * 10
# A session unused this long ends (accounts.middleware.IdleSessionMiddleware).
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 60)
X_FRAME_OPTIONS = "DENY"

# --- Map ---------------------------------------------------------------------
# Tile server of the maps. The list of places works without tiles or JavaScript.
MAP_TILE_URL = env_str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "© contributeurs OpenStreetMap")

# --- Places ------------------------------------------------------------------
# Places of two sources closer than this and with similar names are merge candidates.
DEDUP_MAX_DISTANCE_M = env_int("DEDUP_MAX_DISTANCE_M", 300)
IMPORT_BATCH_SIZE = env_int("IMPORT_BATCH_SIZE", 1000)

# --- Logging -----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_traceback_below_500": {"()": "aiguillage.log_filters.NoTracebackBelow500"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["no_traceback_below_500"]}
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}

# --- Background work -----------------------------------------------------------
# Imports, coverage runs, e-mails and scheduled commands are tasks (Tasks API, django-tasks),
# stored in the database and run by `manage.py run_worker` processes. Tests run them
# immediately (on commit) unless a test starts a real worker.
TASK_BACKEND = env_str("TASK_BACKEND", "immediate" if ENVIRONMENT == "test" else "database")
if TASK_BACKEND not in {"database", "immediate"}:
    raise ImproperlyConfigured("TASK_BACKEND must be database or immediate")
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend"
        if TASK_BACKEND == "database"
        else "django_tasks.backends.immediate.ImmediateBackend"
    }
}
# A worker writes a heartbeat this often; a task whose worker has been silent for
# WORKER_STALE_SECONDS (killed, machine lost) is handed to another worker.
WORKER_HEARTBEAT_SECONDS = env_int("WORKER_HEARTBEAT_SECONDS", 5)
WORKER_STALE_SECONDS = env_int("WORKER_STALE_SECONDS", 60)
# A job is tried this many times (failures and lost workers together) before it is given up.
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3)

# --- Personal data -------------------------------------------------------------
# People's files are anonymised this many months after their last activity.
PEOPLE_RETENTION_MONTHS = env_int("PEOPLE_RETENTION_MONTHS", 24)
# Closed referrals lose their personal data this many months after their last activity.
REFERRAL_RETENTION_MONTHS = env_int("REFERRAL_RETENTION_MONTHS", 24)
