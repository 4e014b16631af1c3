"""Dugnad settings: one module, read from the environment.

With nothing configured it runs on the embedded defaults (SQLite under var/, Celery tasks run
eagerly in-process, e-mail printed to the console). DATABASE_URL and REDIS_URL switch to
PostgreSQL and a real Celery broker, which is how it is deployed.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, got {raw!r}") from exc


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
    SECRET_KEY = "dugnad-insecure-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",
    "csp",
    "django_filters",
    "allauth",
    "allauth.account",
    "accounts",
    "outbox",
    "staffing",
    "needs",
    "placements",
    "volunteers",
    "inventory",
    "community",
    "matching",
    "resources",
    "rosters",
    "dashboard",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.DefaultLanguageMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "core.middleware.FormEncodingMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]
# `make bench-web` counts each page's queries from a response header; never on in production.
if env_bool("DUGNAD_QUERY_COUNT_HEADER", False):
    MIDDLEWARE.insert(0, "core.middleware.QueryCountMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# Form widgets render through the project's template engine (cached loader in production), so
# templates/django/forms/widgets/ can override Django's own: the select there writes its
# options in one loop instead of one template per option (a unit list of 40 cost ~2 ms a page).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database -------------------------------------------------------------------------------
VAR_DIR = Path(env_str("DUGNAD_VAR_DIR", str(BASE_DIR / "var")))
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
    # Choice lists (districts, qualifications) are read with .iterator(), which on PostgreSQL
    # opens a server-side cursor: three round trips per list on every form. They are short.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "dugnad.sqlite3",
            "OPTIONS": {"timeout": 20},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, matching debounce) -------------------------------------------------
# Cache and broker may be separate Redis servers or databases; both default to REDIS_URL. An
# unreachable cache falls back to local memory (core/cache.py): nothing in it is worth a 500.
REDIS_URL = env_str("REDIS_URL")
CACHE_URL = env_str("CACHE_URL", REDIS_URL)
if CACHE_URL:
    CACHES = {"default": {"BACKEND": "core.cache.FallbackRedisCache", "LOCATION": CACHE_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database, never in the cache: a Redis outage logs nobody out.
SESSION_ENGINE = "django.contrib.sessions.backends.db"

# --- Celery ---------------------------------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", CELERY_BROKER_URL == "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Oslo"
# A broker that is down must not hang a request: publishing gives up quickly and the scheduled
# run picks the work up later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
# acks_late: a task whose worker dies is delivered again after the visibility timeout, which is
# longer than any matching run (MATCHING_TIME_LIMIT_SECONDS plus loading and saving), so a
# healthy run is never delivered twice; the matching watchdog restarts a dead run sooner.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 15 * 60),
}
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    # Catches up on whatever a down broker missed, and keeps proposals fresh.
    # fails a run whose worker died and starts the next one (matching/tasks.py)
    "matching-watchdog": {"task": "matching.tasks.matching_watchdog", "schedule": 30},
    "matching-scheduled-run": {
        "task": "matching.tasks.matching_run_scheduled",
        "schedule": env_int("DUGNAD_MATCHING_SCHEDULE_MINUTES", 15) * 60,
    },
    "volunteers-retention": {
        "task": "volunteers.tasks.volunteers_retention",
        "schedule": crontab(hour=3, minute=15),
    },
    # Inventory links not all sent (broker down at the start, a worker died half-way).
    "inventory-send-pending": {"task": "inventory.tasks.inventory_send_pending", "schedule": 300},
    # Messages a down broker kept in the outbox, and retries whose countdown was lost.
    "outbox-redispatch": {
        "task": "outbox.tasks.outbox_redispatch",
        "schedule": 60,
    },
    "outbox-purge": {
        "task": "outbox.tasks.outbox_purge",
        "schedule": crontab(hour=3, minute=45),
    },
    "offers-expire": {
        "task": "matching.tasks.offers_expire",
        "schedule": 5 * 60,
    },
    # reminders before the first shift and the day before each shift (matching/reminders.py)
    "shift-reminders": {
        "task": "matching.tasks.shift_reminders",
        "schedule": 15 * 60,
    },
    # residents' contact details, a set number of days after their request was closed
    "community-erase-closed": {
        "task": "community.tasks.help_requests_erase_closed",
        "schedule": crontab(hour=3, minute=30),
    },
    "community-journey-reminders": {
        "task": "community.tasks.journey_reminders",
        "schedule": crontab(hour=7, minute=15),
    },
    "onboarding-overdue-reminders": {
        "task": "placements.tasks.onboarding_notify_overdue",
        "schedule": crontab(hour=7, minute=0),
    },
    # qualifications, skill certificates and authorisations that expire within 30 days
    "credentials-expiring": {
        "task": "staffing.tasks.credentials_notify_expiring",
        "schedule": crontab(hour=6, minute=30),
    },
}

# --- Auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_ADAPTER = "accounts.adapter.StaffAccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/5m/key"}

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Date and time formats per language (config/formats/<lang>/formats.py): Bokmål 1.12.2026,
# English 1 Dec 2026, both with the 24-hour clock.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "Europe/Oslo"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- E-mail ---------------------------------------------------------------------------------
# Messages leave through the outbox (outbox/services.py). By default each e-mail is written as a
# file under var/mail/ and the log says only that one was written; set EMAIL_BACKEND to
# django.core.mail.backends.smtp.EmailBackend (and EMAIL_HOST...) to send for real.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "outbox.mail.FileEmailBackend")
EMAIL_FILE_PATH = Path(env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail")))
# A hung mail server must not hold a worker (or a claimed message) for long.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Dugnad <dugnad@kommune.example>")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Security (production values when DEBUG is false) ---------------------------------------
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp 4): scripts, styles and everything else only from our own
# static files; no inline script or style anywhere (htmx is vendored in static/vendor).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    # personal-link tokens never reach a log (core/logs.py)
    "filters": {"mask_tokens": {"()": "core.logs.MaskTokensFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_tokens"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Dugnad's own rules (settings because collective agreements may change them) ------------
DUGNAD = {
    # arbeidsmiljøloven §§ 10-6, 10-8
    "MIN_REST_HOURS": env_float("DUGNAD_MIN_REST_HOURS", 11),
    "MIN_WEEKLY_REST_HOURS": env_float("DUGNAD_MIN_WEEKLY_REST_HOURS", 35),
    "MAX_HOURS_PER_24_HOURS": env_float("DUGNAD_MAX_HOURS_PER_24_HOURS", 13),
    "MAX_HOURS_PER_7_DAYS": env_float("DUGNAD_MAX_HOURS_PER_7_DAYS", 48),
    "LONG_SHIFT_WARNING_HOURS": env_float("DUGNAD_LONG_SHIFT_WARNING_HOURS", 10),
    # politiattest: issued no more than this many months before it is presented
    "POLICE_CERTIFICATE_MAX_AGE_MONTHS": env_int("DUGNAD_POLICE_CERTIFICATE_MAX_AGE_MONTHS", 3),
    # personal data: volunteers inactive longer than this are erased or anonymised
    "VOLUNTEER_RETENTION_MONTHS": env_int("DUGNAD_VOLUNTEER_RETENTION_MONTHS", 12),
    "PRIVACY_NOTICE_VERSION": env_str("DUGNAD_PRIVACY_NOTICE_VERSION", "2026-11"),
    # per client address: a registration drive in a town hall shares one address, so the limit
    # is high; it stops a script, not a queue of people
    "REGISTRATION_RATE_LIMIT": env_str("DUGNAD_REGISTRATION_RATE_LIMIT", "300/h"),
    # reverse proxies in front of gunicorn whose X-Forwarded-For is trusted (1 behind one proxy)
    "TRUSTED_PROXY_COUNT": env_int("DUGNAD_TRUSTED_PROXY_COUNT", 0),
    "MATCHING_DEBOUNCE_SECONDS": env_int("DUGNAD_MATCHING_DEBOUNCE_SECONDS", 5),
    "MATCHING_TIME_LIMIT_SECONDS": env_float("DUGNAD_MATCHING_TIME_LIMIT_SECONDS", 60),
    # threads of one matching run (independent blocks, the schedule search); 0: the machine's
    # cores, up to 4. The answer does not depend on it.
    "MATCHING_WORKERS": env_int("DUGNAD_MATCHING_WORKERS", 0),
    # Hand a run's large independent blocks (at least MATCHING_REMOTE_MIN_COLUMNS columns; the
    # largest stays with the run) to other Celery workers; see README "Several workers".
    "MATCHING_REMOTE_BLOCKS": env_bool("DUGNAD_MATCHING_REMOTE_BLOCKS", False),
    "MATCHING_REMOTE_MIN_COLUMNS": env_int("DUGNAD_MATCHING_REMOTE_MIN_COLUMNS", 2000),
    # how long a block may wait for a worker to pick it up before the run solves it itself
    "MATCHING_REMOTE_PICKUP_SECONDS": env_float("DUGNAD_MATCHING_REMOTE_PICKUP_SECONDS", 3),
    "EMERGENCY_CLINIC_EMAIL": env_str("DUGNAD_EMERGENCY_CLINIC_EMAIL", "legevakt@kommune.example"),
    "PAGE_SIZE": env_int("DUGNAD_PAGE_SIZE", 25),
    # Help requests from residents: their contact details are erased this many days after the
    # request is closed (anonymous counts stay); a task sent to general volunteers waits this
    # many hours for a yes.
    "HELP_REQUEST_RETENTION_DAYS": env_int("DUGNAD_HELP_REQUEST_RETENTION_DAYS", 30),
    "HELP_PRIVACY_NOTICE_VERSION": env_str("DUGNAD_HELP_PRIVACY_NOTICE_VERSION", "2026-12"),
    "HELP_REQUEST_RATE_LIMIT": env_str("DUGNAD_HELP_REQUEST_RATE_LIMIT", "100/h"),
    "TASK_OFFER_ANSWER_HOURS": env_float("DUGNAD_TASK_OFFER_ANSWER_HOURS", 24),
    # Journey milestones: the contact person is reminded this many days before a planned date.
    "JOURNEY_REMINDER_DAYS": env_int("DUGNAD_JOURNEY_REMINDER_DAYS", 2),
    # Offers: the person has this many hours to answer, but never more than half the time
    # left before the shift starts (so a "no" leaves time to ask someone else).
    "OFFER_ANSWER_HOURS": env_float("DUGNAD_OFFER_ANSWER_HOURS", 24),
    # "Offer automatically until filled": at most this many offers wait at once per open slot
    # (the first yes takes it; the others are withdrawn with thanks).
    "OFFER_MAX_WAITING_PER_SLOT": env_int("DUGNAD_OFFER_MAX_WAITING_PER_SLOT", 1),
    # Reminders to placed people: one this many hours before their first shift, and one the
    # day before each shift, sent from this hour (Europe/Oslo) on. 0 hours (or hour -1) switch
    # them off.
    "REMINDER_FIRST_SHIFT_HOURS": env_int("DUGNAD_REMINDER_FIRST_SHIFT_HOURS", 48),
    "REMINDER_DAY_BEFORE_HOUR": env_int("DUGNAD_REMINDER_DAY_BEFORE_HOUR", 16),
    # Outgoing messages: a failed send is retried after 1, 2, 4 ... minutes (at most an hour
    # apart), OUTBOX_MAX_ATTEMPTS times in all (about 4 hours with the defaults), then marked
    # failed. Sent and failed messages are deleted after OUTBOX_KEEP_DAYS.
    "OUTBOX_BACKENDS": {
        "email": "outbox.backends.EmailBackend",
        "sms": env_str("DUGNAD_SMS_BACKEND", "outbox.backends.FileSmsBackend"),
    },
    # Sends per second and channel across all workers (0: no limit); a bulk send of offers is
    # paced to what the provider accepts.
    "OUTBOX_RATE_PER_SECOND": {
        "email": env_float("DUGNAD_EMAIL_RATE_PER_SECOND", 0),
        "sms": env_float("DUGNAD_SMS_RATE_PER_SECOND", 50),
    },
    # SMS (README, "SMS"). The file backend writes to SMS_FILE_PATH; Twilio's Messages API
    # (outbox.backends.TwilioSmsBackend) takes the account, token and sender below, and signs
    # its webhooks (/sms/status/, /sms/inbound/) with the same token.
    "SMS_FILE_PATH": env_str("DUGNAD_SMS_FILE_PATH", str(VAR_DIR / "sms")),
    "SMS_API_URL": env_str("DUGNAD_SMS_API_URL", "https://api.twilio.com"),
    "SMS_ACCOUNT_SID": env_str("DUGNAD_SMS_ACCOUNT_SID"),
    "SMS_AUTH_TOKEN": env_str("DUGNAD_SMS_AUTH_TOKEN"),
    "SMS_FROM": env_str("DUGNAD_SMS_FROM"),
    "SMS_MESSAGING_SERVICE_SID": env_str("DUGNAD_SMS_MESSAGING_SERVICE_SID"),
    "SMS_TIMEOUT_SECONDS": env_float("DUGNAD_SMS_TIMEOUT_SECONDS", 10),
    "SMS_DEFAULT_REGION": env_str("DUGNAD_SMS_DEFAULT_REGION", "NO"),
    "OUTBOX_MAX_ATTEMPTS": env_int("DUGNAD_OUTBOX_MAX_ATTEMPTS", 10),
    "OUTBOX_RETRY_SECONDS": env_int("DUGNAD_OUTBOX_RETRY_SECONDS", 60),
    "OUTBOX_RETRY_MAX_SECONDS": env_int("DUGNAD_OUTBOX_RETRY_MAX_SECONDS", 3600),
    "OUTBOX_SENDING_TIMEOUT_MINUTES": env_int("DUGNAD_OUTBOX_SENDING_TIMEOUT_MINUTES", 10),
    "OUTBOX_KEEP_DAYS": env_int("DUGNAD_OUTBOX_KEEP_DAYS", 30),
    # imports of people from the HR system or an agency (CSV/XLSX)
    "IMPORT_MAX_BYTES": env_int("DUGNAD_IMPORT_MAX_BYTES", 20 * 1024 * 1024),
    "IMPORT_MAX_ROWS": env_int("DUGNAD_IMPORT_MAX_ROWS", 100_000),
    # a home unit recalls a released employee with at least this many days' notice
    "RELEASE_RECALL_NOTICE_DAYS": env_int("DUGNAD_RELEASE_RECALL_NOTICE_DAYS", 2),
    # Matching objective (points; shown read-only on /matching/). Leaving a slot unfilled costs
    # more than any person could, so filling comes first, critical services and urgent needs
    # first; then § 14-3 (part-timers who want more hours before agency temps and new temporary
    # hires); then money per hour; then continuity, district and load as small terms.
    "MATCHING_WEIGHTS": {
        "UNFILLED_NORMAL": 100_000,
        "UNFILLED_HIGH": 200_000,
        "UNFILLED_CRITICAL": 400_000,
        "CRITICAL_SERVICE_EXTRA": 200_000,
        "SECTION_14_3_PER_HOUR": 600,
        "REDEPLOYED_PER_HOUR": 20,
        "VOLUNTEER_PER_HOUR": 320,
        "NOT_CONTINUING": 40,
        "OTHER_DISTRICT": 30,
        "PREFERRED_SKILL_MISSING": 15,
        "LOAD_PER_BOOKED_HOUR": 1,
        "MAX_CANDIDATES_PER_SLOT": 60,
    },
}
