"""The `ceapp` entry point (as Anki's `anki` script starts in aqt).

With a command it hands over to ceapp.cli and never loads Qt, so the CLI
starts fast and works on machines without a display. With no command, or
`gui`, it opens the window.
"""

from __future__ import annotations

import argparse
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


def _window_arguments(argv: list[str]) -> argparse.Namespace:
    from ceapp.i18n import _

    parser = argparse.ArgumentParser(prog="ceapp", description=_("Open the ceapp window."))
    parser.add_argument("--db")
    parser.add_argument("--passphrase-file")
    parser.add_argument("command", nargs="?", choices=["gui"])
    parser.add_argument("--screenshot", help=_("save the window as a PNG and exit"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not wants_window(argv):
        from ceapp.cli import main as cli_main

        return cli_main(argv)
    args = _window_arguments(argv)
    # Imported here, not at the top: the CLI path must never load Qt.
    from ui.app import run

    return run(db=args.db, passphrase_file=args.passphrase_file, screenshot=args.screenshot)


def gui_main() -> int:
    """The gui-script entry point (no console window on Windows)."""
    return main(sys.argv[1:])


if __name__ == "__main__":
    sys.exit(main())
