"""The SQLite store: one file, safe with several gunicorn worker processes.

Kept apart from skill/stores/__init__.py so that a deployment on DynamoDB never imports sqlite3.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import random
import sqlite3
import threading
import time
from pathlib import Path
from typing import Callable, Iterator, Mapping

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from .records import (BUSY_TIMEOUT_SECONDS, DEFAULT_TABLE, DEFAULT_TTL_ATTRIBUTE, _IDENTIFIER,
                      expiry_of, user_id_keygen)

log = logging.getLogger(__name__)

# Where the file lives is decided here, beside the store, so that choosing a store on Lambda
# (skill/stores/__init__.py) needs no pathlib at cold start.
APP_DIR_NAME = "needling-aftercare"


def default_sqlite_path(environ: Mapping[str, str] = os.environ) -> Path:
    """$XDG_DATA_HOME/needling-aftercare/store.sqlite3, else under ~/.local/share."""
    # The XDG spec says a relative XDG_DATA_HOME is invalid and to be ignored.
    xdg = environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else _home(environ) / ".local" / "share"
    return base / APP_DIR_NAME / "store.sqlite3"


def _home(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("HOME") or os.path.expanduser("~"))


def sqlite_path(environ: Mapping[str, str]) -> Path:
    path = environ.get("AFTERCARE_SQLITE_PATH", "").strip()
    if not path:
        return default_sqlite_path(environ)
    if path == "~" or path.startswith("~/"):
        path = str(_home(environ)) + path[1:]
    # Absolute now: a worker that changes directory later must not move the store.
    return Path(path).absolute()


# SQLite connections must not cross fork(): a gunicorn worker forked from a master that
# already used the store gets its own. The inherited one is kept referenced, never closed,
# because closing it in the child would act on lock and WAL state that belongs to the parent.
_INHERITED_CONNECTIONS: list[sqlite3.Connection] = []

# While a writer waits for the write lock, it tries again after a pause drawn from this range
# (seconds). SQLite's own busy handler backs off to 100 ms between tries, while the writer
# holding the lock commits within milliseconds and, saving again, takes it straight back: under
# load a waiting writer could miss every gap for its whole timeout ("database is locked").
LOCK_RETRY_PAUSE = (0.0005, 0.003)


def _busy(error: sqlite3.OperationalError) -> bool:
    # The extended codes too: SQLITE_BUSY_RECOVERY, _SNAPSHOT and _TIMEOUT are all "try again".
    return error.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY


class SqlitePersistenceAdapter(AbstractPersistenceAdapter):
    """Attributes as one JSON row per user in an embedded SQLite file.

    Several processes may share the file: WAL journal (readers never block the one writer),
    a busy timeout instead of an immediate "database is locked", and every save in one short
    `BEGIN IMMEDIATE` transaction, whose wait for the write lock tries every few milliseconds
    (`_when_free`) so that a writer under load gets its turn within the timeout.

    synchronous=FULL: WAL with NORMAL already survives a killed process (committed pages are
    in the OS cache), but may roll back the last commits on a power cut; FULL syncs the WAL at
    each commit, so a "forget my session" the skill confirmed stays forgotten. Writes happen
    only when a user consents or forgets, so the extra fsync costs nothing anyone hears.
    """

    def __init__(self, path: str | os.PathLike, table: str = DEFAULT_TABLE,
                 ttl_attribute: str = DEFAULT_TTL_ATTRIBUTE,
                 clock: Callable[[], float] = time.time,
                 busy_timeout: float = BUSY_TIMEOUT_SECONDS):
        # The table name is spliced into SQL (placeholders cannot name tables).
        if not _IDENTIFIER.match(table):
            raise ValueError(f"table name {table!r} is not a plain SQL identifier")
        self.path = Path(path)
        self.table = table
        self.ttl_attribute = ttl_attribute
        self.clock = clock
        self.busy_timeout = busy_timeout
        self._local = threading.local()  # sqlite3 connections belong to the thread that made them

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.path)!r}, table={self.table!r})"

    # The SDK calls these three by keyword.
    def get_attributes(self, request_envelope) -> dict:
        user_id = user_id_keygen(request_envelope)
        with self._errors("read"):
            db = self._connection()
            row = db.execute(f'SELECT attributes, expires_at FROM "{self.table}" WHERE id = ?',
                             (user_id,)).fetchone()
            if row is None:
                return {}
            text, expires_at = row
            now = self.clock()
            if expires_at is not None and now >= expires_at:
                self._delete_expired(db, user_id, now)
                return {}
            attributes = json.loads(text)
        if not isinstance(attributes, dict):
            raise PersistenceException(f"A stored record in {self.path} is not a JSON object.")
        return attributes

    def save_attributes(self, request_envelope, attributes) -> None:
        user_id = user_id_keygen(request_envelope)
        if not isinstance(attributes, Mapping):
            raise PersistenceException("Persistent attributes must be a dict.")
        try:
            text = json.dumps(attributes, allow_nan=False, separators=(",", ":"))
        except (TypeError, ValueError) as error:
            # The message names a type ("datetime is not JSON serializable"), never a value.
            raise PersistenceException(f"Persistent attributes are not storable as JSON: "
                                       f"{type(error).__name__}: {error}") from None
        expires_at = expiry_of(attributes, self.ttl_attribute)
        now = self.clock()
        with self._errors("write"), self._transaction() as db:
            db.execute(
                f'INSERT INTO "{self.table}" (id, attributes, expires_at, updated_at) '
                "VALUES (?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
                "attributes = excluded.attributes, expires_at = excluded.expires_at, "
                "updated_at = excluded.updated_at",
                (user_id, text, expires_at, now))
            self._purge_expired(db, now)

    def delete_attributes(self, request_envelope) -> None:
        user_id = user_id_keygen(request_envelope)
        with self._errors("delete"), self._transaction() as db:
            db.execute(f'DELETE FROM "{self.table}" WHERE id = ?', (user_id,))
            self._purge_expired(db, self.clock())
        self._checkpoint(db)

    def _checkpoint(self, db: sqlite3.Connection) -> None:
        # Older versions of the forgotten row also sit in the WAL file until it is reused:
        # copy the WAL into the database and empty it. Best effort: a reader still on an old
        # snapshot holds it back, and the next checkpoint finishes the job.
        try:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        except sqlite3.Error as error:
            log.info("checkpoint after a delete deferred: %s", error)

    def close(self) -> None:
        """Close this thread's connection (the next call opens a new one)."""
        db = getattr(self._local, "db", None)
        if db is not None and self._local.pid == os.getpid():
            db.close()
        self._local.db = None

    def _delete_expired(self, db: sqlite3.Connection, user_id: str, now: float) -> None:
        try:
            # Conditional, so a save from another worker that renewed the row is not undone.
            db.execute(f'DELETE FROM "{self.table}" WHERE id = ? AND expires_at <= ?',
                       (user_id, now))
        except sqlite3.Error as error:
            # The read already answers "absent", and the next write purges the row anyway.
            log.info("expired record left for the next write to purge: %s", error)

    def _purge_expired(self, db: sqlite3.Connection, now: float) -> None:
        # Rows of users who never come back would otherwise stay on disk past their expiry;
        # the partial index keeps this an index range scan, inside the write already paid for.
        db.execute(f'DELETE FROM "{self.table}" WHERE expires_at IS NOT NULL AND expires_at <= ?',
                   (now,))

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is not None:
            if self._local.pid == os.getpid():
                return db
            _INHERITED_CONNECTIONS.append(db)
        db = self._open()
        self._local.db, self._local.pid = db, os.getpid()
        return db

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Created owner-only before SQLite sees it: SQLite gives the -wal and -shm files the
        # database file's permissions.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        # isolation_level=None: no implicit transactions; writes say BEGIN IMMEDIATE themselves.
        db = sqlite3.connect(self.path, timeout=self.busy_timeout, isolation_level=None)
        try:
            mode = self._enable_wal(db)
            if mode.lower() != "wal":
                # WAL needs shared memory, which network file systems do not give.
                raise PersistenceException(
                    f"SQLite store {self.path} cannot use WAL journal mode (got {mode!r}); "
                    "put it on a local file system.")
            db.execute("PRAGMA synchronous=FULL")
            # Deleted records are overwritten with zeros, not left in free pages: "forget my
            # session" should not leave the session time readable in the file.
            db.execute("PRAGMA secure_delete=ON")
            self._create_table(db)
        except BaseException:
            db.close()
            raise
        return db

    def _create_table(self, db: sqlite3.Connection) -> None:
        names = {self.table, f"{self.table}_expires_at"}
        found = {row[0] for row in db.execute(
            "SELECT name FROM sqlite_master WHERE name IN (?, ?)", tuple(names))}
        if found == names:
            return  # the usual case: a read, which in WAL mode waits for no writer
        # A new store: in a transaction that holds the write lock first, for the reason
        # _transaction says; workers opening a new store together each get their turn.
        with self._transaction(db):
            db.execute(f'CREATE TABLE IF NOT EXISTS "{self.table}" ('
                       "id TEXT PRIMARY KEY NOT NULL, attributes TEXT NOT NULL, "
                       "expires_at REAL, updated_at REAL NOT NULL)")
            db.execute(f'CREATE INDEX IF NOT EXISTS "{self.table}_expires_at" '
                       f'ON "{self.table}" (expires_at) WHERE expires_at IS NOT NULL')

    def _enable_wal(self, db: sqlite3.Connection) -> str:
        # Turning a new file to WAL takes an exclusive lock, and SQLite does not wait for it
        # through the busy handler: workers opening a new store together would get "database
        # is locked" at once. WAL mode is stored in the file, so the wait happens only then.
        return self._when_free(db, "PRAGMA journal_mode=WAL").fetchone()[0]

    def _when_free(self, db: sqlite3.Connection, statement: str) -> sqlite3.Cursor:
        """`statement`, which takes a lock, tried again every few milliseconds while the
        database is busy, for up to busy_timeout; then SQLite's "database is locked"."""
        deadline = time.monotonic() + self.busy_timeout
        db.execute("PRAGMA busy_timeout = 0")  # this loop waits instead of SQLite's handler
        try:
            while True:
                try:
                    return db.execute(statement)
                except sqlite3.OperationalError as error:
                    if not _busy(error) or time.monotonic() >= deadline:
                        raise
                time.sleep(random.uniform(*LOCK_RETRY_PAUSE))
        finally:
            db.execute(f"PRAGMA busy_timeout = {round(self.busy_timeout * 1000)}")

    @contextlib.contextmanager
    def _transaction(self, db: sqlite3.Connection | None = None,
                     ) -> Iterator[sqlite3.Connection]:
        db = self._connection() if db is None else db
        # IMMEDIATE takes the write lock at once, so the wait covers the whole transaction:
        # in WAL mode a transaction that read first and then writes gets SQLITE_BUSY at once
        # when another process wrote in between, busy timeout or not.
        self._when_free(db, "BEGIN IMMEDIATE")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            # Also after a failed COMMIT: a transaction left open would break the next save.
            if db.in_transaction:
                db.rollback()
            raise

    @contextlib.contextmanager
    def _errors(self, action: str) -> Iterator[None]:
        # sqlite3's and OSError's messages name the file and the fault, never the values
        # bound to a query, so no user id reaches the logs or the skill's error handler.
        try:
            yield
        except json.JSONDecodeError as error:
            raise PersistenceException(f"SQLite store {self.path}: {action} failed: "
                                       "a stored record is not valid JSON") from error
        except (sqlite3.Error, OSError, ValueError) as error:
            raise PersistenceException(f"SQLite store {self.path}: {action} failed: "
                                       f"{type(error).__name__}: {error}") from error


