"""SMS through a provider interface, as Django's mail backends: `send_sms(to, body)` hands the
message to the backend named by `settings.SMS_BACKEND`.

* `HttpBackend` posts each message (JSON or a form) to a provider's HTTP API: `SMS_HTTP_URL`,
  `SMS_HTTP_TOKEN` (sent as a Bearer token, from the environment only), `SMS_HTTP_TIMEOUT`;
  anything but a 2xx answer, or no answer, is an `SmsError`.
* `FileBackend` writes one JSON file per message into `SMS_FILE_PATH` (development, demo).
* `LocmemBackend` keeps them in `outbox` (unit tests of code that sends).

Numbers are Swiss-first: `phone_normalise()` gives E.164 (+41…) or raises a ValidationError
in the user's language; `is_mobile()` says whether a number can receive an SMS. Bodies are
kept within the GSM 7-bit alphabet where a close letter exists (ê → e), so 160 characters fit
in one message; a longer body is sent as one concatenated SMS of several parts, which
`SmsMessage.parts` counts and the log says.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

logger = logging.getLogger("commune.sms")


class SmsError(Exception):
    """The provider did not take the message (no answer, refused, misconfigured)."""


# --- numbers -------------------------------------------------------------------------------

#: Swiss mobile networks: national numbers 074–079 (ComCom's numbering plan).
SWISS_MOBILE = re.compile(r"^\+417[4-9]\d{7}$")
_SEPARATORS = re.compile(r"[\s./\-()]")


def phone_normalise(value: str) -> str:
    """A phone number as typed ("079 123 45 67", "+41 (0)21 555 12 34", "0041 79…") in E.164
    ("+41791234567"). Swiss numbers have 9 digits after 0 or +41; a foreign number must start
    with + or 00 and have 8 to 15 digits. Anything else is a ValidationError."""
    raw = (value or "").strip()
    text = raw.replace("(0)", "")
    text = _SEPARATORS.sub("", text)
    if text.startswith("00"):
        text = "+" + text[2:]
    if not text.startswith("+"):
        if not re.fullmatch(r"0[1-9]\d{8}", text):
            raise ValidationError(
                _("%(number)s is not a Swiss phone number (10 digits, e.g. 079 123 45 67).")
                % {"number": raw},
                code="phone",
            )
        return "+41" + text[1:]
    if not re.fullmatch(r"\+[1-9]\d{7,14}", text):
        raise ValidationError(
            _("%(number)s is not a phone number.") % {"number": raw}, code="phone"
        )
    if text.startswith("+41") and not re.fullmatch(r"\+41[1-9]\d{8}", text):
        raise ValidationError(
            _("%(number)s is not a Swiss phone number (+41 and 9 digits).") % {"number": raw},
            code="phone",
        )
    return text


def is_mobile(value: str) -> bool:
    """Whether the number reaches a mobile phone: a Swiss mobile number, or any foreign number
    (we cannot tell; the provider will say). A landline or a wrong number: False."""
    try:
        number = phone_normalise(value)
    except ValidationError:
        return False
    return bool(SWISS_MOBILE.match(number)) if number.startswith("+41") else True


def phone_display(value: str) -> str:
    """A Swiss number as people write it: "+41 79 123 45 67"; others unchanged."""
    try:
        number = phone_normalise(value)
    except ValidationError:
        return value
    if not number.startswith("+41"):
        return number
    n = number[3:]
    return f"+41 {n[:2]} {n[2:5]} {n[5:7]} {n[7:]}"


# --- bodies --------------------------------------------------------------------------------

#: GSM 03.38 default alphabet, and its extension table (each counts twice).
GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENDED = set("^{}\\[~]|€\f")
#: Letters outside the alphabet that have a close one inside it.
_CLOSE = {"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "–": "-", "—": "-",
          "…": "...", "œ": "oe", "Œ": "OE", "ç": "c", "\u00a0": " ", "\u202f": " "}  # fmt: skip


def gsm_fold(body: str) -> str:
    """The body in the GSM alphabet where a close letter exists: accents the alphabet lacks
    lose them (ê → e, â → a), typographic quotes and dashes become plain ones."""
    out = []
    for char in body:
        if char in GSM_BASIC or char in GSM_EXTENDED:
            out.append(char)
        elif char in _CLOSE:
            out.append(_CLOSE[char])
        else:
            bare = "".join(
                c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
            )
            out.append(bare if bare and all(c in GSM_BASIC for c in bare) else char)
    return "".join(out)


def sms_parts(body: str) -> tuple[str, int]:
    """The encoding ("gsm" or "ucs2") and the number of SMS the body takes: one of 160 GSM
    characters (70 in UCS-2), else parts of 153 (67) joined by the phone."""
    if all(c in GSM_BASIC or c in GSM_EXTENDED for c in body):
        length = sum(2 if c in GSM_EXTENDED else 1 for c in body)
        return "gsm", 1 if length <= 160 else -(-length // 153)
    length = sum(2 if ord(c) > 0xFFFF else 1 for c in body)
    return "ucs2", 1 if length <= 70 else -(-length // 67)


# --- messages and backends -----------------------------------------------------------------


@dataclass
class SmsMessage:
    to: str
    body: str
    sender: str = ""
    municipality: str = ""
    encoding: str = "gsm"
    parts: int = 1
    reference: str = field(default_factory=lambda: uuid.uuid4().hex)


class BaseSmsBackend:
    def send_messages(self, messages: list[SmsMessage]) -> int:
        raise NotImplementedError


class FileBackend(BaseSmsBackend):
    """One JSON file per message in SMS_FILE_PATH, named by time and reference."""

    def send_messages(self, messages: list[SmsMessage]) -> int:
        folder = Path(getattr(settings, "SMS_FILE_PATH", "") or "")
        if not str(folder) or str(folder) == ".":
            raise ImproperlyConfigured("Set SMS_FILE_PATH for the SMS file backend.")
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M%S")
        for message in messages:
            path = folder / f"{stamp}-{message.reference}.json"
            path.write_text(json.dumps(asdict(message), ensure_ascii=False, indent=2) + "\n")
        return len(messages)


#: LocmemBackend's messages, as django.core.mail.outbox.
outbox: list[SmsMessage] = []


class LocmemBackend(BaseSmsBackend):
    def send_messages(self, messages: list[SmsMessage]) -> int:
        outbox.extend(messages)
        return len(messages)


class HttpBackend(BaseSmsBackend):
    """A provider's HTTP API: one POST per message to SMS_HTTP_URL with `to`, `from`, `text`
    and `reference`, as JSON (SMS_HTTP_FORMAT="json", the default) or as a form ("form");
    `Authorization: Bearer <SMS_HTTP_TOKEN>` when a token is set."""

    def __init__(self) -> None:
        self.url = getattr(settings, "SMS_HTTP_URL", "")
        self.token = getattr(settings, "SMS_HTTP_TOKEN", "")
        self.timeout = float(getattr(settings, "SMS_HTTP_TIMEOUT", 10))
        self.format = getattr(settings, "SMS_HTTP_FORMAT", "json")
        if not self.url.startswith(("https://", "http://")):
            raise SmsError("SMS_HTTP_URL is not set to an http(s) address.")
        if self.format not in {"json", "form"}:
            raise SmsError(f"SMS_HTTP_FORMAT must be json or form, not {self.format!r}.")

    def _request(self, message: SmsMessage) -> urllib.request.Request:
        fields = {
            "to": message.to,
            "from": message.sender,
            "text": message.body,
            "reference": message.reference,
        }
        if self.format == "json":
            data, kind = json.dumps(fields).encode(), "application/json"
        else:
            data = urllib.parse.urlencode(fields).encode()
            kind = "application/x-www-form-urlencoded"
        headers = {"Content-Type": kind, "Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        # the scheme is http(s), checked in __init__
        return urllib.request.Request(self.url, data=data, headers=headers, method="POST")  # noqa: S310

    def send_messages(self, messages: list[SmsMessage]) -> int:
        for message in messages:
            try:
                with urllib.request.urlopen(  # noqa: S310 - http(s) checked in __init__
                    self._request(message), timeout=self.timeout
                ) as answer:
                    answer.read()
            except urllib.error.HTTPError as exc:
                detail = exc.read(300).decode("utf-8", "replace").strip()
                raise SmsError(
                    f"The SMS provider refused the message ({exc.code}): {detail}"
                ) from exc
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                raise SmsError(f"The SMS provider did not answer: {reason}") from exc
        return len(messages)


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()


def sender_for(municipality) -> str:
    """The sender shown on the phone: SMS_SENDER, else the town's name (11 characters at
    most, letters and digits, as networks require of an alphanumeric sender)."""
    configured = getattr(settings, "SMS_SENDER", "")
    name = configured or (municipality.name if municipality is not None else "commune")
    plain = gsm_fold(name)
    return re.sub(r"[^A-Za-z0-9 ]", "", plain)[:11].strip() or "commune"


def send_sms(to: str, body: str, *, municipality=None) -> SmsMessage:
    """Send `body` to the number `to` (any Swiss or E.164 spelling); returns the message as
    sent. A wrong number is a ValidationError; a provider's failure is an SmsError."""
    number = phone_normalise(to)
    text = gsm_fold(body.strip())
    encoding, parts = sms_parts(text)
    message = SmsMessage(
        to=number,
        body=text,
        sender=sender_for(municipality),
        municipality=getattr(municipality, "slug", ""),
        encoding=encoding,
        parts=parts,
    )
    get_backend().send_messages([message])
    logger.info(
        "sms sent",
        extra={
            "reference": message.reference,
            "municipality": message.municipality,
            "encoding": encoding,
            "parts": parts,
            "split": parts > 1,
        },
    )
    return message
