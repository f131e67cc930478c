#!/usr/bin/env bash
# Fuzzing: schemathesis generates requests for every route from openapi.yaml,
# schema-valid and schema-violating, against the local stack (the same router
# the functions serve, in front of a local Cognito), with an administrator's
# token, and checks every answer against the contract (schemathesis.toml).
set -euo pipefail
cd "$(dirname "$0")/.."
# The binaries the build left (CARGO_TARGET_DIR, as cargo does).
bin_dir="${CARGO_TARGET_DIR:-target}/debug"
export LOCAL_COGNITO_BIN="${LOCAL_COGNITO_BIN:-$bin_dir/local-cognito}"
. scripts/local-cognito.sh

FUZZ_VENV="${FUZZ_VENV:-.venv-fuzz}"
api_port="$(free_port)"
server_pid=""
log="$(mktemp)"
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  stop_local_cognito
  rm -f "$log" "$log.env"
}
trap cleanup EXIT

# The pool's web ACL lets through only the functions' calls, as deployed (template.yaml).
# Passwordless first factors on, so that its routes reach Cognito rather than stopping at
# FACTOR_NOT_ALLOWED.
export COGNITO_CALLER_KEY="fuzz-caller-key"
seed='{"clientSecret": true, "passwordless": true, "callerKey": "fuzz-caller-key", "admin": {"username": "admin", "password": "Admin-Passw0rd", "email": "admin@example.com"}}'
start_local_cognito "$(free_port)" "$log" --seed "$seed" --seed-env "$log.env"
for _ in $(seq 1 50); do [ -s "$log.env" ] && break; sleep 0.05; done
set -a
. "$log.env"
set +a
export COGNITO_ENDPOINT_URL="$LOCAL_COGNITO_URL" AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local PORT="$api_port" LOG_LEVEL=warn
"$bin_dir/local-server" >/dev/null 2>&1 &
server_pid=$!
api="http://127.0.0.1:$api_port"
for _ in $(seq 1 100); do curl -fsS -o /dev/null "$api/_local/outbox" 2>/dev/null && break; sleep 0.05; done

login() {
  curl -fsS "$api/auth/login" -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"$2\"}" \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["tokens"]["accessToken"])'
}
admin_token="$(login admin Admin-Passw0rd)"
# A second user for /auth/logout, whose "everywhere" would end the admin's session.
curl -fsS -o /dev/null "$api/auth/users" -H "authorization: Bearer $admin_token" -H 'content-type: application/json' \
  -d '{"username":"leaver","email":"leaver@example.com","temporaryPassword":"Leaver-Passw0rd-1","sendInvitation":false}'
session="$(curl -fsS "$api/auth/login" -H 'content-type: application/json' -d '{"username":"leaver","password":"Leaver-Passw0rd-1"}' \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["challenge"]["session"])')"
export FUZZ_LOGOUT_TOKEN="$(curl -fsS "$api/auth/new-password" -H 'content-type: application/json' \
  -d "{\"username\":\"leaver\",\"session\":\"$session\",\"newPassword\":\"Leaver-Passw0rd-2\"}" \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["tokens"]["accessToken"])')"

"$FUZZ_VENV/bin/st" --no-color run openapi.yaml --url "$api" -H "Authorization: Bearer $admin_token" \
  --max-examples "${FUZZ_EXAMPLES:-25}" --seed "${FUZZ_SEED:-20261123}"
