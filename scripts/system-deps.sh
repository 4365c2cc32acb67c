#!/usr/bin/env bash
# Installs the Debian packages the test suite needs as real components, when they are missing:
# PostgreSQL (server), Chromium (browser tests) and Dovecot (IMAP tests).
set -euo pipefail

need=()
ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || need+=(postgresql)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ -x /usr/sbin/dovecot ] || need+=(dovecot-imapd)

if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
echo "Installing system packages: ${need[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then SUDO="sudo"; else
    echo "Need root (or sudo) to install: ${need[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts the cluster and dovecot as services on install; the tests run their own throwaway ones.
for svc in postgresql dovecot; do
  if command -v service >/dev/null; then $SUDO service "$svc" stop >/dev/null 2>&1 || true; fi
done
