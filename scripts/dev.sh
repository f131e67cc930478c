#!/usr/bin/env bash
# The whole API on http://127.0.0.1:${PORT:-3000}, in front of a local Cognito
# seeded like the deployed pool. Accounts survive restarts (LOCAL_COGNITO_STATE).
# Ctrl-C stops everything it started.
#   CLIENT_SECRET=0        use an app client without a secret (default: with one, as deployed)
#   MFA=off|optional|on    the pool's MFA (default optional: users may turn TOTP on,
#                          as the example app shows); TOTP and SMS are offered,
#                          and email when EMAIL_MFA=1; codes go to the outbox
#   SELF_SIGNUP=0          only administrators create users, as in the deployed default
#   PASSWORDLESS=1         sign-in without a password too (docs/passwordless.md): the
#                          pool's first factors PASSWORD, EMAIL_OTP, SMS_OTP and WEB_AUTHN,
#                          passkeys for the relying party localhost (any http://localhost
#                          port), ALLOW_USER_AUTH; sign-up may then leave the password out
#   DEVICES=off|always|opt-in
#                          remember devices (default off): always, or when the user asks
#   TRIGGERS=0             the pool runs no Lambda triggers; by default it runs the
#                          project's (crates/triggers, served by local-server), with
#                          ALLOWED_EMAIL_DOMAINS, INVITED_EMAIL_DOMAINS, DEFAULT_GROUP
#                          (default members) as in docs/triggers.md
#   CORS_ALLOWED_ORIGINS   browser origins allowed, with credentials (default
#                          http://localhost:$WEB_PORT, the example app; empty: none). A web
#                          app in cookie mode calls http://localhost:$PORT, not 127.0.0.1:
#                          another site to the browser, so SameSite=Strict cookies stay home
#   WEB=0                  do not serve the example web app (examples/web, Vite, on
#                          http://localhost:$WEB_PORT; npm ci first when node_modules is missing)
#   WEB_PORT               the example app's port (default 5173)
#   COGNITO_PORT           the local Cognito's port (default 9229)
#   LOCAL_COGNITO_STATE    where its state is kept (default .local/cognito-state.json;
#                          empty: nothing is kept); delete the file for a fresh pool
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/local-cognito.sh

ADMIN_USERNAME="${ADMIN_USERNAME:-admin}"
ADMIN_PASSWORD="${ADMIN_PASSWORD:-Admin-Passw0rd}"
ADMIN_EMAIL="${ADMIN_EMAIL:-admin@example.com}"
STATE_FILE="${LOCAL_COGNITO_STATE-.local/cognito-state.json}"
secret=true
case "${CLIENT_SECRET:-1}" in 0|false|no) secret=false ;; esac
mfa="${MFA:-optional}"
signup=true
case "${SELF_SIGNUP:-1}" in 0|false|no) signup=false ;; esac
devices="${DEVICES:-off}"
triggers=true
case "${TRIGGERS:-1}" in 0|false|no) triggers=false ;; esac
passwordless=false
passwordless_suffix=""
case "${PASSWORDLESS:-0}" in 1|true|yes) passwordless=true passwordless_suffix=-passwordless ;; esac
export PORT="${PORT:-3000}" DEFAULT_GROUP="${DEFAULT_GROUP-members}"
web_port="${WEB_PORT:-5173}"
export CORS_ALLOWED_ORIGINS="${CORS_ALLOWED_ORIGINS-http://localhost:$web_port}"
# The binaries make dev just built (CARGO_TARGET_DIR, as cargo does).
bin_dir="${CARGO_TARGET_DIR:-target}/debug"
export LOCAL_COGNITO_BIN="$bin_dir/local-cognito"
case "$mfa" in off|optional|on) ;; *) echo "MFA must be off, optional or on" >&2; exit 2 ;; esac
case "$devices" in off|always|opt-in) ;; *) echo "DEVICES must be off, always or opt-in" >&2; exit 2 ;; esac

