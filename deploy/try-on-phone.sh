#!/bin/sh
# Try runpt on a phone on the local network, offline sessions and all: runpt on this
# computer behind Caddy with its own certificate authority (deploy/Caddyfile,
# `tls internal`), at https://ADDRESS:8443. The phone must trust Caddy's root once
# (README, "Try it on a phone"); the root's path is printed below.
#
#   deploy/try-on-phone.sh                 # this computer's first address on the network
#   deploy/try-on-phone.sh 192.168.1.20    # or the one you name
#
# Needs caddy (apt-get install caddy; or caddyserver.com) and runpt installed in .venv
# (README, "Development"). Ctrl-C stops both.
set -eu
cd "$(dirname "$0")/.."

ADDRESS="${1:-$(hostname -I 2>/dev/null | awk '{print $1}')}"
if [ -z "$ADDRESS" ]; then
  echo "Name this computer's address on the Wi-Fi: $0 192.168.1.20" >&2
  exit 2
fi
PYTHON="${PYTHON:-.venv/bin/python}"
HTTPS_PORT="${HTTPS_PORT:-8443}"
APP_PORT="${APP_PORT:-5000}"

# runpt on this computer only; Caddy is the phone's way in. One proxy in front, HTTPS.
TRUSTED_PROXIES=1 SECURE_COOKIES=1 \
  "$PYTHON" -m gunicorn --workers 2 --threads 4 --bind "127.0.0.1:$APP_PORT" wsgi:app &
APP=$!
# One gunicorn answers both pools' paths here (a deployment runs two, deploy/runpt@.service).
RUNPT_SITE="$ADDRESS:$HTTPS_PORT" RUNPT_TLS=internal RUNPT_HOSTS="127.0.0.1:$APP_PORT" \
  RUNPT_SYNC_HOSTS="127.0.0.1:$APP_PORT" \
  CADDY_ADMIN=off CADDY_HTTPS_PORT="$HTTPS_PORT" CADDY_HTTP_PORT="${HTTP_PORT:-8080}" \
  caddy run --config deploy/Caddyfile >caddy-try-on-phone.log 2>&1 &
CADDY=$!
trap 'kill $APP $CADDY 2>/dev/null; wait 2>/dev/null' EXIT INT TERM

ROOT_CERT="${XDG_DATA_HOME:-$HOME/.local/share}/caddy/pki/authorities/local/root.crt"
for _ in $(seq 1 100); do
  [ -s "$ROOT_CERT" ] && break
  kill -0 $CADDY 2>/dev/null || { cat caddy-try-on-phone.log >&2; exit 1; }
  sleep 0.1
done
cat <<MESSAGE

runpt for the phone: https://$ADDRESS:$HTTPS_PORT
Caddy's root certificate, for the phone to trust once: $ROOT_CERT
  (SHA-256: $(openssl x509 -in "$ROOT_CERT" -noout -fingerprint -sha256 2>/dev/null | cut -d= -f2))
Let port $HTTPS_PORT through this computer's firewall. Ctrl-C stops runpt and Caddy.
MESSAGE
wait $APP
