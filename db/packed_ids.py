"""The row ids an outbox row names, packed (schema step 18, issue 11).

Every write leaves outbox rows naming the rows it wrote (``db.uow``): an import of a city lists millions of
UUIDs. As JSON text each took 39 bytes — the outbox was 290 bytes an account-month of the demo town, more than the
balance snapshots. Our keys are UUIDv7 made in order (``bcenter.core.ids``): a batch's ids share their millisecond
prefix and count up within it, so their 16-byte forms deflate to about one byte each.

Packed form: one byte of format, then

* 1 — raw DEFLATE of the ids' 16-byte forms, one after another (every id a canonical lowercase UUID);
* 0 — the ids as JSON text, UTF-8 (anything else: a text key, an upper-case UUID — kept exactly as given).
"""
from __future__ import annotations

import json
import re
import zlib
from collections.abc import Sequence

__all__ = ["pack_ids", "unpack_ids"]

_UUIDS = re.compile(r"(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})*")


def pack_ids(ids: Sequence) -> bytes:
    """The ids as stored in ``outbox.packed_ids``."""
    if all(isinstance(i, str) and len(i) == 36 for i in ids):
        joined = "".join(ids)
        if _UUIDS.fullmatch(joined):
            return b"\x01" + zlib.compress(bytes.fromhex(joined.replace("-", "")), 6, -15)
    return b"\x00" + json.dumps(list(ids), ensure_ascii=False).encode("utf-8")


def unpack_ids(data: bytes | memoryview) -> list:
    """The ids of a packed list, as they were given to ``pack_ids``."""
    data = bytes(data)
    if data[:1] == b"\x01":
        h = zlib.decompress(data[1:], -15).hex()
        return [f"{h[i:i + 8]}-{h[i + 8:i + 12]}-{h[i + 12:i + 16]}-{h[i + 16:i + 20]}-{h[i + 20:i + 32]}"
                for i in range(0, len(h), 32)]
    if data[:1] == b"\x00":
        return json.loads(data[1:].decode("utf-8"))
    raise ValueError(f"список строк очереди синхронизации в неизвестном формате {data[:1]!r}: обновите bcenter")
