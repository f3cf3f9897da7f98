"""Several processes on one SQLite store: nothing lost, and a killed writer breaks nothing.

The writers are separate interpreters (tests/persistence/writer.py), as gunicorn's workers are.
"""
from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from skill.stores.sqlite import SqlitePersistenceAdapter
from tests.persistence.support import envelope

REPO_ROOT = Path(__file__).resolve().parents[2]
RECORDS_PER_WRITER = 1000


_STARTED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def no_writer_outlives_its_test():
    yield
    while _STARTED:
        proc = _STARTED.pop()
        if proc.poll() is None:
            proc.kill()
        proc.wait(30)
        for stream in (proc.stdin, proc.stdout):
            stream.close()


def start_writer(path, prefix, count, *extra) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.persistence.writer", str(path), prefix, str(count), *extra],
        cwd=REPO_ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    _STARTED.append(proc)
    return proc


def go(*writers: subprocess.Popen) -> None:
    """Release the writers together, once every one has started up."""
    for writer in writers:
        assert writer.stdout.readline() == "ready\n"
    for writer in writers:
        writer.stdin.write("go\n")
        writer.stdin.flush()


def read_back(path) -> dict[str, dict]:
    """Every record in the store, read by a fresh adapter (a new connection, as after a restart)."""
    with sqlite3.connect(path) as db:
        users = [row[0] for row in db.execute("SELECT id FROM aftercare_users")]
    adapter = SqlitePersistenceAdapter(path)
    try:
        return {user: adapter.get_attributes(envelope(user)) for user in users}
    finally:
        adapter.close()


def integrity(path) -> str:
    with sqlite3.connect(path) as db:
        return db.execute("PRAGMA integrity_check").fetchone()[0]


@pytest.mark.parametrize("writers", [2, 4])
def test_writers_at_once_lose_nothing(store_path, report, writers):
    # A fresh store: the writers also race to create the folder, the file, WAL mode and the table.
    procs = [start_writer(store_path, f"w{k}", RECORDS_PER_WRITER) for k in range(writers)]
    started = time.monotonic()
    go(*procs)
    acked, spans = {}, []
    for k, proc in enumerate(procs):
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 0
        lines = out.splitlines()
        assert lines[-1].startswith("done ")
        acked[f"w{k}"] = sum(line.startswith("ok ") for line in lines)
        spans.append((float(lines[0].split()[1]), float(lines[-1].split()[1])))
    seconds = time.monotonic() - started
    # "At once": every writer was released before every other had finished its writes.
    assert all(start < end for start, _ in spans for _, end in spans)

    stored = read_back(store_path)
    expected = {f"w{k}-{i}" for k in range(writers) for i in range(RECORDS_PER_WRITER)}
    assert set(stored) == expected
    assert all(stored[f"w{k}-{i}"]["i"] == i for k in range(writers) for i in range(RECORDS_PER_WRITER))
    assert integrity(store_path) == "ok"
    # How often the writer changes in commit order: SQLite's lock is not fair, so a writer
    # saving back to back can keep it for a long run while the others wait.
    with sqlite3.connect(store_path) as db:
        order = [row[0].split("-")[0] for row in db.execute(
            "SELECT id FROM aftercare_users ORDER BY rowid")]
    switches = sum(a != b for a, b in zip(order, order[1:]))
    report(f"{writers} writers x {RECORDS_PER_WRITER}: {sum(acked.values())} records written "
           f"(acknowledged), {len(stored)} read back, {len(expected - set(stored))} lost; "
           f"writer changed {switches} times in commit order; {seconds:.1f} s")


def kill_after(path, prefix, acks: int) -> int:
    """Start a stream of writes, SIGKILL it after `acks` committed saves; return the number
    of saves acknowledged as committed before the kill."""
    proc = start_writer(path, prefix, 1_000_000, "--pad", "3000")
    go(proc)
    committed = 0
    for line in proc.stdout:
        if line.startswith("ok "):
            committed = int(line.split()[1]) + 1
        if committed >= acks:
            os.kill(proc.pid, signal.SIGKILL)
            break
    # On a loaded machine the writer goes on saving between our reading its ack and the
    # kill landing: those saves were acknowledged too, in lines still in the pipe.
    for line in proc.stdout:
        if line.startswith("ok "):
            committed = int(line.split()[1]) + 1
    proc.wait(30)
    assert proc.returncode == -signal.SIGKILL
    return committed


def test_a_writer_killed_mid_stream_leaves_every_commit_readable(store_path, report):
    # Kills at different points of a stream of ~3 KB records; the writer spends most of its
    # time inside save, so most kills land in the middle of one.
    results = []
    for round_, acks in enumerate([1, 37, 200, 555, 901]):
        prefix = f"k{round_}"
        committed = kill_after(store_path, prefix, acks)
        assert integrity(store_path) == "ok"
        stored = read_back(store_path)
        mine = {user for user in stored if user.startswith(prefix + "-")}
        missing = {f"{prefix}-{i}" for i in range(committed)} - mine
        assert not missing, f"committed before the kill but lost: {sorted(missing)[:5]}"
        # At most the save in flight may be there too, if its COMMIT beat the kill.
        assert len(mine) in (committed, committed + 1)
        results.append((committed, len(mine)))
    # The store still takes writes from a new process after all those kills.
    adapter = SqlitePersistenceAdapter(store_path)
    adapter.save_attributes(envelope("after"), {"ok": True})
    assert adapter.get_attributes(envelope("after")) == {"ok": True}
    report("committed before kill / read back per round: "
           + ", ".join(f"{c}/{r}" for c, r in results)
           + f"; totals {sum(c for c, _ in results)}/{sum(r for _, r in results)}")


def test_a_writer_killed_inside_its_transaction(store_path, report):
    proc = start_writer(store_path, "t", 1000, "--hang-at", "250", "--pad", "3000")
    go(proc)
    committed = 0
    for line in proc.stdout:
        if line.startswith("ok "):
            committed += 1
        elif line.startswith("inside "):
            break  # record 250 is written but not committed; its write lock is held
    # Another process is kept waiting meanwhile: the lock is real.
    blocked = SqlitePersistenceAdapter(store_path, busy_timeout=0.2)
    with pytest.raises(Exception, match="locked"):
        blocked.save_attributes(envelope("meanwhile"), {"x": 1})
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(30)

    assert integrity(store_path) == "ok"
    stored = read_back(store_path)
    assert set(stored) == {f"t-{i}" for i in range(committed)}, "uncommitted record rolled back"
    blocked.save_attributes(envelope("meanwhile"), {"x": 1})  # the dead writer's lock is gone
    report(f"killed inside the write transaction of record {committed}: {committed} records "
           f"committed before the kill, {len(stored)} read back, the uncommitted one absent")
