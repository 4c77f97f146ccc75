"""The real-time subscriber: sensor readings from the MQTT broker into the database.

Guarantees, and how they are kept:
- nothing lost: QoS 1 and a persistent session (MQTT 5, clean_start=False, a session expiry,
  a fixed client id), so the broker queues messages while we are away — disconnected, restarting,
  or after the broker itself restarted (Mosquitto with `persistence true`);
- each message stored once: a message is acknowledged (PUBACK) only after its row is committed
  (paho's manual ack); if we die in between, the broker redelivers it and the unique message key
  turns the second copy into a no-op (`services.message_receive`);
- a database failure never acknowledges: the subscriber drops the connection and reconnects,
  and the broker redelivers what was not acknowledged.
"""

from __future__ import annotations

import logging
import ssl
import threading
from collections import Counter
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

import paho.mqtt.client as mqtt
from django.db import DatabaseError, close_old_connections, connection
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from . import services
from .messages import TOPIC_FILTER

log = logging.getLogger(__name__)

SESSION_EXPIRY_SECONDS = 7 * 24 * 3600  # the broker keeps our queue for a week of downtime


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    username: str | None = None
    password: str | None = None
    tls: bool = False


def parse_mqtt_url(url: str) -> BrokerAddress:
    """mqtt://[user:password@]host[:port] (1883), or mqtts:// for TLS (8883)."""
    parts = urlsplit(url)
    if parts.scheme not in {"mqtt", "mqtts"} or not parts.hostname:
        raise ValueError(f"MQTT_URL must look like mqtt://host:1883, not {url!r}")
    tls = parts.scheme == "mqtts"
    return BrokerAddress(
        host=parts.hostname,
        port=parts.port or (8883 if tls else 1883),
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        tls=tls,
    )


class Subscriber:
    """One MQTT connection that stores every reading message it receives. `run()` blocks until
    `stop()`; `stats` counts outcomes (stored, duplicate, quarantined, failed)."""

    def __init__(
        self,
        *,
        url: str,
        client_id: str,
        topic: str = TOPIC_FILTER,
        keepalive: int = 30,
        reconnect_max_delay: int = 30,
    ) -> None:
        self.address = parse_mqtt_url(url)
        self.client_id = client_id
        self.topic = topic
        self.keepalive = keepalive
        self.stats: Counter[str] = Counter()
        self.subscribed = threading.Event()
        self.sessions_present: list[bool] = []  # one entry per successful connection
        self._stopping = threading.Event()
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        client.reconnect_delay_set(min_delay=1, max_delay=reconnect_max_delay)
        if self.address.username:
            client.username_pw_set(self.address.username, self.address.password)
        if self.address.tls:
            client.tls_set(cert_reqs=ssl.CERT_REQUIRED)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_subscribe = self._on_subscribe
        client.on_message = self._on_message
        self.client = client

    # -- running -------------------------------------------------------------------------------

    def run(self) -> None:
        """Connect and process messages until stop(); reconnects by itself after any failure."""
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = SESSION_EXPIRY_SECONDS
        try:
            while not self._stopping.is_set():
                self.client.connect_async(
                    self.address.host,
                    self.address.port,
                    keepalive=self.keepalive,
                    clean_start=False,
                    properties=properties,
                )
                self.client.loop_forever(retry_first_connection=True)
                # Back here when stopping, or after we dropped the connection on a database
                # error: then wait and resume the same session, so the broker redelivers.
                self._stopping.wait(1)
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopping.set()
        self.client.disconnect()

    @property
    def connected(self) -> bool:
        return self.client.is_connected()

    # -- callbacks (run in the network loop's thread) ------------------------------------------

    def _on_connect(self, client, userdata, flags, reason_code, properties) -> None:
        if reason_code.is_failure:
            log.warning("mqtt connect refused: %s", reason_code)
            return
        log.info(
            "mqtt connected to %s:%s (session present: %s)",
            self.address.host,
            self.address.port,
            flags.session_present,
        )
        self.sessions_present.append(bool(flags.session_present))
        # Subscribing again on a resumed session is harmless and covers a session the broker lost.
        client.subscribe(self.topic, qos=1)

    def _on_subscribe(self, client, userdata, mid, reason_codes, properties) -> None:
        if any(code.is_failure for code in reason_codes):
            log.error("mqtt subscription to %s refused: %s", self.topic, reason_codes)
            return
        self.subscribed.set()

    def _on_disconnect(self, client, userdata, flags, reason_code, properties) -> None:
        self.subscribed.clear()
        if not self._stopping.is_set():
            log.warning("mqtt disconnected (%s); reconnecting", reason_code)

    def _on_message(self, client, userdata, message: mqtt.MQTTMessage) -> None:
        close_old_connections()
        try:
            outcome = services.message_receive(topic=message.topic, payload=message.payload)
        except DatabaseError:
            # Not acknowledged: drop the connection so that the broker redelivers it.
            log.exception("could not store the message on %s; reconnecting", message.topic)
            self.stats["failed"] += 1
            connection.close()
            client.disconnect()
            return
        self.stats[outcome.value] += 1
        self.acknowledge(message)

    def acknowledge(self, message: mqtt.MQTTMessage) -> None:
        """Tell the broker the message is safely stored (PUBACK for QoS 1)."""
        self.client.ack(message.mid, message.qos)
