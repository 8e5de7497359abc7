"""Schemathesis hooks for scripts/fuzz.sh (loaded through SCHEMATHESIS_HOOKS).

`POST /v1/inbox` takes a raw e-mail as `message/rfc822` (a binary string in
the spec); schemathesis has no serializer of its own for that media type,
so its bodies are sent as raw bytes, exactly as `application/octet-stream`
ones are.
"""

import schemathesis

schemathesis.serializer.alias("message/rfc822", "application/octet-stream")
