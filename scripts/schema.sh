#!/usr/bin/env bash
# Regenerates crates/store/src/schema.rs from the migrations: applies them to
# a fresh SQLite database and prints its schema with diesel_cli (installed
# from crates.io if missing). With --check, fails when the committed file
# differs instead of writing it.
# Usage: scripts/schema.sh [--check]
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v diesel >/dev/null; then
    cargo install diesel_cli --version '~2.3' --no-default-features --features sqlite-bundled --locked
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
diesel migration run --config-file diesel.toml --database-url "$work/schema.db" >/dev/null
diesel print-schema --config-file diesel.toml --database-url "$work/schema.db" >"$work/schema.rs"

if [ "${1:-}" = "--check" ]; then
    if ! diff -u crates/store/src/schema.rs "$work/schema.rs"; then
        echo "crates/store/src/schema.rs is out of step with migrations/: run scripts/schema.sh" >&2
        exit 1
    fi
    echo "schema.rs matches the migrations"
else
    cp "$work/schema.rs" crates/store/src/schema.rs
    echo "wrote crates/store/src/schema.rs"
fi
