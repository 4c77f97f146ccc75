"""`manage.py mqtt_subscribe` refuses to start without a usable broker address."""

import pytest
from django.core.management import CommandError, call_command

from commune.mobility.mqtt import parse_mqtt_url


def test_without_mqtt_url_the_command_says_what_to_set(settings):
    settings.MQTT_URL = ""
    with pytest.raises(CommandError, match="MQTT_URL is not set"):
        call_command("mqtt_subscribe")


def test_a_url_that_is_not_mqtt_is_refused(settings):
    with pytest.raises(CommandError, match="must look like mqtt://"):
        call_command("mqtt_subscribe", "--url", "http://127.0.0.1:1883")


def test_broker_urls_give_host_port_credentials_and_tls():
    plain = parse_mqtt_url("mqtt://127.0.0.1")
    secure = parse_mqtt_url("mqtts://sensor%40pully:s%3Acret@broker.example.ch")
    assert (plain.host, plain.port, plain.tls) == ("127.0.0.1", 1883, False)
    assert (secure.port, secure.tls) == (8883, True)
    assert (secure.username, secure.password) == ("sensor@pully", "s:cret")