server_pid=""
web_pid=""
env_file=""
cleanup() {
  # Vite dies of the signal; its status must not end the cleanup (set -e).
  if [ -n "$web_pid" ]; then kill "$web_pid" 2>/dev/null; wait "$web_pid" 2>/dev/null || true; fi
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  stop_local_cognito
  # Without a kept state, the pool's ids die with it.
  if [ -z "$STATE_FILE" ]; then rm -f "$env_file"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p .local
# One pool per combination of settings, each kept in the state.
env_file=".local/pool-secret-$secret-signup-$signup-mfa-$mfa-devices-$devices-triggers-$triggers-$PORT${EMAIL_MFA:+-email}${passwordless_suffix}.env"
state_args=()
if [ -n "$STATE_FILE" ]; then
  state_args=(--state "$STATE_FILE")
else
  rm -f "$env_file"
fi
mfa_seed=null
if [ "$mfa" != off ]; then
  email_mfa=""
  [ -n "${EMAIL_MFA:-}" ] && email_mfa=', "EmailMfaConfiguration": {}'
  mfa_seed="{\"MfaConfiguration\": \"$(echo "$mfa" | tr a-z A-Z)\", \"SoftwareTokenMfaConfiguration\": {\"Enabled\": true}, \"SmsMfaConfiguration\": {\"SmsConfiguration\": {\"SnsCallerArn\": \"arn:aws:iam::000000000000:role/local-sms\"}}$email_mfa}"
fi
pool_fields=()
if [ "$devices" != off ]; then
  on_prompt=false
  [ "$devices" = opt-in ] && on_prompt=true
  pool_fields+=("\"DeviceConfiguration\": {\"ChallengeRequiredOnNewDevice\": true, \"DeviceOnlyRememberedOnUserPrompt\": $on_prompt}")
fi
groups="[]"
if [ "$triggers" = true ]; then
  # The local Cognito calls the triggers local-server serves, as Cognito calls Lambda.
  at="http://127.0.0.1:$PORT/_local/triggers"
  pool_fields+=("\"LambdaConfig\": {\"PreSignUp\": \"$at/pre-sign-up\", \"PostConfirmation\": \"$at/post-confirmation\", \"PreTokenGeneration\": \"$at/pre-token-generation\", \"UserMigration\": \"$at/user-migration\", \"CustomMessage\": \"$at/custom-message\"}")
  [ -n "$DEFAULT_GROUP" ] && groups="[\"$DEFAULT_GROUP\"]"
fi
pool_seed="{$(IFS=,; echo "${pool_fields[*]}")}"
# The key remembered devices' passwords derive from, and the caller key the pool's
# web ACL lets through (only the API reaches Cognito's public API, as deployed), kept with the state.
# Written whole or not at all: two make devs may start at once (the docs' tests do).
keep_random() { [ -s "$1" ] || { head -c "$2" /dev/urandom | od -An -tx1 | tr -d ' \n' > "$1.$$" && mv "$1.$$" "$1"; }; }
keep_random .local/device-secret 32
keep_random .local/caller-key 24
export DEVICE_SECRET="$(cat .local/device-secret)" COGNITO_CALLER_KEY="$(cat .local/caller-key)"
seed="{\"clientSecret\": $secret, \"allowSignUp\": $signup, \"callerKey\": \"$COGNITO_CALLER_KEY\", \"mfa\": $mfa_seed, \"pool\": $pool_seed, \"groups\": $groups, \"passwordless\": $passwordless, \"admin\": {\"username\": \"$ADMIN_USERNAME\", \"password\": \"$ADMIN_PASSWORD\", \"email\": \"$ADMIN_EMAIL\"}}"
# The local Cognito prints every message Cognito would send (codes, invitations).
start_local_cognito "${COGNITO_PORT:-9229}" /dev/stdout "${state_args[@]}" --seed "$seed" --seed-env "$env_file"
# The env file may still name a pool the state no longer holds while the local Cognito
# seeds a new one and rewrites it: read it until the pool it names answers.
pool_ready=false
for _ in $(seq 1 200); do
  if [ -s "$env_file" ]; then
    set -a
    . "$env_file"
    set +a
    if curl -fsS -o /dev/null "$LOCAL_COGNITO_URL/$COGNITO_USER_POOL_ID/.well-known/jwks.json" 2>/dev/null; then
      pool_ready=true
      break
    fi
  fi
  sleep 0.05
done
[ "$pool_ready" = true ] || { echo "the local Cognito did not seed the pool ($env_file)" >&2; exit 1; }
export COGNITO_ENDPOINT_URL="$LOCAL_COGNITO_URL"
# Account notices (SES) land in the local Cognito's outbox too, as kind "notice".
export AWS_ENDPOINT_URL_SESV2="$LOCAL_COGNITO_URL" NOTICE_FROM="${NOTICE_FROM:-notices@localhost}"
# The local Cognito accepts any credentials; real ones are never needed here.
export AWS_ACCESS_KEY_ID="${AWS_ACCESS_KEY_ID:-local}" AWS_SECRET_ACCESS_KEY="${AWS_SECRET_ACCESS_KEY:-local}"

web=true
case "${WEB:-1}" in 0|false|no) web=false ;; esac
if [ "$web" = true ]; then
  # The example app, in cookie mode; it calls the API as localhost (the app's site).
  . scripts/npm-ci.sh
  npm_ci_if_needed examples/web
  (cd examples/web && VITE_API_URL="http://localhost:$PORT" exec node_modules/.bin/vite --port "$web_port" --strictPort --logLevel warn) &
  web_pid=$!
