"""A separate process that writes records to a SQLite store, for the concurrency tests.

    python -m tests.persistence.writer PATH PREFIX COUNT [--pad BYTES] [--hang-at N]

Prints "ready" and waits for a line on stdin, so several writers start together. Then it
prints "start T" (T from CLOCK_MONOTONIC, one clock for every process), saves COUNT records
under user ids PREFIX-0, PREFIX-1, ..., printing "ok I" once each save has returned
(committed), and ends with "done T". With --hang-at N, record N's save stops inside its open
write transaction and prints "inside N", for a test to kill it there.
"""
from __future__ import annotations

import argparse
import sys
import time

from skill.stores.sqlite import SqlitePersistenceAdapter
from tests.persistence.support import envelope


class HangingAdapter(SqlitePersistenceAdapter):
    hang_at: str | None = None

    def _purge_expired(self, db, now):
        # Runs inside save's transaction, after the row is written and before COMMIT.
        super()._purge_expired(db, now)
        if self.hang_at is not None and self._current == self.hang_at:
            print(f"inside {self._current}", flush=True)
            time.sleep(600)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("path")
    parser.add_argument("prefix")
    parser.add_argument("count", type=int)
    parser.add_argument("--pad", type=int, default=0)
    parser.add_argument("--hang-at", type=int)
    args = parser.parse_args()

    adapter = HangingAdapter(args.path)
    if args.hang_at is not None:
        adapter.hang_at = f"{args.prefix}-{args.hang_at}"
    print("ready", flush=True)
    sys.stdin.readline()
    print(f"start {time.monotonic()}", flush=True)  # CLOCK_MONOTONIC: one clock for all processes
    for i in range(args.count):
        user = f"{args.prefix}-{i}"
        adapter._current = user
        adapter.save_attributes(envelope(user), {"i": i, "writer": args.prefix,
                                                 "pad": "x" * args.pad})
        print(f"ok {i}", flush=True)
    print(f"done {time.monotonic()}", flush=True)


if __name__ == "__main__":
    main()
