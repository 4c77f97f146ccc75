"""Settings shared by every environment. Production differs by environment variables only."""

import ipaddress
import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("COMMUNE_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """Addresses or networks (or "unix"), comma-separated; a typo stops the start."""
    entries = env_list(name)
    for entry in (e for e in entries if e != "unix"):
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {entry!r} is not an address or network") from exc
    return entries


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "commune.core.views.csrf_failure"

INSTALLED_APPS = [
    "commune.accounts.apps.CommuneAdminConfig",  # django.contrib.admin, second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "commune.core",
    "commune.tenants",
    "commune.accounts",
    "commune.permits",
    "commune.mobility",
    "commune.billing",
    "commune.agenda",
    "commune.help",
    "commune.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the error pages' middleware, so that error pages get the nonce too.
    "csp.middleware.CSPMiddleware",
    "commune.core.middleware.RequestLogMiddleware",
    "commune.core.middleware.ErrorPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "commune.tenants.middleware.TownDomainMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "commune.tenants.middleware.TownMiddleware",
    "axes.middleware.AxesMiddleware",
    # After django-csp's: adds the town's map tile host to img-src on pages that draw a map.
    "commune.permits.basemap.BasemapPolicyMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "commune" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commune.tenants.context_processors.town",
            ],
        },
    },
]

# Storage: a SpatiaLite file by default, PostGIS when DATABASE_URL is set.
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"],
            engine="django.contrib.gis.db.backends.postgis",
            conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.contrib.gis.db.backends.spatialite",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "commune.sqlite3")),
            "OPTIONS": {
                # WAL + a busy timeout let the web process and the worker share the file.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
SPATIALITE_LIBRARY_PATH = "mod_spatialite"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "platform-home"

# Login throttling (django-axes): after 5 failures for one account from one address,
# that pair is locked for 15 minutes; an attacker elsewhere cannot lock the account out.
# Failures from one address across accounts are throttled too (THROTTLES below).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "commune.accounts.access.axes_username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "commune.core.client_address.client_address"

# The client's address (commune/core/client_address.py): REMOTE_ADDR, unless the connection
# comes from one of these proxies (addresses or networks, e.g. "10.0.0.1,10.1.0.0/16", or
# "unix" for a proxy on a Unix socket); then X-Forwarded-For is read from the right, past
# these proxies only. Empty: no proxy, the header is ignored.
TRUSTED_PROXIES = env_networks("TRUSTED_PROXIES")
# Throttles (commune/core/throttle.py), counted in the cache: name -> (hits, seconds).
THROTTLES = {
    # failed log-ins from one address, whatever the account (password spraying)
    "login_failures_per_address": (20, 15 * 60),
    # mails a stranger can make us send: from one address, and to one recipient
    "mails_per_address": (10, 60 * 60),
    "mails_per_recipient": (3, 60 * 60),
    # calls to the token API, per token
    "api_calls_per_token": (60, 60),
}
# Links that leave the request (mails, PDFs, calendars) start with this, or with the town's
# own domain name; never with the request's Host header.
COMMUNE_BASE_URL = os.environ.get("COMMUNE_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

OTP_TOTP_ISSUER = "commune"

# Internationalisation: French (Switzerland) first.
LANGUAGE_CODE = "fr"
LANGUAGES = [
    ("fr", _("French")),
    ("de", _("German")),
    ("it", _("Italian")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Zurich"
USE_I18N = True
# Swiss conventions for fr and it (de already writes 17.03.2026).
FORMAT_MODULE_PATH = ["commune.formats"]
USE_TZ = True
LANGUAGE_COOKIE_NAME = "commune_language"
# Backups serialise times to the microsecond (Django's json format cuts them to the millisecond).
SERIALIZATION_MODULES = {"exactjson": "commune.core.exact_json"}

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "commune" / "static"]
# Uploaded files are private: MEDIA_ROOT has no public address (the storage refuses to make
# one) and nothing serves it by path. Each file leaves through a view that checks who asks
# (commune/core/files.py); PRIVATE_FILES_SERVER says who sends the bytes: "django" streams
# them, "nginx" answers X-Accel-Redirect: PRIVATE_FILES_INTERNAL_URL<name> for an `internal`
# location, "sendfile" answers X-Sendfile: <absolute path> (Apache mod_xsendfile).
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
PRIVATE_STORAGE = {"BACKEND": "commune.core.files.PrivateFileSystemStorage"}
PRIVATE_FILES_SERVER = os.environ.get("PRIVATE_FILES_SERVER", "django")
PRIVATE_FILES_INTERNAL_URL = os.environ.get("PRIVATE_FILES_INTERNAL_URL", "/internal-media/")
STORAGES = {
    "default": PRIVATE_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Logos are decoded and stored again as PNG (commune/core/images.py): at most this many
# pixels on the longer side, and uploads announcing more pixels than this are refused unread.
LOGO_MAX_SIDE = 512
IMAGE_MAX_PIXELS = 4096 * 4096
# Uploads: refuse anything bigger than this before it reaches a form.
MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The first handler stops storing a file past MAX_UPLOAD_BYTES (commune/core/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "commune.core.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Background work: Django's Tasks API (django-tasks backport). Jobs are rows in the database by
# default, so they survive a restart; TASKS_BACKEND=rq puts them in Redis instead.
if os.environ.get("TASKS_BACKEND", "database") == "rq":
    # No default address: a process (a test's worker too) never falls back on whatever Redis
    # happens to listen on this machine.
    if not os.environ.get("REDIS_URL"):
        raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL (redis://host:6379/0).")
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": os.environ["REDIS_URL"]}}
    INSTALLED_APPS.append("django_rq")
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "commune_cache",
        # Past MAX_ENTRIES Django culls a third of the rows, live ones too: throttle counters
        # (commune/core/throttle.py) must not be evicted by a flood of other keys.
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
    }

# E-mail: real SMTP.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "20"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "commune <noreply@commune.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# SMS (commune/core/sms.py): a provider's HTTP API; its address and token from the environment.
SMS_BACKEND = os.environ.get("SMS_BACKEND", "commune.core.sms.HttpBackend")
SMS_HTTP_URL = os.environ.get("SMS_HTTP_URL", "")
SMS_HTTP_TOKEN = os.environ.get("SMS_HTTP_TOKEN", "")
SMS_HTTP_FORMAT = os.environ.get("SMS_HTTP_FORMAT", "json")  # or "form"
SMS_HTTP_TIMEOUT = float(os.environ.get("SMS_HTTP_TIMEOUT", "10"))
SMS_SENDER = os.environ.get("SMS_SENDER", "")  # empty: the town's name
SMS_FILE_PATH = Path(os.environ.get("SMS_FILE_PATH", VAR_DIR / "sms"))

# Where the observatory keeps its Parquet files (one folder per municipality).
WAREHOUSE_DIR = Path(os.environ.get("WAREHOUSE_DIR", VAR_DIR / "warehouse"))
# The observatory's figures kept per filter until the town's data changes (mobility/warehouse/
# cache.py): at most a few hundred MB for a canton, safe to delete at any time.
OBSERVATORY_CACHE_DIR = Path(os.environ.get("OBSERVATORY_CACHE_DIR", VAR_DIR / "observatory-cache"))
# The engine that reads it: "duckdb" (in-process, the default) or "spark" (the same queries on
# Apache Spark: SPARK_MASTER_URL names a standalone cluster, e.g. spark://10.0.0.5:7077; without
# it Spark runs inside the process). docs/deploy.md, "Outgrowing one machine", says when.
ANALYTICS_ENGINE = os.environ.get("ANALYTICS_ENGINE", "duckdb")
# Bank files (camt.053/054) dropped here, in a folder per town slug, are imported by the worker.
BILLING_INBOX_DIR = Path(os.environ.get("BILLING_INBOX_DIR", VAR_DIR / "billing-inbox"))
# Each data import runs in a child process whose address space is capped at this many bytes
# (commune/core/isolation.py): a file that needs more fails alone, the worker goes on. Django,
# pandas, pyarrow and DuckDB take about 0.9 GB of address space before reading a byte.
IMPORT_MEMORY_LIMIT_BYTES = int(os.environ.get("IMPORT_MEMORY_LIMIT_BYTES", str(2 * 1024**3)))
# Data files sent in chunks to the import page (mobility/services/uploads.py): the largest
# file, what one person may hold in uploads not yet imported, the largest chunk, and how long an
# upload left alone is kept before the worker removes it.
IMPORT_UPLOAD_MAX_BYTES = int(os.environ.get("IMPORT_UPLOAD_MAX_BYTES", str(5 * 1024**3)))
IMPORT_UPLOAD_QUOTA_BYTES = int(os.environ.get("IMPORT_UPLOAD_QUOTA_BYTES", str(10 * 1024**3)))
IMPORT_UPLOAD_CHUNK_BYTES = 8 * 1024 * 1024
IMPORT_UPLOAD_ABANDONED_HOURS = int(os.environ.get("IMPORT_UPLOAD_ABANDONED_HOURS", "24"))
# Vendor feeds (mobility/services/feed_fetch.py): hosts whose internal addresses (and plain http)
# a town's feed may reach, e.g. a vendor's server on the town's own network; empty: only public
# https servers. The connect and read timeout of a pull, in seconds.
MOBILITY_FEED_ALLOWED_HOSTS = env_list("MOBILITY_FEED_ALLOWED_HOSTS")
MOBILITY_FEED_TIMEOUT_SECONDS = float(os.environ.get("MOBILITY_FEED_TIMEOUT_SECONDS", "30"))
# Real-time sensors: the MQTT broker (mqtt://user:pass@host:1883, mqtts:// for TLS) and the
# subscriber's fixed client id, which names its persistent session on the broker.
MQTT_URL = os.environ.get("MQTT_URL", "")
MQTT_CLIENT_ID = os.environ.get("MQTT_CLIENT_ID", "commune-subscriber")

# Health: the worker counts as alive when it ran a job this recently.
HEALTH_WORKER_MAX_AGE_SECONDS = 180
HEALTH_MIN_FREE_DISK_BYTES = int(os.environ.get("HEALTH_MIN_FREE_DISK_BYTES", str(512 * 1024**2)))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp 4): scripts from our origin only; styles too, or inline
# with the response's nonce (`{{ request.csp_nonce }}`); no plugins, no <base> hijack, no
# framing, forms post to us only. Images: ours and the map tiles (Leaflet needs no data: URI).
# Uploaded files get a stricter sandbox of their own (commune/core/files.py).
MAP_TILE_ORIGINS = env_list("MAP_TILE_ORIGINS", "https://wmts.geo.admin.ch")
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],  # no inline script at all (htmx and Leaflet are files)
        "style-src": [SELF, NONCE],
        "img-src": [SELF, *MAP_TILE_ORIGINS],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    },
}

# Debian 12 ships GDAL 3.6; Django 5.2 warns (gis.W001) that it wants >= 3.9. Everything we
# use (OGR reading of GeoJSON and shapefiles, transforms) works on 3.6.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "commune.core.logging.JsonFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "json"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
