#!/usr/bin/env bash
# The browser tests: the example app (examples/web) walked end to end in Debian's
# Chromium, headless, by Playwright, against their own local stack (the local
# Cognito and the local server from target/debug, on free ports).
#   scripts/browser.sh --install   only what the tests need: Chromium and jq (apt, as
#                                  root) when missing, and examples/web's npm packages when
#                                  node_modules is missing or package-lock.json changed
#   CHROMIUM=/path/to/chromium     another Chromium (default /usr/bin/chromium)
# Screenshots of each screen: target/browser-screenshots/.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/npm-ci.sh
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
# Playwright's own browser download cannot run here, and is not needed: Debian's Chromium is used.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

# One apt-get for what is missing, so that no second one races it for dpkg's lock:
# Chromium for these tests, and jq for the docs' walkthroughs (tests/tests/walkthroughs.rs).
install_system_packages() {
  local packages=()
  [ -x "$CHROMIUM" ] || packages+=(chromium fonts-liberation)
  command -v jq >/dev/null || packages+=(jq)
  [ "${#packages[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing: ${packages[*]} (Chromium at $CHROMIUM, jq), and this is not root: run 'apt-get install ${packages[*]}' as root" >&2
    return 1
  fi
  echo "apt-get install ${packages[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null \
    || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null; }
  [ -x "$CHROMIUM" ] || { echo "apt-get installed chromium, but $CHROMIUM is still missing" >&2; return 1; }
}

install_system_packages
npm_ci_if_needed examples/web
[ "${1:-}" = --install ] && exit 0

# The tests' stack (clients/typescript/test/stack.ts) runs these, from CARGO_TARGET_DIR too.
bin_dir="${CARGO_TARGET_DIR:-target}/debug"
for bin in local-cognito local-server; do
  [ -x "$bin_dir/$bin" ] || { echo "$bin_dir/$bin is missing: cargo build -p local-server -p local-cognito" >&2; exit 1; }
done
rm -rf target/browser-screenshots
cd examples/web
# Type-check the app and its tests (Vite only strips types), then the walk.
node_modules/.bin/tsc --noEmit -p .
node_modules/.bin/playwright test
