"""A real Mosquitto broker per test (its own process, port and persistence folder, under the
test run's folder), and a subscriber running in a thread against it."""

from __future__ import annotations

import tempfile
import threading
import time
import uuid

import paho.mqtt.publish
import pytest

from commune.core.testing import MosquittoServer
from commune.mobility.mqtt import Subscriber


def wait_until(predicate, *, timeout: float = 10.0, interval: float = 0.05) -> bool:
    """Poll `predicate` until it is true or `timeout` seconds have passed; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result or time.monotonic() >= deadline:
            return result
        time.sleep(interval)


class Broker(MosquittoServer):
    """The test's own Mosquitto, which tests publish to."""

    def publish(self, topic: str, payload: bytes | str) -> None:
        """Publish with QoS 1 and return once the broker has acknowledged it."""
        paho.mqtt.publish.single(
            topic, payload, qos=1, hostname="127.0.0.1", port=self.port, client_id=""
        )


@pytest.fixture
def broker(settings):
    server = Broker(tempfile.mkdtemp(prefix="mosquitto-", dir=settings.TEST_RUN_DIR)).start()
    try:
        yield server
    finally:
        server.stop()


class RunningSubscriber:
    """Starts and stops Subscribers in threads; all share one client id (one session)."""

    def __init__(self, broker: Broker) -> None:
        self.broker = broker
        self.client_id = f"commune-test-{uuid.uuid4().hex[:8]}"
        self._running: list[tuple[Subscriber, threading.Thread]] = []

    def start(self, subscriber_class: type[Subscriber] = Subscriber) -> Subscriber:
        subscriber = subscriber_class(url=self.broker.url, client_id=self.client_id)
        thread = threading.Thread(target=subscriber.run, daemon=True)
        thread.start()
        self._running.append((subscriber, thread))
        assert subscriber.subscribed.wait(10), "the subscriber did not subscribe in 10 s"
        return subscriber

    def stop(self, subscriber: Subscriber) -> None:
        for running, thread in list(self._running):
            if running is subscriber:
                running.stop()
                thread.join(10)
                assert not thread.is_alive(), "the subscriber did not stop in 10 s"
                self._running.remove((running, thread))

    def stop_all(self) -> None:
        for subscriber, _ in list(self._running):
            self.stop(subscriber)


@pytest.fixture
def subscribers(broker, transactional_db):
    running = RunningSubscriber(broker)
    try:
        yield running
    finally:
        running.stop_all()


@pytest.fixture(autouse=True)
def warehouse_dir(settings, tmp_path):
    """Each test its own warehouse: town ids repeat from one test to the next."""
    settings.WAREHOUSE_DIR = tmp_path / "warehouse"
    return settings.WAREHOUSE_DIR
