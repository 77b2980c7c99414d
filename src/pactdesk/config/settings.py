"""Django settings, all from the environment with safe local defaults.

PACTDESK_MODE            local (default) | production
PACTDESK_DATABASE_URL    default sqlite:///./var/pactdesk.sqlite3 (WAL, busy timeout)
PACTDESK_REDIS_URL       unset: Huey keeps its queue in ./var/huey.sqlite3
PACTDESK_SECRET_KEY      required in production; locally one is made in ./var/
PACTDESK_ALLOWED_HOSTS   comma-separated; default localhost,127.0.0.1
PACTDESK_DEBUG           default off
PACTDESK_VAR_DIR         where local state lives; default ./var
PACTDESK_SSL_REDIRECT    redirect http to https; default on in production, off locally
PACTDESK_HSTS_SECONDS    Strict-Transport-Security max-age; default a year in production
PACTDESK_HSTS_INCLUDE_SUBDOMAINS, PACTDESK_HSTS_PRELOAD   default on (with HSTS)
PACTDESK_PROXY_SSL_HEADER  header a TLS-terminating proxy sets to https; default none
PACTDESK_PAYPAL_*        PayPal credentials, mode, webhook id (see the PayPal block)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from pactdesk.config.env import (
    database_from_url,
    env_base_url,
    env_bool,
    env_choice,
    env_file,
    env_int,
    env_list,
    env_mode,
    env_networks,
    env_origins,
    env_proxy_ssl_header,
    smtp_from_url,
)
from pactdesk.config.queue import queue_huey

PACKAGE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("PACTDESK_VAR_DIR", "var")).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)

MODE = env_mode()
PRODUCTION = MODE == "production"
DEBUG = env_bool("PACTDESK_DEBUG", default=False)


def _strong_key(name: str, key: str) -> str:
    """In production a key must pass Django's own deploy check (security.W009/W025):
    at least 50 characters, 5 of them different, not Django's "django-insecure-" one."""
    if PRODUCTION and (len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure-")):
        raise ImproperlyConfigured(
            f"{name} must be at least 50 random characters in production "
            "(python3 -c 'import secrets; print(secrets.token_urlsafe(50))' makes one)"
        )
    return key


def _secret_key() -> str:
    key = os.environ.get("PACTDESK_SECRET_KEY", "").strip()
    if key:
        return _strong_key("PACTDESK_SECRET_KEY", key)
    if PRODUCTION:
        raise ImproperlyConfigured("PACTDESK_SECRET_KEY is required when PACTDESK_MODE=production")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Older keys still accepted for signatures (sessions, portal links) and sealed values.
SECRET_KEY_FALLBACKS = [
    _strong_key("PACTDESK_SECRET_KEY_FALLBACKS", key)
    for key in env_list("PACTDESK_SECRET_KEY_FALLBACKS", [])
]
ALLOWED_HOSTS = env_list("PACTDESK_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
if PRODUCTION and not os.environ.get("PACTDESK_ALLOWED_HOSTS"):
    raise ImproperlyConfigured("PACTDESK_ALLOWED_HOSTS is required when PACTDESK_MODE=production")
CSRF_TRUSTED_ORIGINS = env_list("PACTDESK_CSRF_TRUSTED_ORIGINS", [])

DATABASES = {
    "default": database_from_url(
        os.environ.get("PACTDESK_DATABASE_URL", f"sqlite:///{VAR_DIR / 'pactdesk.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("PACTDESK_REDIS_URL", "").strip()
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(
        f"PACTDESK_REDIS_URL={REDIS_URL!r} must start with redis://, rediss:// or unix://"
    )
HUEY = queue_huey(redis_url=REDIS_URL, sqlite_path=VAR_DIR / "huey.sqlite3")
# How the outbox rows a commit wrote reach Huey: "courier" (a thread of each process
# enqueues one task for everything queued since its last hand-over: an enqueue costs a
# write, under load once per batch) or "inline" (the committing thread enqueues its own;
# the test suite sets it, with Huey's immediate mode, so a mail goes out at the commit).
PACTDESK_OUTBOX_HANDOVER = "courier"
# Outbound mail goes through an SMTP relay: PACTDESK_SMTP_URL=smtp://user:pass@host:port
# (smtps:// for implicit TLS, ?starttls=1 for STARTTLS). Default: 127.0.0.1:1025.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, EMAIL_USE_SSL = (
    smtp_from_url(os.environ.get("PACTDESK_SMTP_URL", "smtp://127.0.0.1:1025"))
)
PACTDESK_SMTP_TIMEOUT = env_int("PACTDESK_SMTP_TIMEOUT", 10, minimum=1)
PACTDESK_MAIL_DOMAIN = os.environ.get("PACTDESK_MAIL_DOMAIN", "pactdesk.localhost")
# Where customers reach the desk, for links in mail (the portal).
PACTDESK_BASE_URL = os.environ.get("PACTDESK_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
if not PACTDESK_BASE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(
        f"PACTDESK_BASE_URL={PACTDESK_BASE_URL!r} must start with http:// or https://"
    )
# Solved tickets close themselves after this many days without a reopen.
PACTDESK_AUTO_CLOSE_DAYS = env_int("PACTDESK_AUTO_CLOSE_DAYS", 7, minimum=1)
MEDIA_ROOT = VAR_DIR / "media"
PACTDESK_ATTACHMENT_MAX_BYTES = env_int("PACTDESK_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, 1)
PACTDESK_ATTACHMENT_MAX_COUNT = env_int("PACTDESK_ATTACHMENT_MAX_COUNT", 20, minimum=0)
PACTDESK_BODY_MAX_CHARS = env_int("PACTDESK_BODY_MAX_CHARS", 200_000, minimum=1000)
# Acknowledgements to one address in any hour, counted in the outbox (so across every
# process); past it a new ticket is not acknowledged and its history says so.
PACTDESK_ACK_LIMIT_PER_HOUR = env_int("PACTDESK_ACK_LIMIT_PER_HOUR", 5, minimum=1)

# Public web form and customer portal (pactdesk.web): submissions and magic-link
# requests counted per address and per client over a fixed window; 429 past the limit.
PACTDESK_RATE_WINDOW_SECONDS = env_int("PACTDESK_RATE_WINDOW_SECONDS", 600, minimum=1)
# Reverse proxies whose X-Forwarded-For is believed (rate limits, login lockouts).
PACTDESK_TRUSTED_PROXIES = env_networks("PACTDESK_TRUSTED_PROXIES")
PACTDESK_WEB_FORM_LIMIT_PER_IP = env_int("PACTDESK_WEB_FORM_LIMIT_PER_IP", 5, minimum=1)
PACTDESK_WEB_FORM_LIMIT_PER_CLIENT = env_int("PACTDESK_WEB_FORM_LIMIT_PER_CLIENT", 200, minimum=1)
PACTDESK_PORTAL_LINK_LIMIT_PER_IP = env_int("PACTDESK_PORTAL_LINK_LIMIT_PER_IP", 5, minimum=1)
PACTDESK_PORTAL_LINK_MAX_AGE = env_int("PACTDESK_PORTAL_LINK_MAX_AGE", 24 * 3600, minimum=60)
# A request body held in memory: the largest message body in UTF-8, one attachment of
# the largest size in base64 (the API sends files inline), and room for the rest. Form
# uploads stream to disk and are limited per file by PACTDESK_ATTACHMENT_MAX_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = (
    PACTDESK_BODY_MAX_CHARS * 4 + PACTDESK_ATTACHMENT_MAX_BYTES * 4 // 3 + 64 * 1024
)
# The first handler records uploaded file names before Django cuts them to 255
# characters, so that the desk refuses a longer name instead of storing a cut one.
FILE_UPLOAD_HANDLERS = [
    "pactdesk.web.uploads.UploadNames",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Rate-limit counters must be shared by every web process: Redis when there is one,
# else files under var/ (shared by the gunicorn workers of one machine).
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}

# Inbound mail: the largest message the SMTP receiver takes (552 above it), and the
# IMAP poller's socket timeout (seconds) and most messages read per mailbox per poll.
PACTDESK_MAIL_MAX_BYTES = env_int("PACTDESK_MAIL_MAX_BYTES", 25 * 1024 * 1024, minimum=1024)
PACTDESK_IMAP_TIMEOUT = env_int("PACTDESK_IMAP_TIMEOUT", 30, minimum=1)
PACTDESK_IMAP_BATCH = env_int("PACTDESK_IMAP_BATCH", 100, minimum=1)
# Raw inbound mail is kept with what it became; after this many days it is pruned
# (0, the default, keeps it forever; mail held in quarantine is never pruned).
PACTDESK_RAW_MAIL_RETENTION_DAYS = env_int("PACTDESK_RAW_MAIL_RETENTION_DAYS", 0, minimum=0)
# At most one mail an hour tells provider admins that mail is waiting in quarantine.
PACTDESK_QUARANTINE_ALERT_MINUTES = env_int("PACTDESK_QUARANTINE_ALERT_MINUTES", 60, minimum=1)
# Extra certificate authorities trusted for IMAP over TLS (a private mail server's CA).
PACTDESK_IMAP_CA_FILE = env_file("PACTDESK_IMAP_CA_FILE")

# A worker that has not beaten for this long makes /healthz answer 503.
PACTDESK_HEARTBEAT_MAX_AGE = env_int("PACTDESK_HEARTBEAT_MAX_AGE", 180, minimum=10)

# PayPal (pactdesk.payments). Without a client id and secret billing records payments
# by hand and shows no PayPal button. The mode picks PayPal's API host (sandbox or
# live); PACTDESK_PAYPAL_BASE_URL replaces it (the tests' local PayPal server). The
# webhook id is PayPal's id of our webhook, part of every signed notification; the
# certificates that sign them are fetched only from these origins (PayPal's own).
PACTDESK_PAYPAL_CLIENT_ID = os.environ.get("PACTDESK_PAYPAL_CLIENT_ID", "").strip()
PACTDESK_PAYPAL_CLIENT_SECRET = os.environ.get("PACTDESK_PAYPAL_CLIENT_SECRET", "").strip()
if bool(PACTDESK_PAYPAL_CLIENT_ID) != bool(PACTDESK_PAYPAL_CLIENT_SECRET):
    raise ImproperlyConfigured(
        "PACTDESK_PAYPAL_CLIENT_ID and PACTDESK_PAYPAL_CLIENT_SECRET go together: set both or none"
    )
PACTDESK_PAYPAL_MODE = env_choice("PACTDESK_PAYPAL_MODE", "sandbox", ("sandbox", "live"))
PACTDESK_PAYPAL_BASE_URL = env_base_url("PACTDESK_PAYPAL_BASE_URL")
PACTDESK_PAYPAL_WEBHOOK_ID = os.environ.get("PACTDESK_PAYPAL_WEBHOOK_ID", "").strip()
PACTDESK_PAYPAL_CERT_ORIGINS = env_origins(
    "PACTDESK_PAYPAL_CERT_ORIGINS",
    [
        "https://api.paypal.com",
        "https://api-m.paypal.com",
        "https://api.sandbox.paypal.com",
        "https://api-m.sandbox.paypal.com",
    ],
)
PACTDESK_PAYPAL_TIMEOUT = env_int("PACTDESK_PAYPAL_TIMEOUT", 30, minimum=1)  # seconds a call
PACTDESK_PAYPAL_RETRIES = env_int("PACTDESK_PAYPAL_RETRIES", 2, minimum=0)  # same request id
# Routing (pactdesk.routing): minutes without activity before staff become `away`, and
# minutes an `away` or `offline` assignee may leave an open ticket untouched before it
# goes back to its queue.
PACTDESK_PRESENCE_IDLE_MINUTES = env_int("PACTDESK_PRESENCE_IDLE_MINUTES", 30, minimum=1)
PACTDESK_ROUTING_RETURN_MINUTES = env_int("PACTDESK_ROUTING_RETURN_MINUTES", 60, minimum=1)

INSTALLED_APPS = [
    "pactdesk.config.apps.PactdeskAdminConfig",  # django.contrib.admin, own site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "huey.contrib.djhuey",
    "axes",
    "csp",
    "pactdesk.platform",
    "pactdesk.accounts",
    "pactdesk.agreements",
    "pactdesk.notify",
    "pactdesk.desk",
    "pactdesk.reports",
    "pactdesk.alerts",
    "pactdesk.payments",
    "pactdesk.routing",
    "pactdesk.staffing",
    "pactdesk.work",
    "pactdesk.billing",
    "pactdesk.api",
    "ninja",  # serves the API docs' own Swagger UI files (no CDN)
    "pactdesk.intake",
    "pactdesk.web",
    "pactdesk.cli",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pactdesk.routing.middleware.PresenceActivity",
    "pactdesk.web.middleware.ViewerTimeZone",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pactdesk.web.middleware.NotFoundAs404",
    "pactdesk.api.middleware.JsonMethodNotAllowed",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pactdesk.config.urls"
WSGI_APPLICATION = "pactdesk.config.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.tz",  # TIME_ZONE: the viewer's zone
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pactdesk.intake.pages.operations_counts",
                "pactdesk.web.notifications.notification_counts",
            ],
        },
    },
]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's password backend, refusing users of a deactivated client (and ending
    # their sessions); addresses compared in their one normal form.
    "pactdesk.accounts.backends.UserBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Lockout after repeated failed logins (django-axes): per user name and address, the
# user name normalised as log-in compares it (every case variant shares one count).
AXES_FAILURE_LIMIT = env_int("PACTDESK_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "pactdesk.web.ratelimit.client_ip"
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"  # the login form field (it holds the e-mail)
AXES_USERNAME_CALLABLE = "pactdesk.accounts.backends.login_identity"
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# HTTPS. In production every plain-http request is redirected to https (but /healthz,
# which load balancers probe directly) and browsers are told to use nothing else for a
# year (HSTS), subdomains included, with consent to the browsers' preload list (which
# takes effect only if the registrable domain is submitted at hstspreload.org). Behind
# a TLS-terminating proxy, PACTDESK_PROXY_SSL_HEADER names the header it sets to https.
# Locally (`make run`, plain http on 127.0.0.1) all of it is off.
SECURE_SSL_REDIRECT = env_bool("PACTDESK_SSL_REDIRECT", default=PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("PACTDESK_PROXY_SSL_HEADER")
SECURE_HSTS_SECONDS = env_int("PACTDESK_HSTS_SECONDS", 365 * 24 * 3600 if PRODUCTION else 0, 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("PACTDESK_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env_bool("PACTDESK_HSTS_PRELOAD", default=True)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
# Response headers on every answer (SecurityMiddleware; these are Django's defaults,
# stated so a test holds them): no MIME sniffing, the Referer only to our own origin,
# our windows in a browsing context group of their own; no framing at all.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy on every answer (django-csp): scripts, styles, fonts and
# fetches only from our own origin (htmx, the admin's and the API docs' files are all
# served by us), no inline script or style, no eval, no plugins, no <base>, forms post
# only to us, and no page may be framed. Images also as data: URLs, which cannot run
# script (an SVG shown as an image is inert).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],  # the API docs' stylesheet draws icons as data: SVG
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"expected_refusals": {"()": "pactdesk.platform.log_filters.ExpectedRefusals"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PACTDESK_LOG_LEVEL", "INFO")},
    "loggers": {
        # A 403/404/400 is an expected outcome: one line, no traceback.
        "django.request": {"filters": ["expected_refusals"]},
        "axes": {"level": "WARNING"},
        "huey": {"propagate": False},
        # WeasyPrint logs every rendering step at INFO ("Step 1 - Fetching ...").
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
    },
}
