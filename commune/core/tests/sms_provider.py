"""A real SMS provider for tests: an HTTP server on 127.0.0.1 (http.server in a thread) that
records every message POSTed to it, as a provider's API would receive it. The `sms_provider`
fixture starts one and points `HttpBackend` at it; a test module imports the fixture."""

from __future__ import annotations

import json
import threading
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    fields: dict[str, str]


class SmsProviderServer:
    """Answers `status` (202 by default) to every POST and keeps what it received."""

    def __init__(self, *, status: int = 202, delay: float = 0.0) -> None:
        self.status = status
        self.delay = delay
        self.received: list[Received] = []
        self._arrived = threading.Condition()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's hook name
                length = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    fields = json.loads(raw)
                else:
                    fields = dict(urllib.parse.parse_qsl(raw))
                if recorder.delay:
                    threading.Event().wait(recorder.delay)
                with recorder._arrived:
                    recorder.received.append(Received(self.path, dict(self.headers), fields))
                    recorder._arrived.notify_all()
                body = json.dumps({"id": len(recorder.received)}).encode()
                try:
                    self.send_response(recorder.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (the timeout test)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1/sms"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> SmsProviderServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Received]:
        """The first `count` messages, waiting for them to arrive (a browser test's request
        sends after commit, in the server's thread)."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
        assert len(self.received) >= count, f"{len(self.received)} SMS received, not {count}"
        return self.received[:count]


@pytest.fixture
def sms_provider(settings):
    """A recording provider; settings send every SMS to it through HttpBackend."""
    server = SmsProviderServer().start()
    settings.SMS_BACKEND = "commune.core.sms.HttpBackend"
    settings.SMS_HTTP_URL = server.url
    settings.SMS_HTTP_TOKEN = "test-token"  # noqa: S105 - the test server's, not a secret
    settings.SMS_HTTP_FORMAT = "json"
    try:
        yield server
    finally:
        server.stop()
