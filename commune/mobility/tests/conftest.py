"""A real Mosquitto broker per test (its own process, port and persistence folder), and a
subscriber running in a thread against it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import paho.mqtt.publish
import pytest

from commune.mobility.mqtt import Subscriber


def wait_until(predicate, *, timeout: float = 10.0, interval: float = 0.05) -> bool:
    """Poll `predicate` until it is true or `timeout` seconds have passed; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result or time.monotonic() >= deadline:
            return result
        time.sleep(interval)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class Broker:
    """A Mosquitto process with `persistence true`, so sessions and queued messages survive
    `restart()`."""

    def __init__(self) -> None:
        if shutil.which("mosquitto") is None:
            pytest.fail("mosquitto is not installed (apt-get install mosquitto)")
        self.port = _free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="commune-mosquitto-"))
        self.config = self.folder / "mosquitto.conf"
        lines = [
            f"listener {self.port} 127.0.0.1",
            "allow_anonymous true",
            "persistence true",
            f"persistence_location {self.folder}/",
            f"log_dest file {self.folder}/mosquitto.log",
        ]
        if os.geteuid() == 0:
            lines.append("user root")  # otherwise it switches to a user that cannot write here
        self.config.write_text("\n".join(lines) + "\n")
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["mosquitto", "-c", str(self.config)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if not wait_until(lambda: _accepts(self.port), timeout=10):
            self.stop()
            pytest.fail(f"mosquitto did not start; see {self.folder}/mosquitto.log")

    def stop(self) -> None:
        """Stop cleanly (SIGTERM): Mosquitto writes its persistence file on the way out."""
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def publish(self, topic: str, payload: bytes | str) -> None:
        """Publish with QoS 1 and return once the broker has acknowledged it."""
        paho.mqtt.publish.single(
            topic, payload, qos=1, hostname="127.0.0.1", port=self.port, client_id=""
        )

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def broker():
    server = Broker()
    server.start()
    try:
        yield server
    finally:
        server.cleanup()


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
