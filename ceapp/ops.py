"""What an op in the change log is: its kinds and its canonical text (log_encoding.py stores it)."""

from __future__ import annotations

import json

CREATE, SET, DELETE = "create", "set", "delete"

# One encoder for every op: json.dumps would build a new one per call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value) -> str:
    return _CANONICAL.encode(value)
