"""Schemathesis hooks for scripts/fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

`POST /v1/inbox` takes a raw e-mail as `message/rfc822` (a binary string in
the spec); schemathesis has no serializer of its own for that media type,
so its bodies are sent as raw bytes, exactly as `application/octet-stream`
ones are.

`fields` (a sparse field set, docs/payloads.md) is left out of the
generated queries: by design its answers hold fewer properties than the
item's schema requires, which the schema cannot say. What it returns is
tested in tests/api/payloads.rs.

`problem_codes` is a check of its own, run with every other: every
`application/problem+json` response has a stable `code`, and every entry of
its `errors` a `code` and `params` (docs/errors.md) — over the whole fuzzed
corpus, so no error path of the server is left without one.
"""

import json
import re

import schemathesis

schemathesis.serializer.alias("message/rfc822", "application/octet-stream")


@schemathesis.hook
def before_call(ctx, case, kwargs):
    """No sparse field sets (generated or from the spec's examples): their
    items are partial by design."""
    if isinstance(case.query, dict):
        case.query.pop("fields", None)

CODE = re.compile(r"^[a-z][a-z0-9_]*$")
# Words of Rust's type names a message must never show.
RUST = re.compile(r"\b(i8|i16|i32|i64|u8|u16|u32|u64|usize|isize|f64|NaiveDate|DateTime)\b")


@schemathesis.check
def problem_codes(ctx, response, case):
    """Every problem has `code`; every field error `code` and `params`."""
    content_type = (response.headers.get("content-type") or [""])[0]
    if not content_type.startswith("application/problem+json") or not response.content:
        return None
    try:
        problem = json.loads(response.content)
    except ValueError as err:
        raise AssertionError(f"a problem+json body that is not JSON: {err}") from None
    if not isinstance(problem, dict):
        raise AssertionError(f"a problem that is not an object: {problem!r}")
    code = problem.get("code")
    if not isinstance(code, str) or not CODE.match(code):
        raise AssertionError(f"a problem without a snake_case `code`: {problem!r}")
    errors = problem.get("errors", [])
    if not isinstance(errors, list):
        raise AssertionError(f"`errors` is not a list: {problem!r}")
    for error in errors:
        if not isinstance(error, dict):
            raise AssertionError(f"a field error that is not an object: {error!r}")
        if not isinstance(error.get("code"), str) or not CODE.match(error["code"]):
            raise AssertionError(f"a field error without a snake_case `code`: {error!r}")
        if not isinstance(error.get("params"), dict):
            raise AssertionError(f"a field error without `params`: {error!r}")
        if RUST.search(error.get("message", "")):
            raise AssertionError(f"a field error naming a Rust type: {error!r}")
    if RUST.search(problem.get("detail") or ""):
        raise AssertionError(f"a problem naming a Rust type: {problem!r}")
    return None
