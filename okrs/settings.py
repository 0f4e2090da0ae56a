"""Settings for okrs. Every deployment choice comes from the environment (see okrs.config)."""

import datetime as dt
from pathlib import Path

from okrs.accounts.config import signup_mode, social_providers
from okrs.config import (
    env_bool,
    env_choice,
    env_database,
    env_float,
    env_int,
    env_list,
    env_schedule,
    env_secret_key,
    env_str,
    env_tasks,
)

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(env_str("OKRS_VAR_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("OKRS_DEBUG", default=False)
SECRET_KEY = env_secret_key("OKRS_SECRET_KEY", keep_in=VAR_DIR / "secret_key")
ALLOWED_HOSTS = env_list("OKRS_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
DATABASES = {"default": env_database("OKRS_DATABASE_URL", default_sqlite=VAR_DIR / "okrs.sqlite3")}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "heroicons",
    "django_ratelimit",
    "okrs.org",
    "okrs.goals",
    "okrs.heartbeats",
    "okrs.sync",
    "okrs.files",
    "okrs.measures",
    "okrs.web",
    "ninja",
    "okrs.api",
    "okrs.hooks",
    "okrs.reminders",
    "okrs.documents",
    "okrs.talk",
    "okrs.bench",
    "okrs.security",
    "okrs.accounts",
    "okrs.exports",
    "okrs.chat",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.openid_connect",
    "django_tasks",
    "django_tasks_db",
    "okrs.worker",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "okrs.security.middleware.NulCharacterMiddleware",
    "okrs.web.compression.AnonymousGZipMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "okrs.web.middleware.LoginForAnonymousMiddleware",
    "okrs.security.middleware.ContentSecurityPolicyMiddleware",
    "okrs.security.middleware.DatabaseUnavailableMiddleware",
    "axes.middleware.AxesMiddleware",
]

# Log-in lockout by django-axes, at the authentication backend (AUTHENTICATION_BACKENDS below), so
# it holds for any log-in view (okrs.web's page, allauth's):
# after OKRS_LOGIN_FAILURES failures for one username from one client address (read behind
# OKRS_TRUSTED_PROXIES by okrs.security.clientip) that pair is refused for 15 minutes. Keyed on
# both, one visitor's guesses never lock a user out for everyone.
AXES_FAILURE_LIMIT = int(env_str("OKRS_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "okrs.security.clientip.client_ip"
AXES_LOCKOUT_TEMPLATE = "security/locked_out.html"
AXES_VERBOSE = False

# The addresses (or networks) of reverse proxies whose X-Forwarded-For is believed.
OKRS_TRUSTED_PROXIES = env_list("OKRS_TRUSTED_PROXIES", default=[])

# One store that every worker shares for the rate limits (django-ratelimit): the database cache
# by default, Redis when OKRS_CACHE_URL=redis://… is set.
OKRS_CACHE_URL = env_str("OKRS_CACHE_URL", "")
if OKRS_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": OKRS_CACHE_URL,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "okrs.security.cache.AtomicDatabaseCache",
            "LOCATION": "okrs_cache",
        }
    }
RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = "okrs.security.clientip.client_ip"
# django-ratelimit names the backends it has tested; the two above increment atomically too
# (okrs.security.cache, Redis's INCR).
SILENCED_SYSTEM_CHECKS = ["django_ratelimit.W001"]

ROOT_URLCONF = "okrs.urls"
WSGI_APPLICATION = "okrs.wsgi.application"

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
                "okrs.accounts.context.signup",
                "django.template.context_processors.i18n",
                "okrs.web.context.languages",
                "okrs.web.context_processors.navigation",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts (okrs.accounts on django-allauth): sign-up with email confirmation, invitations,
# social sign-in. Logging in stays on okrs.web's page (/accounts/login/), which allauth's
# `account_login` resolves to as well.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked-out pair is refused unchecked
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
OKRS_SIGNUP = signup_mode()
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:me"  # the personal home, after any way of logging in (unless `next`)
ACCOUNT_ADAPTER = "okrs.accounts.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "okrs.accounts.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[okrs] "
ACCOUNT_LOGOUT_REDIRECT_URL = "web:home"
ACCOUNT_PREVENT_ENUMERATION = True
SOCIALACCOUNT_PROVIDERS = social_providers()
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # a verified email of an existing account signs in
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True  # and links the provider's account to it
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
OKRS_INVITATION_DAYS = env_int("OKRS_INVITATION_DAYS", 14, minimum=1)

# The site's language (OKRS_LANGUAGE, English by default): what a reader without a preference
# gets, and the language of what okrs writes for everyone rather than for one reader: the
# published post, the reminder and digest mails and the chat messages the worker sends.
LANGUAGE_CODE = env_choice("OKRS_LANGUAGE", ("en", "es", "fr", "pt-br"), "en")
# The reader's language: the switcher's choice (a cookie), else the browser's Accept-Language,
# else the site's. Dates and numbers follow it (USE_I18N, Django's formats per language).
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("fr", "Français"),
    ("pt-br", "Português (Brasil)"),
    # a pseudo-locale, right to left with longer words: checks the layout, never a reader's
    ("qps-rtl", "Pseudo RTL"),
]
LANGUAGES_BIDI = ["he", "ar", "ar-dz", "fa", "ur", "qps"]  # "qps": the pseudo-locale qps-rtl
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["okrs.formats"]  # English dates as "Feb 15, 2017" (okrs/formats/en)
OKRS_PSEUDO_LOCALE = env_bool("OKRS_PSEUDO_LOCALE", default=False)  # offered by the switcher
TIME_ZONE = env_str("OKRS_TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Served over HTTPS (behind a proxy that sets X-Forwarded-Proto): secure cookies, HSTS, redirect.
OKRS_HTTPS = env_bool("OKRS_HTTPS", default=False)
if OKRS_HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("OKRS_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("OKRS_HSTS_PRELOAD", default=False)
    if not SECURE_HSTS_PRELOAD:  # preloading cannot be undone quickly: the operator opts in
        SILENCED_SYSTEM_CHECKS += ["security.W021"]
EMAIL_BACKEND = env_str("OKRS_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("OKRS_LOG_LEVEL", "WARNING")},
}

# API, webhooks and reminders (okrs.api, okrs.hooks, okrs.reminders).
OKRS_API_RATE_LIMIT = env_int("OKRS_API_RATE_LIMIT", 600, minimum=1)  # per token and window
OKRS_API_RATE_WINDOW = env_int("OKRS_API_RATE_WINDOW", 60, minimum=1)  # seconds
# Limits the README names, read by okrs.web.throttle and okrs.talk.services.
OKRS_LOGIN_FAILURES_PER_USER = env_int("OKRS_LOGIN_FAILURES_PER_USER", 5, minimum=1)
OKRS_LOGIN_FAILURES_PER_IP = env_int("OKRS_LOGIN_FAILURES_PER_IP", 50, minimum=1)
OKRS_TALK_EDIT_MINUTES = env_int("OKRS_TALK_EDIT_MINUTES", 15)
OKRS_TALK_COMMENT_PER_WINDOW = env_int("OKRS_TALK_COMMENT_PER_WINDOW", 10, minimum=1)
OKRS_TALK_OFFER_PER_WINDOW = env_int("OKRS_TALK_OFFER_PER_WINDOW", 5, minimum=1)
OKRS_TALK_RATE_WINDOW_SECONDS = env_int("OKRS_TALK_RATE_WINDOW_SECONDS", 600, minimum=1)
OKRS_IMPORT_MAX_BYTES = env_int("OKRS_IMPORT_MAX_BYTES", 50 * 1024 * 1024, minimum=1)
# The paste page saves up to 50 objectives of 50 key results, about 10 fields each: Django's
# default of 1,000 fields would refuse a large reviewed document.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 30_000
OKRS_WEBHOOK_TIMEOUT = env_float("OKRS_WEBHOOK_TIMEOUT", 10.0, minimum=0.1)
OKRS_WEBHOOK_MAX_ATTEMPTS = env_int("OKRS_WEBHOOK_MAX_ATTEMPTS", 6, minimum=1)
OKRS_WEBHOOK_BACKOFF_SECONDS = env_float("OKRS_WEBHOOK_BACKOFF_SECONDS", 30.0)
# Webhooks go to public addresses only (no loopback, private, link-local or reserved ones), so a
# lead cannot make the server call its own network; 1 allows them (a receiver on the intranet).
OKRS_WEBHOOK_ALLOW_PRIVATE = env_bool("OKRS_WEBHOOK_ALLOW_PRIVATE", default=False)
DEFAULT_FROM_EMAIL = env_str("OKRS_FROM_EMAIL", "okrs@localhost")
OKRS_SITE_URL = env_str("OKRS_SITE_URL", "http://127.0.0.1:8000")

# GitHub and Discourse sync (okrs.sync). Secrets come from the environment only.
OKRS_GITHUB_API_URL = env_str("OKRS_GITHUB_API_URL", "https://api.github.com")
OKRS_GITHUB_TOKEN = env_str("OKRS_GITHUB_TOKEN", "")
OKRS_GITHUB_WEBHOOK_SECRET = env_str("OKRS_GITHUB_WEBHOOK_SECRET", "")
# The longest wait for a rate limit within one sync task; a longer one reschedules the task.
OKRS_GITHUB_SYNC_MAX_WAIT = env_float("OKRS_GITHUB_SYNC_MAX_WAIT", 300.0, minimum=1.0)
OKRS_DISCOURSE_URL = env_str("OKRS_DISCOURSE_URL", "")  # the forum comments are mirrored to
OKRS_DISCOURSE_API_KEY = env_str("OKRS_DISCOURSE_API_KEY", "")
OKRS_DISCOURSE_API_USERNAME = env_str("OKRS_DISCOURSE_API_USERNAME", "system")

# The worker (okrs.worker, `okrs worker`): django-tasks, its database backend unless
# OKRS_TASKS_BACKEND=redis (with OKRS_REDIS_URL); the periodic jobs' schedules (crontab lines in
# TIME_ZONE, `every 5m`, or `off`) and how often each worker's scheduler looks at them.
TASKS = env_tasks("OKRS_TASKS_BACKEND", "OKRS_REDIS_URL")
if TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
    INSTALLED_APPS += ["django_rq"]
    RQ_QUEUES = {"default": {"URL": env_str("OKRS_REDIS_URL", "")}}
OKRS_SCHEDULER_TICK = env_float("OKRS_SCHEDULER_TICK", 15.0, minimum=0.05)
OKRS_SCHEDULE_REMINDERS = env_schedule("OKRS_SCHEDULE_REMINDERS", "0 7 * * *", time_zone=TIME_ZONE)
OKRS_SCHEDULE_GITHUB = env_schedule("OKRS_SCHEDULE_GITHUB", "every 1m", time_zone=TIME_ZONE)
OKRS_SCHEDULE_DISCOURSE = env_schedule("OKRS_SCHEDULE_DISCOURSE", "0 3 * * *", time_zone=TIME_ZONE)
OKRS_SCHEDULE_MEASURE = env_schedule("OKRS_SCHEDULE_MEASURE", "30 5 * * *", time_zone=TIME_ZONE)
OKRS_SCHEDULE_MIRROR = env_schedule("OKRS_SCHEDULE_MIRROR", "every 1m", time_zone=TIME_ZONE)
OKRS_SCHEDULE_WEBHOOKS = env_schedule("OKRS_SCHEDULE_WEBHOOKS", "every 1m", time_zone=TIME_ZONE)
OKRS_SCHEDULE_CHAT = env_schedule("OKRS_SCHEDULE_CHAT", "every 1m", time_zone=TIME_ZONE)
OKRS_SCHEDULE_CHAT_DIGEST = env_schedule(
    "OKRS_SCHEDULE_CHAT_DIGEST", "0 8 * * mon", time_zone=TIME_ZONE
)
