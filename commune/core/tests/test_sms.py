"""SMS through the provider interface: Swiss numbers in E.164, bodies in the GSM alphabet and
their parts, the file backend, and the HTTP backend posting to a real local server that
records what a provider would receive (JSON and form, the token, refusals, no answer)."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from commune.core import sms
from commune.core.sms import (
    SmsError,
    gsm_fold,
    is_mobile,
    phone_display,
    phone_normalise,
    send_sms,
    sms_parts,
)
from commune.core.tests.sms_provider import SmsProviderServer, sms_provider  # noqa: F401


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("079 123 45 67", "+41791234567"),
        ("0791234567", "+41791234567"),
        ("+41 79 123 45 67", "+41791234567"),
        ("+41 (0)79 123 45 67", "+41791234567"),
        ("0041 79 123 45 67", "+41791234567"),
        ("021/555.12.34", "+41215551234"),
        ("+33 6 12 34 56 78", "+33612345678"),
    ],
)
def test_numbers_as_people_type_them_become_e164(typed, e164):
    assert phone_normalise(typed) == e164


@pytest.mark.parametrize(
    "typed", ["", "123", "079 123 45 6", "079 123 45 678", "+41 79 123 45 6", "0041", "abc", "+0"]
)
def test_a_wrong_number_is_a_clear_error_in_the_users_language(typed):
    with translation.override("fr"), pytest.raises(ValidationError) as caught:
        phone_normalise(typed)
    assert "numéro" in caught.value.messages[0]


def test_only_swiss_mobile_numbers_count_as_mobile_and_display_is_grouped():
    assert is_mobile("079 123 45 67") and is_mobile("+41 76 000 00 00")
    assert is_mobile("+41 74 000 00 00")
    assert not is_mobile("021 555 12 34") and not is_mobile("0800 800 800")
    assert not is_mobile("pas de numéro")
    assert phone_display("0791234567") == "+41 79 123 45 67"


def test_bodies_stay_in_the_gsm_alphabet_and_a_long_one_is_counted_in_parts():
    # the alphabet has é, è, à but not ê, â, ô, ç, typographic quotes
    assert gsm_fold("Fête à l’église « Noël » — côté ça") == 'Fete à l\'église " Noel " - coté ca'
    assert sms_parts("a" * 160) == ("gsm", 1)
    assert sms_parts("a" * 161) == ("gsm", 2)
    assert sms_parts("€" * 80) == ("gsm", 1)  # the extension table counts twice
    assert sms_parts("€" * 81) == ("gsm", 2)
    assert sms_parts("Привет" * 11) == ("ucs2", 1)
    assert sms_parts("Привет" * 12) == ("ucs2", 2)


def test_the_file_backend_writes_one_file_per_message(settings, tmp_path, in_town):
    settings.SMS_BACKEND = "commune.core.sms.FileBackend"
    settings.SMS_FILE_PATH = tmp_path
    settings.SMS_SENDER = ""
    # when
    sent = send_sms("079 123 45 67", "Votre inscription est confirmée.", municipality=in_town)
    # then
    [written] = tmp_path.glob("*.json")
    data = json.loads(written.read_text())
    assert data["to"] == "+41791234567" and data["body"] == "Votre inscription est confirmée."
    assert data["sender"] == "Pully" and data["municipality"] == "pully"
    assert sent.parts == 1


def test_the_http_backend_posts_json_with_the_token_to_the_provider(sms_provider, in_town):  # noqa: F811
    # when
    long_body = "Repas communautaire, mercredi 14 octobre 14:00, Maison pour Tous. " * 3
    message = send_sms("+41 79 123 45 67", long_body, municipality=in_town)
    # then
    [received] = sms_provider.wait_for(1)
    assert received.path == "/v1/sms"
    assert received.headers["Authorization"] == "Bearer test-token"
    assert received.fields["to"] == "+41791234567"
    assert received.fields["text"] == long_body.strip()
    assert received.fields["from"] == "Pully"
    assert received.fields["reference"] == message.reference
    assert message.parts == 2  # said: the provider joins the two parts on the phone


def test_the_http_backend_can_post_a_form(sms_provider, settings):  # noqa: F811
    settings.SMS_HTTP_FORMAT = "form"
    settings.SMS_HTTP_TOKEN = ""
    send_sms("0791234567", "Bonjour")
    [received] = sms_provider.wait_for(1)
    assert received.fields == {
        "to": "+41791234567",
        "from": "commune",
        "text": "Bonjour",
        "reference": received.fields["reference"],
    }
    assert "Authorization" not in received.headers


def test_a_refusal_or_no_answer_from_the_provider_is_an_sms_error(settings):
    refusing = SmsProviderServer(status=401).start()
    settings.SMS_BACKEND = "commune.core.sms.HttpBackend"
    settings.SMS_HTTP_URL = refusing.url
    settings.SMS_HTTP_TOKEN = "wrong"  # noqa: S105 - the test server's
    try:
        with pytest.raises(SmsError, match="refused the message \\(401\\)") as caught:
            send_sms("0791234567", "Bonjour")
        assert "wrong" not in str(caught.value)
    finally:
        refusing.stop()
    slow = SmsProviderServer(delay=2).start()
    settings.SMS_HTTP_URL = slow.url
    settings.SMS_HTTP_TIMEOUT = 0.3
    try:
        with pytest.raises(SmsError, match="did not answer"):
            send_sms("0791234567", "Bonjour")
    finally:
        slow.stop()
    settings.SMS_HTTP_URL = ""
    with pytest.raises(SmsError, match="SMS_HTTP_URL"):
        send_sms("0791234567", "Bonjour")


def test_a_wrong_number_never_reaches_the_provider(sms_provider):  # noqa: F811
    with pytest.raises(ValidationError):
        send_sms("021 55", "Bonjour")
    assert sms_provider.received == []


def test_the_locmem_backend_keeps_messages_for_tests_of_callers(settings):
    settings.SMS_BACKEND = "commune.core.sms.LocmemBackend"
    sms.outbox.clear()
    send_sms("0791234567", "Bonjour")
    assert [(m.to, m.body) for m in sms.outbox] == [("+41791234567", "Bonjour")]
