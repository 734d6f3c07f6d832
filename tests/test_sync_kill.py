"""An import killed at any moment leaves the database as it was before, or as after: never between.

`ceapp sync import` merges every bundle in one transaction. Here a real
process importing a few thousand changes is killed with SIGKILL (no clean-up
of any kind runs) at several moments: at fixed fractions of the time a full
import takes, and when its -wal file is seen growing (it is holding the write
lock and writing pages of the transaction). After each kill, `ceapp check`
finds nothing wrong and the fingerprint is exactly the one before the import
or exactly the one a complete import gives; a kill that left "before" is
followed by a complete import that reaches "after". The note that the
bundle was imported (table sync_imported, which spares reading it again)
and the sender's marks go in the same transaction: a kill leaves both with
the records, or neither.

Whether each kill lands in the middle of the writing depends on the
machine's speed; the test passes either way, and prints where they landed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from cli_run import cli_ok as _ok
from cli_run import file_fingerprint as _fingerprint
from cli_run import run_cli as _cli

from ceapp.store import open_store
from ceapp.sync import bundle as bundle_file

# Enough changes that the import's transaction takes a few hundred ms.
EVENTS = 300
# Kills at these fractions of a full import's running time, counted from the start of the process.
TIME_FRACTIONS = (0.15, 0.35, 0.55, 0.7, 0.85, 0.95)
# Kills once the -wal file holds this fraction of what a full import writes to it.
WAL_FRACTIONS = (0.02, 0.5, 0.97)
POLL = 0.0005
TIMEOUT = 60


def _wal_size(db: Path) -> int:
    try:
        return os.path.getsize(f"{db}-wal")
    except FileNotFoundError:
        return 0


def _start_import(db: Path, bundle: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "ceapp", "--db", str(db), "sync", "import", str(bundle)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


@dataclass(frozen=True)
class World:
    template: Path
    bundle: Path
    # The bundle's ops digest, which a receiver notes once it imported them.
    digest: str
    before: str
    after: str
    # A full import, as measured once: seconds from start to exit, and the -wal's largest size.
    seconds: float
    wal_peak: int


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> World:
    folder = tmp_path_factory.mktemp("sync-kill")
    sender, template = folder / "sender.db", folder / "template.db"
    _ok("--db", sender, "demo", "--events", EVENTS, "--until", "2026-01-31")
    _ok("--db", sender, "sync", "id", "--out", folder / "sender.pub")
    _ok("--db", template, "init")
    _ok("--db", template, "sync", "trust", folder / "sender.pub", "--name", "Laptop A")
    bundle = folder / "bundle.zip"
    _ok("--db", sender, "sync", "export", "--out", bundle)
    # The receiver has no key of its own, so a copy of it anywhere is the
    # same database (a copy of a keyed one would be given a new identity).
    reference = folder / "reference" / "receiver.db"
    reference.parent.mkdir()
    shutil.copy(template, reference)
    started = time.monotonic()
    process = _start_import(reference, bundle)
    wal_peak = 0
    while process.poll() is None:
        wal_peak = max(wal_peak, _wal_size(reference))
        time.sleep(POLL)
    seconds = time.monotonic() - started
    assert process.returncode == 0, process.stderr.read().decode()
    process.stderr.close()
    after = _fingerprint(reference)
    assert after == _fingerprint(sender)
    with zipfile.ZipFile(bundle) as archive:
        manifest = json.loads(archive.read(bundle_file.MANIFEST))
    digest = manifest["members"][bundle_file.OPS]["sha256"]
    assert _sync_state(reference, digest) == (True, True)
    assert _sync_state(template, digest) == (False, False)
    return World(
        template=template,
        bundle=bundle,
        digest=digest,
        before=_fingerprint(template),
        after=after,
        seconds=seconds,
        wal_peak=wal_peak,
    )


def _sync_state(db: Path, digest: str) -> tuple[bool, bool]:
    """(the bundle is noted as imported, the sender's marks are remembered)."""
    with open_store(str(db)) as store:
        imported = store.scalar("SELECT 1 FROM sync_imported WHERE digest = ?", (digest,))
        marks = store.scalar("SELECT count(*) FROM sync_peers")
    return imported is not None, bool(marks)


def _kill(process: subprocess.Popen) -> bool:
    """SIGKILL the import if it is still running; True if it was."""
    alive = process.poll() is None
    if alive:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=TIMEOUT)
    process.stderr.close()
    return alive and process.returncode == -signal.SIGKILL


def _after_a_kill(world: World, db: Path, plan: str) -> str:
    """The state the killed import left: checked, and named "before" or "after"."""
    code, out, err = _cli("--db", db, "check")
    assert code == 0, f"{plan}: `ceapp check` after the kill: {out}{err}"
    found = _fingerprint(db)
    assert found in (world.before, world.after), f"{plan}: a half-made import survived the kill"
    state = "before" if found == world.before else "after"
    noted = (True, True) if state == "after" else (False, False)
    assert _sync_state(db, world.digest) == noted, f"{plan}: records {state}, but not the notes"
    return state


def test_a_killed_import_leaves_the_database_before_or_after(world, tmp_path):
    assert world.before != world.after
    plans = [("time", fraction) for fraction in TIME_FRACTIONS]
    plans += [("wal", fraction) for fraction in WAL_FRACTIONS]
    landed = []
    completed_after_kill = 0
    for index, (kind, fraction) in enumerate(plans):
        db = tmp_path / f"kill-{index}" / "receiver.db"
        db.parent.mkdir()
        shutil.copy(world.template, db)
        plan = f"kill at {fraction:.0%} of the {'time' if kind == 'time' else '-wal'}"
        started = time.monotonic()
        process = _start_import(db, world.bundle)
        if kind == "time":
            time.sleep(max(0.0, world.seconds * fraction - (time.monotonic() - started)))
        else:
            threshold = max(1, int(world.wal_peak * fraction))
            deadline = started + TIMEOUT
            while (
                process.poll() is None and _wal_size(db) < threshold and time.monotonic() < deadline
            ):
                time.sleep(POLL)
        wal_at_kill = _wal_size(db)
        killed = _kill(process)
        state = _after_a_kill(world, db, plan)
        landed.append((plan, killed, wal_at_kill > 0, state))
        if state == "before" and killed and wal_at_kill > 0 and completed_after_kill < 2:
            # Killed while writing: the next import must still do everything
            # (it must not take the bundle for one imported before).
            _ok("--db", db, "sync", "import", world.bundle)
            assert _fingerprint(db) == world.after, f"{plan}: the import after the kill"
            assert _sync_state(db, world.digest) == (True, True)
            completed_after_kill += 1
    print(f"\nA full import: {world.seconds:.2f} s, -wal up to {world.wal_peak // 1024} KB")
    for plan, killed, writing, state in landed:
        when = "while writing" if killed and writing else "while running" if killed else "too late"
        print(f"  {plan:<24} {when:<14} -> {state}")
    # A kill 15% into a run that takes hundreds of ms cannot miss the process
    # (even on a slow machine the reference run is slow too).
    assert any(killed for _plan, killed, _writing, _state in landed)
