"""Exit codes shared by the command line and the window, so scripts can tell them apart."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    # `check` found problems in the file or its change log.
    PROBLEMS = 1
    # An argument or value was refused, a record was not found, or the
    # passphrase is missing or wrong; nothing was saved.
    BAD_INPUT = 2
    # The database (or another file ceapp needs) cannot be used as it is.
    STORE = 3
    # A bug: ceapp met a problem it has no message for.
    INTERNAL = 4
    # The shell's convention for a program stopped by Ctrl+C (128 + SIGINT).
    INTERRUPTED = 130
