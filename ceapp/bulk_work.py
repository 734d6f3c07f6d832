"""Settings for the few operations that write hundreds of thousands of rows at once.

The demo generator and a sync import hold many Python objects and write
many pages; two defaults that suit everything else cost them dearly.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

from ceapp.store import Store

# SQLite's default cache is 2 MB: each batch of a big write would evict the
# index pages the next batch needs.
LARGE_CACHE_KIB = 256 * 1024


@contextlib.contextmanager
def large_page_cache(store: Store, kib: int = LARGE_CACHE_KIB) -> Iterator[None]:
    previous = store.scalar("PRAGMA cache_size")
    store.conn.execute(f"PRAGMA cache_size = -{kib}")
    try:
        yield
    finally:
        store.conn.execute(f"PRAGMA cache_size = {int(previous)}")


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the length of the work.

    It runs after every few hundred new containers and, in its oldest
    generation, walks every object alive: with a million op tuples held it
    took half of an import's time, for cycles these operations never make.
    What they leave behind is freed by reference counting as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
