# Sourced by the scripts that need an npm package's tools:
#   npm_ci_if_needed DIR  -> `npm ci` in DIR when its node_modules is missing or
#                            its package-lock.json changed since the last install.
npm_ci_if_needed() {
  local dir="$1" stamp="$1/node_modules/.lock-sha256" sum
  sum="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    return 0
  fi
  echo "npm ci in $dir"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$sum" >"$stamp"
}
