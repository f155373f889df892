"""Django settings for issou, read from environment variables with safe development defaults."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

# Polars' allocator (jemalloc) keeps what it frees for a second or more before giving it back; at
# national scale that is most of a gigabyte more at the peak of an identification (bench/identify.py:
# 3.9 → 3.2 GB for 5,000,000 corporations, about 15 % slower). Polars reads this when it is first
# imported, which is after the settings; a value set in the environment is kept.
os.environ.setdefault("_RJEM_MALLOC_CONF", "dirty_decay_ms:0,muzzy_decay_ms:0")

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ISSOU_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("本番設定（DEBUG=0）では環境変数 SECRET_KEY が必要です。")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production-issou"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "auditlog",
    "org",
    "audit",
    "notices",
    "django_tasks",
    "django_tasks_db",
    "people",
    "associations",
    "roster",
    "councils",
    "assignments",
    "fieldwork",
    "payments",
    "events",
    "insurance",
    "targets",
    "home",
    "api",
    "ninja",
    "django_ratelimit",
]

# Background work (large imports, national runs, notice e-mails): django-tasks with its database backend; a
# worker (`manage.py db_worker`) runs the queue. Pages poll the job rows for progress.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag and If-None-Match for every GET (the API's pages are fetched again and again).
    "django.middleware.http.ConditionalGetMiddleware",
    "org.middleware.security_headers",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "org.middleware.session_limits",
    "django_otp.middleware.OTPMiddleware",
    "org.middleware.htmx_needs_sign_in",
    "org.middleware.require_otp_for_admins",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "audit.middleware.AuditContextMiddleware",
    # Axes must come last: it turns a lockout raised by its backend into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "issou.urls"
WSGI_APPLICATION = "issou.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "org.navigation.menu",
            ],
        },
    },
]

# The embedded SQLite database, uploads and screenshots live under var/; create it on first use.
VAR_DIR.mkdir(parents=True, exist_ok=True)

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'issou.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded database serves the web server and the task worker at once: with WAL, readers
    # never wait for the writer; a writer waits its turn (up to 20 s) instead of failing with
    # "database is locked", and takes its lock when its transaction begins, not midway.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=20000;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file too, not memory: the live server's threads then each have their own
    # connection, as the web server and the worker do, instead of sharing one.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-issou.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTHENTICATION_BACKENDS = [
    # Axes first, so that a locked-out user is refused even with the right password.
    "axes.backends.AxesStandaloneBackend",
    "org.backends.UserBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "org.validators.VarietyValidator"},
]

# Sessions: 30 minutes idle or 12 hours in all, whichever comes first (org.middleware.session_limits).
SESSION_IDLE_TIMEOUT = timedelta(minutes=int(os.environ.get("SESSION_IDLE_MINUTES", "30")))
SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=int(os.environ.get("SESSION_ABSOLUTE_HOURS", "12")))
SESSION_COOKIE_AGE = int(SESSION_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Login lockout: five failures for the same username from the same address lock that pair.
# The pair, not the address alone, because a branch office's staff share one address on its LAN.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "30")))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# How many reverse proxies of ours stand before the application (0: clients connect directly).
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "audit.middleware.client_ip"
# Failures and lockouts are written to our own audit trail (audit.receivers), not to the console.
AXES_VERBOSE = False

# Audit trail (django-auditlog) stored in our own table, which carries the branch for scoping.
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
# auditlog's own migrations would create its unused default table, whose foreign key to
# content types then blocks PostgreSQL from emptying tables between tests; skip them.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_INCLUDE_ALL_MODELS = True
AUDITLOG_EXCLUDE_TRACKING_MODELS = (
    "admin",
    "auth",
    "contenttypes",
    "sessions",
    "axes",
    "otp_totp",  # device rows hold the TOTP secret and change on every verification
    "audit",
    "org.branchrevision",  # a cache's counter, changed with every visit
    "django_tasks_database",  # the queue's own bookkeeping (django-tasks-db's app label)
    "events.response",  # anonymous questionnaire answers: no one to name, and no personal data
    "notices.notice",  # reminders the system gives; what they are about is audited where it changes
)
AUDITLOG_EXCLUDE_TRACKING_FIELDS = ("password", "last_login")
# Account numbers are masked in the trail as on screen; who unmasked one is audited separately.
AUDITLOG_MASK_TRACKING_FIELDS = ("account_number",)
AUDITLOG_MASK_CALLABLE = "people.models.mask_account_number"
AUDITLOG_STORE_JSON_CHANGES = True

OTP_TOTP_ISSUER = "issou 全国労保連"

# Notices by e-mail: printed to the console in development; in production an SMTP server
# named by EMAIL_HOST (with EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "issou <noreply@localhost>")
# The address people open the site at, for the links in e-mails.
ISSOU_SITE_URL = os.environ.get("ISSOU_SITE_URL", "http://127.0.0.1:8000")

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Security headers and cookies. Production (DEBUG=0) is strict by default; each can be relaxed
# by environment variable where the reverse proxy already does the job.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
if env_bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Axes reports every attempt at INFO; our audit trail already records them.
    "loggers": {"axes": {"level": "WARNING"}},
}

# The federation's own account for transfer files (Zengin header record); set per installation.
ZENGIN_REQUESTER = {
    "code": os.environ.get("ZENGIN_REQUESTER_CODE", "0000000000"),
    "name": os.environ.get("ZENGIN_REQUESTER_NAME", "ｾﾞﾝｺｸﾛｳﾎﾚﾝ"),
    "bank_code": os.environ.get("ZENGIN_BANK_CODE", "0001"),
    "bank_name": os.environ.get("ZENGIN_BANK_NAME", "ﾐｽﾞﾎ"),
    "branch_code": os.environ.get("ZENGIN_BRANCH_CODE", "001"),
    "branch_name": os.environ.get("ZENGIN_BRANCH_NAME", "ﾄｳｷﾖｳｴｲｷﾞﾖｳﾌﾞ"),
    "account_type": os.environ.get("ZENGIN_ACCOUNT_TYPE", "1"),
    "account_number": os.environ.get("ZENGIN_ACCOUNT_NUMBER", "0000000"),
}

# The cache holds the public questionnaire's rate counters (django-ratelimit). With several server
# processes they must share it: set REDIS_URL. Alone (`make run`), one process's memory is enough.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
    # Sessions read from the shared cache, written through to the database (Django's cached_db).
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    # django-ratelimit's list of supported caches predates Django's own Redis backend, whose add and
    # incr are atomic in Redis as the limiter needs.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # django-ratelimit warns that process memory is not shared; true, and said above. In production
    # (DEBUG=0) the warning stands, so that `check --deploy` fails until REDIS_URL is set.
    if DEBUG:
        SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]
RATELIMIT_IP_META_KEY = "audit.middleware.client_ip"
