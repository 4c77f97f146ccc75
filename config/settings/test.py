"""The test suite: the same stack, with fast password hashing and jobs run on enqueue."""

from .base import *  # noqa: F403
from .base import VAR_DIR, os

SECRET_KEY = "test-only-key-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Jobs run inline so tests see their effect; the database backend and its worker have tests
# of their own (commune/core/tests/test_tasks.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
if not os.environ.get("DATABASE_URL"):
    DATABASES["default"]["NAME"] = str(VAR_DIR / "test.sqlite3")  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-db.sqlite3")}  # noqa: F405
MEDIA_ROOT = VAR_DIR / "test-media"
WAREHOUSE_DIR = VAR_DIR / "test-warehouse"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_FAILURE_LIMIT = 5
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True
