"""Test helpers that run real components: a local SMTP server that keeps what it receives, and
the suite's own Redis and Mosquitto, started on free ports of 127.0.0.1 in folders of the test
run. The suite never talks to a service it did not start: `MachineServiceGuard` refuses the
ports where a machine's own Redis, MQTT broker or mail server listens."""

from __future__ import annotations

import email
import email.policy
import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from aiosmtpd.controller import Controller

ZBAR_XML = "http://zbar.sourceforge.net/2008/barcode"


@dataclass
class _Inbox:
    messages: list[email.message.EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message["X-Envelope-To"] = ", ".join(envelope.rcpt_tos)
        self.messages.append(message)
        return "250 Message accepted for delivery"


class SmtpServer:
    """A real SMTP server on 127.0.0.1 (aiosmtpd); `.messages` holds what arrived."""

    def __init__(self) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self._inbox = _Inbox()
        self._controller = Controller(self._inbox, hostname="127.0.0.1", port=self.port)

    def start(self) -> SmtpServer:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return self._inbox.messages

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages

    @staticmethod
    def text_of(message: email.message.EmailMessage) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html_of(message: email.message.EmailMessage) -> str:
        return message.get_body(preferencelist=("html",)).get_content()


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


class ServiceProcess:
    """A server the suite starts itself, in the foreground, on a free port of 127.0.0.1 with its
    files in `folder`. It dies with the process that started it (the parent-death signal, set
    by util-linux's setpriv), so a killed test run leaves no server behind."""

    program = ""
    attempts = 3  # another process may take the free port before the server binds it

    def __init__(self, folder: Path) -> None:
        if shutil.which(self.program) is None:
            raise RuntimeError(
                f"{self.program} is not installed (scripts/bootstrap.sh installs it)"
            )
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def log_path(self) -> Path:
        return self.folder / f"{self.program}.log"

    def command(self) -> list[str]:
        raise NotImplementedError

    def start(self, *, same_port: bool = False) -> ServiceProcess:
        for _ in range(1 if same_port else self.attempts):
            self.port = self.port if same_port else free_port()
            self.process = subprocess.Popen(  # noqa: S603 - a fixed command of ours
                ["setpriv", "--pdeathsig", "TERM", "--", *self.command()],  # noqa: S607 - on PATH
                cwd=self.folder,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if self._wait_until_it_accepts():
                return self
            self.stop()
        raise RuntimeError(f"{self.program} did not start; see {self.log_path}")

    def _wait_until_it_accepts(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if accepts(self.port):
                return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        """SIGTERM: Redis and Mosquitto shut down cleanly (Mosquitto writes its persistence)."""
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
            self.process = None


class RedisServer(ServiceProcess):
    """The suite's Redis: nothing kept on disk, never evicts (as production must run it for
    the throttle counters)."""

    program = "redis-server"

    def command(self) -> list[str]:
        return [
            "redis-server",
            *("--bind", "127.0.0.1", "--port", str(self.port)),
            *("--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"),
            *("--dir", str(self.folder), "--logfile", str(self.log_path)),
        ]

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"


class MosquittoServer(ServiceProcess):
    """A Mosquitto broker with `persistence true`, so sessions and queued messages survive
    `restart()`."""

    program = "mosquitto"

    def command(self) -> list[str]:
        self.config = self.folder / "mosquitto.conf"
        lines = [
            f"listener {self.port} 127.0.0.1",
            "allow_anonymous true",
            "persistence true",
            f"persistence_location {self.folder}/",
            f"log_dest file {self.log_path}",
        ]
        if os.geteuid() == 0:
            lines.append("user root")  # otherwise it switches to a user that cannot write here
        self.config.write_text("\n".join(lines) + "\n")
        return ["mosquitto", "-c", str(self.config)]

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def restart(self) -> None:
        self.stop()
        self.start(same_port=True)


#: Where a machine's own services listen by default; the suite starts its own on free ports.
MACHINE_SERVICE_PORTS = {
    6379: "Redis",
    1883: "an MQTT broker",
    8883: "an MQTT broker (TLS)",
    25: "a mail server",
    465: "a mail server (TLS)",
    587: "a mail server (submission)",
}


class MachineServiceGuard:
    """Refuses every connection this process opens to a port in MACHINE_SERVICE_PORTS, on any
    host, and remembers it (an audit hook on `socket.connect`, so every client library is
    caught, even one that swallows the error): a test that would use the machine's own Redis,
    broker or mail server fails instead of passing thanks to it."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def install(self) -> MachineServiceGuard:
        sys.addaudithook(self._audit)
        return self

    def _audit(self, event: str, args: tuple) -> None:
        if event != "socket.connect":
            return
        address = args[1]
        if isinstance(address, tuple) and len(address) >= 2 and address[1] in MACHINE_SERVICE_PORTS:
            attempt = f"{address[0]}:{address[1]} ({MACHINE_SERVICE_PORTS[address[1]]})"
            self.attempts.append(attempt)
            raise ConnectionRefusedError(
                f"the suite must not talk to {attempt}: it starts its own services"
            )

    def take_attempts(self) -> list[str]:
        """The services reached for since the last call, each once (clients retry)."""
        attempts, self.attempts = self.attempts, []
        return list(dict.fromkeys(attempts))


def qr_codes_in(picture: Path) -> list[str]:
    """Every QR code zbar (Debian's zbar-tools) reads in a picture, one string per code: what a
    phone would read off the screen or the printed page. Its XML output keeps the codes apart
    (--raw, with -Sbinary, runs them together)."""
    command = ["zbarimg", "--quiet", "--xml", "-Sdisable", "-Sqrcode.enable"]
    done = subprocess.run(  # noqa: S603 - a fixed command of ours
        [*command, str(picture)],  # noqa: S607 - Debian's, on PATH
        capture_output=True,
        check=False,
    )
    # zbarimg exits with 4 when it finds no code
    assert done.returncode in (0, 4), done.stderr.decode(errors="replace")
    found = ElementTree.fromstring(done.stdout)  # noqa: S314 - zbar's output about our picture
    return [data.text or "" for data in found.iter(f"{{{ZBAR_XML}}}data")]
