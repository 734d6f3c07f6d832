"""The `ceapp` entry point (as Anki's `anki` script starts in aqt).

With a command it hands over to ceapp.cli and never loads Qt, so the CLI
starts fast and works on machines without a display. With no command, or
`gui`, it opens the window.
"""

from __future__ import annotations

import sys

# Global options that take a value, so their value is not mistaken for a command.
_VALUE_OPTIONS = {"--db", "--passphrase-file"}
_CLI_ONLY_FLAGS = {"-h", "--help", "--version"}


def first_command(argv: list[str]) -> str | None:
    skip_value = False
    for token in argv:
        if skip_value:
            skip_value = False
        elif token in _VALUE_OPTIONS:
            skip_value = True
        elif not token.startswith("-"):
            return token
    return None


def wants_window(argv: list[str]) -> bool:
    command = first_command(argv)
    if command is None:
        return not _CLI_ONLY_FLAGS.intersection(argv)
    return command == "gui"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # Both paths check arguments in ceapp.cli, which never loads Qt, so a bad
    # argument gets the same one-line message whether or not a window follows.
    from ceapp.cli import main as cli_main
    from ceapp.cli import window_arguments

    if not wants_window(argv):
        return cli_main(argv)
    args = window_arguments(argv)
    if isinstance(args, int):
        return args
    # Imported here, not at the top: the CLI path must never load Qt.
    from ui.app import run

    return run(
        db=args.db,
        passphrase_file=args.passphrase_file,
        screenshot=getattr(args, "screenshot", None),
        page=getattr(args, "page", None),
        event=getattr(args, "event", None),
    )


def gui_main() -> int:
    """The gui-script entry point (no console window on Windows)."""
    return main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
