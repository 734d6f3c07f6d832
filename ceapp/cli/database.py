"""CLI commands about the database as a whole: init, demo, fingerprint, check."""

from __future__ import annotations

import argparse
import sys
import time

from ceapp import events
from ceapp.cli.output import print_json
from ceapp.exit_codes import ExitCode
from ceapp.fingerprint import fingerprint
from ceapp.i18n import _, ngettext
from ceapp.integrity import check
from ceapp.store import Store
from ceapp.validation import escape


def init(store: Store, args: argparse.Namespace) -> int:
    # The path is as typed: it may hold characters that would drive the terminal.
    print(
        _("Database ready: {path} (schema {version}, installation {node})").format(
            path=escape(store.path), version=store.schema_version, node=store.node
        )
    )
    if store.backup_path:
        print(_("A copy was saved before upgrading: {path}").format(path=escape(store.backup_path)))
    return ExitCode.OK


def _progress_printer():
    """Report progress on a terminal only; logs and pipes get the summary alone."""
    if not sys.stderr.isatty():
        return None
    started = time.monotonic()

    def report(done: int, total: int) -> None:
        elapsed = time.monotonic() - started
        sys.stderr.write(
            "\r"
            + _("Events: {done} of {total} ({seconds:.0f} s)").format(
                done=done, total=total, seconds=elapsed
            )
        )
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()

    return report


def make_demo(store: Store, args: argparse.Namespace) -> int:
    # Imported here: the generator and its word lists take longer to load
    # than most commands take to run.
    from ceapp import demo

    if args.if_empty and events.count_events(store):
        print(_("The database already has events; no demo data added."))
        return ExitCode.OK
    started = time.monotonic()
    counts = demo.generate(
        store, seed=args.seed, events=args.events, until=args.until, progress=_progress_printer()
    )
    seconds = time.monotonic() - started
    total = sum(counts.values())
    print(
        ngettext(
            "Demo data: {count} record written in {seconds:.1f} s",
            "Demo data: {count} records written in {seconds:.1f} s",
            total,
        ).format(count=total, seconds=seconds)
    )
    for table, count in sorted(counts.items()):
        print(f"  {table}: {count}")
    return ExitCode.OK


def show_fingerprint(store: Store, args: argparse.Namespace) -> int:
    print(fingerprint(store))
    return ExitCode.OK


def save_backup(store: Store, args: argparse.Namespace) -> int:
    path = store.save_copy(args.out)
    print(_("Backup saved: {path}").format(path=escape(path)))
    return ExitCode.OK


def run_check(store: Store, args: argparse.Namespace) -> int:
    problems = check(store)
    if args.json:
        print_json({"ok": not problems, "problems": problems})
    elif problems:
        for problem in problems:
            print(problem)
    else:
        print(_("No problems found."))
    return ExitCode.PROBLEMS if problems else ExitCode.OK
