#!/usr/bin/env bash
# The contract and the TypeScript client, all from clients/typescript's pinned tools:
#   1. redocly lint (redocly.yaml) and spectral lint (.spectral.yaml) of openapi.yaml:
#      zero errors;
#   2. the types generated from openapi.yaml (openapi-typescript) are the committed
#      clients/typescript/src/schema.ts (else: cd clients/typescript && npm run generate);
#   3. tsc --strict over the client and its tests, built into clients/typescript/dist
#      for the client's tests (scripts/test.sh runs them against the local stack).
# npm ci only when node_modules is missing or the lockfile changed; the rest is
# skipped when none of its inputs changed since it last passed.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/npm-ci.sh
client=clients/typescript
bin="$client/node_modules/.bin"
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_UPDATE_NOTIFIER=1
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

npm_ci_if_needed "$client"
stamp="$client/dist/.contract-sha256"
# shellcheck disable=SC2046 # file names without spaces
inputs="$(cat openapi.yaml .spectral.yaml redocly.yaml "$client/package-lock.json" "$client/tsconfig.json" \
  $(find "$client/src" "$client/test" -type f | sort) | sha256sum | cut -d' ' -f1)"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$inputs" ]; then
  echo "== contract: nothing changed since it last passed"
  exit 0
fi

echo "== redocly lint openapi.yaml"
redocly_status=0
"$bin/redocly" lint openapi.yaml --format=stylish >"$work/redocly.log" 2>&1 || redocly_status=$?
# Without its boxed banner (Node.js 20's end of life).
grep -v '^ *[║╔╚]\|^ *$' "$work/redocly.log" || true
[ "$redocly_status" -eq 0 ]

echo "== spectral lint openapi.yaml"
"$bin/spectral" lint --ruleset .spectral.yaml --fail-severity error openapi.yaml

echo "== the generated types are up to date"
"$bin/openapi-typescript" openapi.yaml -o "$work/schema.ts" >/dev/null
if ! diff -u "$client/src/schema.ts" "$work/schema.ts" >"$work/schema.diff"; then
  head -60 "$work/schema.diff"
  echo "$client/src/schema.ts is stale: cd $client && npm run generate" >&2
  exit 1
fi

echo "== tsc --strict over the client and its tests"
rm -rf "$client/dist"
"$bin/tsc" -p "$client/tsconfig.json"
echo "$inputs" >"$stamp"