fi

"$bin_dir/local-server" &
server_pid=$!
for _ in $(seq 1 200); do
  curl -fsS -o /dev/null "http://127.0.0.1:$PORT/_local/outbox" 2>/dev/null && break
  kill -0 "$server_pid" 2>/dev/null || { echo "the local server exited while starting" >&2; exit 1; }
  sleep 0.05
done

[ -n "${COGNITO_SIGN_UP_CLIENT_ID:-}" ] || echo "warning: $STATE_FILE is from before the sign-up client; delete it for a fresh pool" >&2
on_off() { [ "$1" = true ] && echo on || echo off; }
mfa_factors=""
[ "$mfa" != off ] && mfa_factors=" (TOTP, SMS${EMAIL_MFA:+, email})"
if [ "$triggers" = true ]; then
  trigger_info="on: pre sign-up (email domains: ${ALLOWED_EMAIL_DOMAINS:-any}${INVITED_EMAIL_DOMAINS:+; invited: $INVITED_EMAIL_DOMAINS}), post confirmation (joins ${DEFAULT_GROUP:-no group}),
               pre token generation, user migration (old users: ${LEGACY_USERS_FILE:-none}), custom messages (en, ja)"
else
  trigger_info="off"
fi
passwordless_info="off"
[ "$passwordless" = true ] && passwordless_info="on: email and SMS codes, passkeys (relying party localhost); sign-up without a password;
               users with MFA on sign in with passwords"
web_info="not served (WEB=0)"
[ "$web" = true ] && web_info="http://localhost:$web_port (examples/web)"
cat <<INFO

The auth API: http://localhost:$PORT/auth/... (docs/api.md)
  console      http://localhost:$PORT/_local/ (users, inbox with codes, clock, settings)
  web app      $web_info
  codes        the console's inbox, GET http://localhost:$PORT/_local/outbox, and [outbox] lines here
  admin        $ADMIN_USERNAME / $ADMIN_PASSWORD (group admin)
  self sign-up $(on_off "$signup")
  MFA          $mfa$mfa_factors
  devices      $devices
  passwordless $passwordless_info
  triggers     $trigger_info
  app client   $COGNITO_CLIENT_ID, $([ "$secret" = true ] && echo "with a secret (the server holds it)" || echo "without a secret")
  CORS         ${CORS_ALLOWED_ORIGINS:-no browser origin}, with credentials (web apps call http://localhost:$PORT)
  user pool    $COGNITO_USER_POOL_ID, in the local Cognito at $LOCAL_COGNITO_URL
  state        ${STATE_FILE:-not kept: a fresh pool each start}
Ready. Ctrl-C stops it all.
INFO
wait "$server_pid"
