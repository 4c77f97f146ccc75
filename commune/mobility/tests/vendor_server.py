"""A counter vendor's HTTP export for the feed tests: a real server on 127.0.0.1 (a free port,
in a thread) that serves a CSV behind HTTP Basic authentication, and can answer an error, stall,
send too much or redirect; `requests` lists what it received."""

from __future__ import annotations

import base64
import ssl
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class VendorServer:
    def __init__(
        self, *, user: str = "", password: str = "", token: str = "", tls: tuple | None = None
    ) -> None:
        self.body = b""
        self.user, self.password, self.token = user, password, token
        self.status = 200  # anything else: that status, no file
        self.stall_seconds = 0.0
        self.declare_length = True
        self.redirect_to = ""
        self.requests: list[dict] = []
        vendor = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 - http.server's hook name
                vendor.requests.append({"path": self.path, "headers": dict(self.headers)})
                vendor.answer(self)

            def log_message(self, *args):
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.scheme = "http"
        if tls is not None:  # (certificate, key)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls)
            self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
            self.scheme = "https"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str = "/export/comptages.csv", host: str = "127.0.0.1") -> str:
        return f"{self.scheme}://{host}:{self.port}{path}"

    def _authorised(self, handler) -> bool:
        given = handler.headers.get("Authorization", "")
        if self.token:
            return given == f"Bearer {self.token}"
        if self.user:
            pair = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            return given == f"Basic {pair}"
        return True

    def answer(self, handler) -> None:
        if self.stall_seconds:
            time.sleep(self.stall_seconds)
        if self.redirect_to:
            handler.send_response(302)
            handler.send_header("Location", self.redirect_to)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if not self._authorised(handler):
            handler.send_response(401)
            handler.send_header("WWW-Authenticate", 'Basic realm="export"')
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        if self.status != 200:
            handler.send_response(self.status)
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("Content-Type", "text/csv; charset=utf-8")
        if self.declare_length:
            handler.send_header("Content-Length", str(len(self.body)))
        else:
            handler.close_connection = True
        handler.end_headers()
        handler.wfile.write(self.body)

    def __enter__(self) -> VendorServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
