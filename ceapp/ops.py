"""What an op in the change log is: its kinds, its canonical text and its id."""

from __future__ import annotations

import hashlib
import json

CREATE, SET, DELETE = "create", "set", "delete"

# One encoder for every op: json.dumps would build a new one per call.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def canonical_json(value) -> str:
    return _CANONICAL.encode(value)


def op_id(*, table: str, row_id: str, kind: str, field, value_json, stamp: str, base=None) -> str:
    # The stamp ends with the node id, so the node is part of the hash too.
    # Ops written before bases existed hash without one, and keep their ids.
    parts = [table, row_id, kind, field, value_json, stamp]
    if base is not None:
        parts.append(base)
    canonical = canonical_json(parts)
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]
