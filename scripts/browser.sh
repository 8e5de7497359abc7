#!/usr/bin/env bash
# Signs in inside Swagger UI, in a real browser: starts the server on SQLite,
# opens /docs in Debian's Chromium driven by playwright-core
# (scripts/browser.mjs), executes POST /v1/auth/register then GET /v1/me
# through "Try it out" / "Execute", checks /v1/me answered 200 with the
# registered email without a token being copied anywhere, reloads and
# executes GET /v1/me again (the sign-in persists). Exits non-zero on any
# failure.
# Needs Node.js; installs Debian's `chromium` if it is missing, and the
# pinned playwright-core into ~/.cache/followup-playwright on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

playwright_version="1.65.1"
prefix="${FOLLOWUP_PLAYWRIGHT_PREFIX:-$HOME/.cache/followup-playwright}"
chromium="${FOLLOWUP_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$chromium" ] && [ -z "${FOLLOWUP_CHROMIUM:-}" ]; then
    echo "installing Debian's chromium" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo=sudo
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
if [ ! -x "$chromium" ]; then
    echo "no Chromium at $chromium: apt-get install chromium (or set FOLLOWUP_CHROMIUM)" >&2
    exit 1
fi
installed="$(node -p "require('$prefix/node_modules/playwright-core/package.json').version" 2>/dev/null || true)"
if [ "$installed" != "$playwright_version" ]; then
    npm install --silent --no-audit --no-fund --prefix "$prefix" "playwright-core@$playwright_version"
fi

work="$(mktemp -d)"
server=""
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${FOLLOWUP_BIN:-}" ]; then
    cargo build --quiet
    FOLLOWUP_BIN="${CARGO_TARGET_DIR:-target}/debug/followup"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
FOLLOWUP_JWT_SECRET="browser-secret-browser-secret-browser-0123" \
    "$FOLLOWUP_BIN" serve --listen "127.0.0.1:$port" \
    --database-url "sqlite://$work/browser.db" --log-level warn >"$work/server.log" 2>&1 &
server=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 50); do curl -fsS "$base/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
if ! curl -fsS "$base/healthz" >/dev/null 2>&1; then
    echo "the server did not start:" >&2
    cat "$work/server.log" >&2
    exit 1
fi

FOLLOWUP_PLAYWRIGHT_PREFIX="$prefix" FOLLOWUP_CHROMIUM="$chromium" \
    timeout 180 node scripts/browser.mjs "$base"
