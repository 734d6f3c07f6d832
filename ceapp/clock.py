"""Hybrid logical clock stamps for the change log.

See docs/architecture.md, "Change log and clock".

A stamp is a string that sorts in causal order across laptops:

    2026-11-23T09:15:02.123Z-0000-9f3c2a1b7d6e5f40
    wall time (UTC, ms)      count node

Comparing two stamps as strings compares wall time, then the counter, then
the node id, so the highest stamp wins a conflict the same way everywhere.
The format is Actual Budget's, whose merge we follow.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

STAMP_PATTERN = re.compile(
    r"^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z)-([0-9a-f]{4})-([0-9a-f]{16})$"
)
MAX_COUNTER = 0xFFFF
# Refuse to follow a remote clock more than this far ahead of ours: one bad
# laptop clock must not drag every stamp into the future.
MAX_DRIFT_MS = 24 * 60 * 60 * 1000


@lru_cache(maxsize=1024)
def _wall_text(seconds: int) -> str:
    # Formatting the date is the slow part, and stamps come many per second.
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.")


def format_stamp(millis: int, counter: int, node: str) -> str:
    return f"{_wall_text(millis // 1000)}{millis % 1000:03d}Z-{counter:04x}-{node}"


def parse_stamp(stamp: str) -> tuple[int, int, str]:
    """Return (millis, counter, node); ValueError if the stamp is malformed."""
    match = STAMP_PATTERN.match(stamp)
    if not match:
        raise ValueError(f"not a clock stamp: {stamp!r}")
    wall, counter, node = match.groups()
    return _epoch_second(wall[:19]) * 1000 + int(wall[20:23]), int(counter, 16), node


@lru_cache(maxsize=4096)
def _epoch_second(text: str) -> int:
    # Parsing the date is the slow part, and a log holds many stamps per second
    # (migration 5 parses every one).
    return int(datetime.strptime(text, "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC).timestamp())


@dataclass
class HybridClock:
    node: str
    millis: int = 0
    counter: int = 0
    wall_clock: object = None  # callable returning ms; tests pin it

    def now_ms(self) -> int:
        """This computer's time in milliseconds (or the pinned clock's, in tests)."""
        if self.wall_clock is not None:
            return int(self.wall_clock())
        return time.time_ns() // 1_000_000

    def observe(self, stamp: str, *, remote: bool = True) -> None:
        """Move past a stamp seen in the log, ours or another laptop's.

        Our own last stamp is always accepted, even if this computer's clock
        has since been put back: refusing it would stop every write.
        """
        millis, counter, _node = parse_stamp(stamp)
        self.observe_parts(millis, counter, remote=remote)

    def observe_parts(self, millis: int, counter: int, *, remote: bool = True) -> None:
        if remote and millis - self.now_ms() > MAX_DRIFT_MS:
            stamp = format_stamp(millis, counter, self.node)
            raise ValueError(f"clock stamp {stamp} is more than a day ahead of this computer")
        if (millis, counter) > (self.millis, self.counter):
            self.millis, self.counter = millis, counter

    def tick(self) -> str:
        """A new stamp, greater than every stamp this clock has made or observed."""
        self.advance()
        return format_stamp(self.millis, self.counter, self.node)

    def tick_parts(self) -> tuple[int, int]:
        """Like tick(), as (milliseconds, counter): what the change log stores."""
        self.advance()
        return self.millis, self.counter

    def advance(self) -> None:
        now = self.now_ms()
        if now > self.millis:
            self.millis, self.counter = now, 0
        else:
            self.counter += 1
            if self.counter > MAX_COUNTER:
                # 65,536 changes in one millisecond: borrow the next one.
                self.millis, self.counter = self.millis + 1, 0

    def last(self) -> str:
        return format_stamp(self.millis, self.counter, self.node)
