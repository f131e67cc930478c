#!/usr/bin/env bash
# Reads the panic strategy each built function binary was compiled with, from the
# marker lambda-common compiles into every function (crates/lambda-common/src/
# panic_strategy.rs); it survives stripping and LTO, so it reads the arm64 artefacts
# as deployed. "unwind": a handler's panic answers one 500 and the execution
# environment lives on; "abort" would end it (docs/deployment.md, "Panics").
#
#   scripts/panic-strategy.sh [--expect unwind|abort] BINARY...
#
# Prints each binary's strategy; with --expect, fails unless every one has it
# (make test, make package and make bench's deployed profile expect unwind).
set -euo pipefail
expect=""
if [ "${1:-}" = --expect ]; then expect="$2"; shift 2; fi
[ "$#" -gt 0 ] || { echo "usage: $0 [--expect unwind|abort] BINARY..." >&2; exit 2; }
status=0
for binary in "$@"; do
  found=none
  for strategy in unwind abort; do
    if LC_ALL=C grep -q -a -F "lambda-common:panic-strategy=$strategy" "$binary"; then found=$strategy; fi
  done
  echo "panic strategy $found: $binary"
  if [ -n "$expect" ] && [ "$found" != "$expect" ]; then
    echo "  expected $expect: $binary was not built with the deployed panic strategy" >&2
    status=1
  fi
done
exit "$status"
