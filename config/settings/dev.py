"""Local development and the demo served by ./run."""

from .base import *  # noqa: F403
from .base import VAR_DIR, os

DEBUG = os.environ.get("DJANGO_DEBUG", "1") == "1"
_key_file = VAR_DIR / "secret_key"  # written by ./run on first start, never committed
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or (
    _key_file.read_text().strip() if _key_file.exists() else "dev-only-insecure-key"
)
ALLOWED_HOSTS = ["*"]
# Mail goes to var/mail/ as files unless an SMTP host is given.
if not os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
# SMS go to var/sms/ as files unless a provider's address is given.
if not os.environ.get("SMS_HTTP_URL"):
    SMS_BACKEND = "commune.core.sms.FileBackend"
WHITENOISE_AUTOREFRESH = True
