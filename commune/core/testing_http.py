"""Test helper that runs a real component: a local HTTP server that records every request, to
prove that something did NOT go to the network (GDAL's /vsicurl/, a CRS link, ...)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class RecordingHTTPServer:
    """`with RecordingHTTPServer(body=b"...") as server:` serves `body` to any GET on
    127.0.0.1:<free port> (`server.url`); `server.requests` lists (method, path) received."""

    def __init__(self, *, body: bytes = b"") -> None:
        self.body = body
        self.requests: list[tuple[str, str]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self, with_body: bool) -> None:
                recorder.requests.append((self.command, self.path))
                self.send_response(200)
                self.send_header("Content-Length", str(len(recorder.body)))
                self.end_headers()
                if with_body:
                    self.wfile.write(recorder.body)

            def do_GET(self):  # noqa: N802 - http.server's hook name
                self._answer(with_body=True)

            def do_HEAD(self):  # noqa: N802 - http.server's hook name
                self._answer(with_body=False)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> RecordingHTTPServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
