#!/usr/bin/env bash
# Generated clients, proven: generates a Python client (openapi-python-client)
# and TypeScript types (openapi-typescript, used through openapi-fetch) from
# the committed openapi/openapi.json, starts the server on a fresh SQLite
# file, and runs examples/python/first_day.py and examples/typescript/
# first_day.ts against it: a seeker's first day through each generated
# client.
#
# The generators are pinned: examples/python/requirements.txt (installed in a
# venv under ~/.cache/followup-clients-py, or FOLLOWUP_CLIENTS_VENV) and
# examples/typescript/package-lock.json (`npm ci` into its node_modules).
# Both examples are type-checked against their generated code before they
# run: mypy --strict for Python, tsc --strict for TypeScript.
# Generated code goes to git-ignored folders (examples/.gitignore).
#
# Builds the server unless FOLLOWUP_BIN names a binary. Exits non-zero if
# generation warns about anything new, a type check fails, or either example
# fails. Usage: scripts/clients.sh
set -euo pipefail
if [ -n "${FOLLOWUP_BIN:-}" ]; then
    FOLLOWUP_BIN="$(realpath "$FOLLOWUP_BIN")"
fi
cd "$(dirname "$0")/.."
root="$PWD"

spec="$root/openapi/openapi.json"
py_dir="$root/examples/python"
ts_dir="$root/examples/typescript"
venv="${FOLLOWUP_CLIENTS_VENV:-$HOME/.cache/followup-clients-py}"

# What openapi-python-client may warn about: endpoints whose bodies it cannot
# model (a raw `message/rfc822` body; a roster import's `text/csv`, beside
# its JSON), which the examples do not use. Any
# other warning fails the run: the spec stopped generating cleanly.
known_py_warnings=$(
    cat <<'EOF'
WARNING parsing POST /v1/inbox within inbox. Endpoint will not be generated.
WARNING parsing POST /v1/inbox/inbound within inbox.
WARNING parsing POST /v1/orgs/{id}/members/import within organizations.
EOF
)

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
say() { printf '\n--- %s\n' "$*"; }

say "python: openapi-python-client (pinned in examples/python/requirements.txt)"
if ! cmp -s "$py_dir/requirements.txt" "$venv/.followup-requirements.txt" 2>/dev/null \
    || [ ! -x "$venv/bin/openapi-python-client" ]; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$py_dir/requirements.txt"
    cp "$py_dir/requirements.txt" "$venv/.followup-requirements.txt"
fi
"$venv/bin/openapi-python-client" --version

say "python: generate examples/python/generated/followup_client"
rm -rf "$py_dir/generated"
mkdir -p "$py_dir/generated"
# The venv's bin on PATH lets the generator's post-hooks find its ruff.
if ! PATH="$venv/bin:$PATH" "$venv/bin/openapi-python-client" generate --path "$spec" --meta none \
    --output-path "$py_dir/generated/followup_client" >"$work/py-gen.log" 2>&1; then
    cat "$work/py-gen.log" >&2
    echo "openapi-python-client failed on openapi/openapi.json" >&2
    exit 1
fi
warnings=$(grep -E '^(WARNING|ERROR)' "$work/py-gen.log" || true)
unknown=$(grep -vxF -f <(printf '%s\n' "$known_py_warnings") <<<"$warnings" || true)
if [ -n "$unknown" ]; then
    cat "$work/py-gen.log" >&2
    printf '\nopenapi-python-client warned about something new (above):\n%s\n' "$unknown" >&2
    exit 1
fi
printf 'generated %d modules; known warnings: %d endpoint(s) with a message/rfc822 body\n' \
    "$(find "$py_dir/generated/followup_client" -name '*.py' | wc -l)" "$(grep -c . <<<"$warnings" || true)"

say "python: type-check the example against the generated client (mypy --strict)"
# --follow-imports=silent: the generated modules are read for their types
# but not themselves held to --strict (the generator's own client.py is not).
(cd "$py_dir" && MYPYPATH=generated "$venv/bin/mypy" --strict --follow-imports=silent \
    --cache-dir "$work/mypy-cache" first_day.py)

say "typescript: npm ci (pinned in examples/typescript/package-lock.json)"
lock_sum="$(sha256sum "$ts_dir/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$ts_dir/node_modules/.followup-lock-sha256" 2>/dev/null || true)" != "$lock_sum" ]; then
    (cd "$ts_dir" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" >"$ts_dir/node_modules/.followup-lock-sha256"
fi
(cd "$ts_dir" && node -p '["openapi-typescript", "openapi-fetch", "typescript"]
    .map((p) => `${p} ${require(`./node_modules/${p}/package.json`).version}`).join(", ")')

say "typescript: generate examples/typescript/generated/api.d.ts, type-check and compile"
rm -rf "$ts_dir/generated" "$ts_dir/build"
(cd "$ts_dir" && npx --no-install openapi-typescript "$spec" --output generated/api.d.ts)
(cd "$ts_dir" && npx --no-install tsc -p tsconfig.json)
echo "tsc: no errors"

say "server"
if [ -z "${FOLLOWUP_BIN:-}" ]; then
    cargo build --quiet
    target_dir="${CARGO_TARGET_DIR:-target}"
    case "$target_dir" in /*) ;; *) target_dir="$root/$target_dir" ;; esac
    FOLLOWUP_BIN="$target_dir/debug/followup"
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
FOLLOWUP_JWT_SECRET="clients-secret-clients-secret-clients-0123" \
    "$FOLLOWUP_BIN" serve --listen "127.0.0.1:$port" --database-url "sqlite://$work/clients.db" \
    --log-level warn >"$work/server.log" 2>&1 &
server=$!
export FOLLOWUP_BASE_URL="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
    curl -fsS "$FOLLOWUP_BASE_URL/healthz" >/dev/null 2>&1 && break
    kill -0 "$server" 2>/dev/null || break
    sleep 0.2
done
if ! curl -fsS "$FOLLOWUP_BASE_URL/healthz" >/dev/null 2>&1; then
    cat "$work/server.log" >&2
    echo "the server did not come up on $FOLLOWUP_BASE_URL" >&2
    exit 1
fi
echo "listening on $FOLLOWUP_BASE_URL ($FOLLOWUP_BIN)"

passed=0
failed=0
run() {
    local name="$1"
    shift
    say "$name"
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "$name: FAILED" >&2
    fi
}
run "python example" env PYTHONPATH="$py_dir/generated" PYTHONDONTWRITEBYTECODE=1 \
    "$venv/bin/python" "$py_dir/first_day.py"
run "typescript example" node "$ts_dir/build/first_day.js"

if [ "$failed" -ne 0 ]; then
    printf '\n--- server log (tail)\n' >&2
    tail -n 40 "$work/server.log" >&2
fi
printf '\nclients: %d passed, %d failed\n' "$passed" "$failed"
[ "$failed" -eq 0 ]
