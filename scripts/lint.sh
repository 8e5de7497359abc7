#!/usr/bin/env bash
# Lints openapi/openapi.json with Redocly CLI's `recommended` ruleset and
# fails on any error or warning (Redocly itself fails on errors only).
# Installs the pinned @redocly/cli into ~/.cache/followup-redocly on first
# use (needs Node.js >= 20.19 and the npm registry).
# Usage: scripts/lint.sh [SPEC]   (default openapi/openapi.json)
set -euo pipefail
cd "$(dirname "$0")/.."

redocly_version="2.77.0"
prefix="${FOLLOWUP_REDOCLY_PREFIX:-$HOME/.cache/followup-redocly}"
spec="${1:-openapi/openapi.json}"

installed="$(node -p "require('$prefix/node_modules/@redocly/cli/package.json').version" 2>/dev/null || true)"
if [ "$installed" != "$redocly_version" ]; then
    npm install --silent --no-audit --no-fund --prefix "$prefix" "@redocly/cli@$redocly_version"
fi

# No usage data sent, no update check.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true
redocly=("$prefix/node_modules/.bin/redocly" lint --extends recommended)

# Redocly exits non-zero on errors; the report says how many of each.
report="$("${redocly[@]}" --format json "$spec" 2>/dev/null)" || true
totals="$(node -e 'const { totals } = JSON.parse(require("fs").readFileSync(0, "utf8"));
    console.log(`${totals.errors} ${totals.warnings}`);' <<<"$report")" || {
    "${redocly[@]}" "$spec" || true
    echo "could not read Redocly's report" >&2
    exit 1
}
read -r errors warnings <<<"$totals"
if [ "$errors" != 0 ] || [ "$warnings" != 0 ]; then
    "${redocly[@]}" "$spec" 2>&1 | grep -v 'Deprecation warning\|[║╔╚]' || true
    echo "$spec: $errors errors and $warnings warnings by Redocly CLI $redocly_version (recommended)" >&2
    exit 1
fi
echo "$spec: 0 errors, 0 warnings by Redocly CLI $redocly_version (recommended)"
