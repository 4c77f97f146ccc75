# Sourced by ./run and ./test: installs what is missing, idempotently, on Debian 12.
# shellcheck shell=bash
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
APT_PACKAGES=(gdal-bin libsqlite3-mod-spatialite binutils libproj-dev gettext
              python3 python3-venv chromium chromium-driver fonts-dejavu-core poppler-utils zbar-tools
              openjdk-17-jre-headless faketime mosquitto redis-server
              nginx systemd openssl)

# Debian starts a package's service as it installs it, and enables it at boot. The suite starts
# its own Redis, Mosquitto and nginx (deploy tests) on free ports (commune/core/testing.py,
# commune/core/tests/deployment.py) and ./run needs none of them: installed by this script, they
# stay off (installed before, they are left as they were). systemd is here for
# `systemd-analyze verify` of deploy/systemd.
SERVICE_PACKAGES=(mosquitto redis-server nginx)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

install_apt_packages() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    say "Missing Debian packages: ${missing[*]} — run as root, or: sudo apt-get install ${missing[*]}"
    exit 1
  fi
  say "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  services_held_off apt_install "${missing[@]}"
  disable_services "${missing[@]}"
}

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Runs "$@" with a policy-rc.d (invoke-rc.d(8); deb-systemd-invoke asks it too) that forbids
# starting SERVICE_PACKAGES' services, unless the machine has a policy of its own.
services_held_off() {
  local policy=/usr/sbin/policy-rc.d
  if [ -e "$policy" ]; then "$@"; return; fi
  (
    trap 'rm -f "$policy"' EXIT
    printf '#!/bin/sh\ncase "${1%%%%.service}" in %s) exit 101 ;; esac\nexit 0\n' \
      "$(IFS='|'; echo "${SERVICE_PACKAGES[*]}")" > "$policy"
    chmod 755 "$policy"
    "$@"
  )
}

# Undoes the start at boot that the packages' postinst enabled, for those just installed.
disable_services() {
  local pkg
  for pkg in "$@"; do
    [[ " ${SERVICE_PACKAGES[*]} " == *" $pkg "* ]] || continue
    if [ -d /run/systemd/system ]; then
      systemctl disable --now --quiet "$pkg.service" || true
    else
      update-rc.d "$pkg" disable >/dev/null 2>&1 || true
    fi
  done
}

# A Python 3.11 whose sqlite3 module can load extensions (SpatiaLite needs it).
python_can_load_extensions() {
  "$1" - <<'PY' 2>/dev/null
import sqlite3, sys
assert sys.version_info[:2] == (3, 11)
sqlite3.connect(":memory:").enable_load_extension(True)
PY
}

find_python() {
  local candidate
  for candidate in "${COMMUNE_PYTHON:-}" /usr/bin/python3.11 /usr/bin/python3 python3.11 python3; do
    [ -n "$candidate" ] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if python_can_load_extensions "$candidate"; then
      command -v "$candidate"
      return 0
    fi
  done
  return 1
}

ensure_venv() {
  if [ -x "$VENV/bin/python" ] && python_can_load_extensions "$VENV/bin/python"; then
    :
  else
    local python
    if ! python="$(find_python)"; then
      say "No Python 3.11 able to load SQLite extensions was found."
      say "On Debian 12: apt-get install python3 python3-venv (Debian's /usr/bin/python3 can);"
      say "elsewhere set COMMUNE_PYTHON to such an interpreter."
      exit 1
    fi
    say "Creating the virtualenv from $python"
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip
  fi
  # ./run and ./test: production (requirements.lock, which both extras include), the Spark
  # engine (the suite tests it) and the test tools. A server installs requirements.lock alone
  # (docs/deploy.md).
  local want have stale
  want="$(cat requirements.lock requirements-spark.lock requirements-dev.lock | sha256sum | cut -d' ' -f1)"
  have="$(cat "$VENV/.lock-sha256" 2>/dev/null || true)"
  if [ "$want" != "$have" ]; then
    say "Installing the locked Python dependencies"
    "$VENV/bin/pip" install -q --disable-pip-version-check \
      -r requirements-dev.lock -r requirements-spark.lock
    # a dependency dropped from the locks leaves the virtualenv too
    stale="$("$VENV/bin/python" scripts/lock.py --stale)"
    if [ -n "$stale" ]; then
      say "Removing what no lock pins: $stale"
      # shellcheck disable=SC2086
      "$VENV/bin/pip" uninstall -q -y $stale
    fi
    echo "$want" > "$VENV/.lock-sha256"
  fi
}

compile_messages() {
  local po mo
  for po in locale/*/LC_MESSAGES/*.po; do
    [ -e "$po" ] || continue
    mo="${po%.po}.mo"
    if [ ! -e "$mo" ] || [ "$po" -nt "$mo" ]; then
      msgfmt --check-format -o "$mo" "$po"
    fi
  done
}

ensure_postgis() {
  # Only when DATABASE_URL points at PostgreSQL: the PostGIS package and the extension.
  [[ "${DATABASE_URL:-}" == postgres* ]] || return 0
  install_apt_packages postgresql-15-postgis-3 postgresql-client
  "$VENV/bin/python" - <<'PY'
import os, psycopg
from urllib.parse import urlparse
url = urlparse(os.environ["DATABASE_URL"])
name = url.path.lstrip("/")
admin = url._replace(path="/postgres").geturl()
with psycopg.connect(admin, autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
    conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
PY
}

bootstrap() {
  install_apt_packages "${APT_PACKAGES[@]}"
  ensure_venv
  mkdir -p var
  [ -s var/secret_key ] || "$VENV/bin/python" -c \
    "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
  compile_messages
  ensure_postgis
}
