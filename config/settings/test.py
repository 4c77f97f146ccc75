"""The test suite: the same stack, with fast password hashing and jobs run on enqueue."""

import os
from pathlib import Path

# The suite starts its own Redis and MQTT broker (conftest.py) and never uses the machine's:
# their addresses leave the environment before base.py reads it, so neither the settings nor
# the processes the suite starts (workers, imports) see them.
for _variable in ("REDIS_URL", "MQTT_URL", "TASKS_BACKEND"):
    os.environ.pop(_variable, None)

from .base import *  # noqa: E402, F403
from .base import PRIVATE_STORAGE, VAR_DIR  # noqa: E402

SECRET_KEY = "test-only-key-not-secret"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Jobs run inline so tests see their effect; the database backend and its worker have tests
# of their own (commune/core/tests/test_tasks.py).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Each test run has its own folder, so that several runs on one machine do not collide;
# conftest.py removes it at the end of the run. The processes a run starts (an import's child
# process, commune/core/isolation.py) inherit it through the environment.
TEST_RUN_DIR = Path(
    os.environ.setdefault("COMMUNE_TEST_RUN_DIR", str(VAR_DIR / "test-runs" / str(os.getpid())))
)
if not os.environ.get("DATABASE_URL"):
    DATABASES["default"]["NAME"] = str(TEST_RUN_DIR / "main.sqlite3")  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(TEST_RUN_DIR / "test.sqlite3")}  # noqa: F405
else:
    # No persistent connections in tests: a thread that served a request (the live server's,
    # a test's own HTTP server) or ran a job gives its connection back at once. A PostGIS run
    # once exhausted the server's 100 connections ("too many clients already").
    DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
MEDIA_ROOT = TEST_RUN_DIR / "media"
WAREHOUSE_DIR = TEST_RUN_DIR / "warehouse"
OBSERVATORY_CACHE_DIR = TEST_RUN_DIR / "observatory-cache"
BILLING_INBOX_DIR = TEST_RUN_DIR / "billing-inbox"
# SMS are files in the run's folder; the tests of the HTTP provider post to their own server.
SMS_BACKEND = "commune.core.sms.FileBackend"
SMS_FILE_PATH = TEST_RUN_DIR / "sms"
TEST_RUN_DIR.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": PRIVATE_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_FAILURE_LIMIT = 5
COMMUNE_BASE_URL = "http://testserver"  # the test client's host, so links in mails open
LOGGING = {"version": 1, "disable_existing_loggers": False}
WHITENOISE_AUTOREFRESH = True
