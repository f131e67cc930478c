# Sourced by the other scripts: starts the local Cognito (crates/local-cognito)
# in the background.
#   start_local_cognito PORT [LOG] [ARGS...]  -> sets LOCAL_COGNITO_URL and LOCAL_COGNITO_PID
#   stop_local_cognito

LOCAL_COGNITO_BIN="${LOCAL_COGNITO_BIN:-target/debug/local-cognito}"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start_local_cognito() {
  local port="$1" log="${2:-/dev/null}"
  shift 2 || shift $#
  [ -x "$LOCAL_COGNITO_BIN" ] || cargo build --quiet -p local-cognito
  if [ "$log" = /dev/stdout ]; then
    # Shares the caller's output (reopening /dev/stdout would truncate a redirected file).
    "$LOCAL_COGNITO_BIN" --port "$port" "$@" &
  else
    "$LOCAL_COGNITO_BIN" --port "$port" "$@" >"$log" 2>&1 &
  fi
  LOCAL_COGNITO_PID=$!
  LOCAL_COGNITO_URL="http://127.0.0.1:$port"
  export LOCAL_COGNITO_URL
  for _ in $(seq 1 100); do
    if curl -fsS "$LOCAL_COGNITO_URL/_local/clock" >/dev/null 2>&1; then
      return 0
    fi
    if ! kill -0 "$LOCAL_COGNITO_PID" 2>/dev/null; then
      echo "The local Cognito exited while starting; its output:" >&2
      cat "$log" >&2
      return 1
    fi
    sleep 0.05
  done
  echo "The local Cognito did not answer on $LOCAL_COGNITO_URL within 5 s." >&2
  return 1
}

stop_local_cognito() {
  if [ -n "${LOCAL_COGNITO_PID:-}" ]; then
    kill "$LOCAL_COGNITO_PID" 2>/dev/null || true
    wait "$LOCAL_COGNITO_PID" 2>/dev/null || true
    LOCAL_COGNITO_PID=""
  fi
}
