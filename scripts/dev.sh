#!/usr/bin/env bash
# The whole API on http://127.0.0.1:${PORT:-3000}, in front of a fresh local
# Cognito seeded like the deployed pool. Ctrl-C stops everything it started.
#   CLIENT_SECRET=1   use an app client with a secret
#   COGNITO_PORT      the local Cognito's port (default 9229)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/local-cognito.sh

ADMIN_USERNAME="${ADMIN_USERNAME:-admin}"
ADMIN_PASSWORD="${ADMIN_PASSWORD:-Admin-Passw0rd}"
ADMIN_EMAIL="${ADMIN_EMAIL:-admin@example.com}"
secret=false
case "${CLIENT_SECRET:-0}" in 1|true|yes) secret=true ;; esac

server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  stop_local_cognito
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The local Cognito prints every message Cognito would send (codes, invitations).
start_local_cognito "${COGNITO_PORT:-9229}" /dev/stdout
ids="$(curl -fsS -X POST "$LOCAL_COGNITO_URL/_local/pools" -H 'content-type: application/json' \
  -d "{\"clientSecret\": $secret, \"admin\": {\"username\": \"$ADMIN_USERNAME\", \"password\": \"$ADMIN_PASSWORD\", \"email\": \"$ADMIN_EMAIL\"}}")"
field() { "$VENV_PYTHON" -c "import json, sys; print(json.loads(sys.argv[1]).get(sys.argv[2], ''))" "$ids" "$1"; }

export COGNITO_USER_POOL_ID="$(field userPoolId)"
export COGNITO_CLIENT_ID="$(field clientId)"
export COGNITO_CLIENT_SECRET="$(field clientSecret)"
export COGNITO_ENDPOINT_URL="$LOCAL_COGNITO_URL"
export AWS_REGION="$(field region)"
# The local Cognito accepts any credentials; real ones are never needed here.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-local}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-local}"
export PORT="${PORT:-3000}"

cat <<INFO
user pool    $COGNITO_USER_POOL_ID
app client   $COGNITO_CLIENT_ID (secret: $secret)
admin user   $ADMIN_USERNAME / $ADMIN_PASSWORD (group: admin)
outbox       http://127.0.0.1:$PORT/_local/outbox
INFO

target/debug/local-server &
server_pid=$!
wait "$server_pid"
