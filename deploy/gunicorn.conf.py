"""gunicorn for commune, as commune-web.service runs it:

    gunicorn --config deploy/gunicorn.conf.py config.wsgi

Under systemd the socket comes from commune-web.socket (/run/commune/gunicorn.sock, which only
nginx may open) and `bind` is ignored. Every setting below can be overridden on the command
line; the environment variables are in deploy/env.example.
"""

import ipaddress
import json
import os
import time

from gunicorn.glogging import Logger

# Where to listen without systemd's socket (e.g. GUNICORN_BIND=127.0.0.1:8001 to try it).
bind = [os.environ.get("GUNICORN_BIND", "unix:/run/commune/gunicorn.sock")]

# Synchronous workers: the pages are short and database-bound; long work (imports, mails,
# evaluations) goes to the background worker. Two per core plus one, at most nine: each holds
# about 200 MB once Django and the observatory's libraries are loaded.
workers = int(os.environ.get("WEB_CONCURRENCY", min(2 * len(os.sched_getaffinity(0)) + 1, 9)))
# A request that takes longer than this is cut (its worker restarted): nginx waits a little
# longer (proxy_read_timeout 75s), so the client gets our answer, not the proxy's.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30  # a restart lets running requests finish this long (TimeoutStopSec=35)
keepalive = 5
# systemctl starts, reloads (HUP) and stops gunicorn: no control socket of its own.
control_socket_disable = True
# Workers are replaced after this many requests (plus up to the jitter), so that a slow leak in
# a library never grows for weeks.
max_requests = 1000
max_requests_jitter = 100

# Only our reverse proxy may say the request came over HTTPS (X-Forwarded-Proto): the addresses
# of TRUSTED_PROXIES, the same variable the application reads for X-Forwarded-For. A Unix socket
# has no address; gunicorn trusts it, and the socket's mode lets only nginx connect.
forwarded_allow_ips = ",".join(
    str(ipaddress.ip_network(entry.strip(), strict=False))
    for entry in os.environ.get("TRUSTED_PROXIES", "").split(",")
    if entry.strip() and entry.strip() != "unix"
)


class JsonLogger(Logger):
    """Each access line is one JSON object, built with json.dumps: a path, a header or a user
    agent holding quotes, backslashes or an encoded newline (%0A) cannot end the line or add a
    field. The query string is left out (address searches are personal data)."""

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "message": "access",
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": environ.get("HTTP_X_REQUEST_ID"),
            "forwarded_for": environ.get("HTTP_X_FORWARDED_FOR"),
            "user_agent": environ.get("HTTP_USER_AGENT"),
            "pid": os.getpid(),
        }
        self.access_log.info(json.dumps(entry, ensure_ascii=False))


logger_class = JsonLogger
accesslog = "-"
errorlog = "-"
# gunicorn's own messages (workers started, timeouts) as JSON lines too, like the application's.
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "commune.core.logging.JsonFormatter"},
        "line": {"format": "%(message)s"},
    },
    "handlers": {
        "error": {"class": "logging.StreamHandler", "formatter": "json"},
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "line",
            "stream": "ext://sys.stdout",
        },
    },
    "root": {"handlers": ["error"], "level": "INFO"},
    "loggers": {
        "gunicorn.error": {"handlers": ["error"], "level": "INFO", "propagate": False},
        "gunicorn.access": {"handlers": ["access"], "level": "INFO", "propagate": False},
    },
}
