"""The SQLite store: what it keeps, for whom, until when, and how it fails."""
from __future__ import annotations

import multiprocessing
import os
import sqlite3

import pytest
from ask_sdk_core.attributes_manager import AttributesManager
from ask_sdk_core.exceptions import PersistenceException

from skill.stores.sqlite import SqlitePersistenceAdapter
from tests.persistence.support import envelope

ALICE = "amzn1.ask.account.ALICE-7f3a"
BOB = "amzn1.ask.account.BOB-91c2"
DAY = 24 * 3600


def rows(path):
    with sqlite3.connect(path) as db:
        return {user: expires for user, expires in db.execute("SELECT id, expires_at FROM aftercare_users")}


def test_round_trip_keyed_by_user_id(sqlite_store, store_path):
    attributes = {"session_start": "2026-11-27T09:00:00-05:00", "consent": True,
                  "nested": {"hours": [24, 48]}, "fraction": 1.5}
    assert sqlite_store.get_attributes(envelope(ALICE)) == {}
    sqlite_store.save_attributes(envelope(ALICE), attributes)
    assert sqlite_store.get_attributes(envelope(ALICE)) == attributes
    assert set(rows(store_path)) == {ALICE}
    sqlite_store.delete_attributes(envelope(ALICE))
    assert sqlite_store.get_attributes(envelope(ALICE)) == {}
    assert rows(store_path) == {}


def test_save_replaces_the_users_attributes(sqlite_store):
    sqlite_store.save_attributes(envelope(ALICE), {"a": 1, "b": 2})
    sqlite_store.save_attributes(envelope(ALICE), {"a": 3})
    assert sqlite_store.get_attributes(envelope(ALICE)) == {"a": 3}


def test_users_do_not_see_each_others_data(sqlite_store):
    sqlite_store.save_attributes(envelope(ALICE), {"who": "alice"})
    assert sqlite_store.get_attributes(envelope(BOB)) == {}
    sqlite_store.save_attributes(envelope(BOB), {"who": "bob"})
    sqlite_store.delete_attributes(envelope(BOB))
    assert sqlite_store.get_attributes(envelope(ALICE)) == {"who": "alice"}
    assert sqlite_store.get_attributes(envelope(BOB)) == {}


def test_deleting_what_is_not_there_is_fine(sqlite_store):
    sqlite_store.delete_attributes(envelope(ALICE))
    assert sqlite_store.get_attributes(envelope(ALICE)) == {}


def test_survives_a_new_adapter_on_the_same_file(sqlite_store, store_path, clock):
    sqlite_store.save_attributes(envelope(ALICE), {"session": 1})
    sqlite_store.close()
    assert SqlitePersistenceAdapter(store_path, clock=clock).get_attributes(envelope(ALICE)) == {"session": 1}


@pytest.mark.parametrize("user_id", [None, ""])
def test_a_request_without_user_id_is_refused(sqlite_store, user_id):
    with pytest.raises(PersistenceException, match="no user id"):
        sqlite_store.save_attributes(envelope(user_id), {"a": 1})
    with pytest.raises(PersistenceException, match="no user id"):
        sqlite_store.get_attributes(envelope(user_id))


# --- expiry -----------------------------------------------------------------------------

def test_expires_at_the_moment_given(sqlite_store, store_path, clock):
    expires = clock.now + 3 * DAY
    sqlite_store.save_attributes(envelope(ALICE), {"consent": True, "expires_at": expires})
    assert rows(store_path) == {ALICE: expires}
    clock.now = expires - 0.001
    assert sqlite_store.get_attributes(envelope(ALICE))["consent"] is True
    clock.now = expires  # "at or after": the moment itself is already too late
    assert sqlite_store.get_attributes(envelope(ALICE)) == {}
    assert rows(store_path) == {}, "an expired read deletes the row"


def test_expiry_delete_spares_a_row_renewed_meanwhile(store_path, clock):
    other = SqlitePersistenceAdapter(store_path, clock=clock)  # another worker
    other.save_attributes(envelope(ALICE), {"expires_at": clock.now + 5})
    clock.now += 5
    renewed = {"expires_at": clock.now + 1000}

    def clock_that_lets_another_worker_renew():
        # Called between the read of the expired row and its delete.
        other.save_attributes(envelope(ALICE), renewed)
        return clock.now

    adapter = SqlitePersistenceAdapter(store_path, clock=clock_that_lets_another_worker_renew)
    assert adapter.get_attributes(envelope(ALICE)) == {}
    assert other.get_attributes(envelope(ALICE)) == renewed


def test_expired_rows_are_purged_by_any_write(sqlite_store, store_path, clock):
    sqlite_store.save_attributes(envelope(ALICE), {"expires_at": clock.now + 10})
    sqlite_store.save_attributes(envelope("keeps"), {"expires_at": clock.now + 1000})
    sqlite_store.save_attributes(envelope("forever"), {"no": "expiry"})
    clock.now += 10
    sqlite_store.save_attributes(envelope(BOB), {"x": 1})
    assert set(rows(store_path)) == {"keeps", "forever", BOB}
    clock.now += 990
    sqlite_store.delete_attributes(envelope(BOB))
    assert set(rows(store_path)) == {"forever"}


def test_renewing_moves_the_expiry(sqlite_store, clock):
    sqlite_store.save_attributes(envelope(ALICE), {"expires_at": clock.now + 10})
    sqlite_store.save_attributes(envelope(ALICE), {"expires_at": clock.now + 100})
    clock.now += 50
    assert sqlite_store.get_attributes(envelope(ALICE)) == {"expires_at": clock.now + 50}


def test_dropping_expires_at_keeps_the_row(sqlite_store, store_path, clock):
    sqlite_store.save_attributes(envelope(ALICE), {"expires_at": clock.now + 10})
    sqlite_store.save_attributes(envelope(ALICE), {"kept": True})
    clock.now += 1e6
    assert sqlite_store.get_attributes(envelope(ALICE)) == {"kept": True}


@pytest.mark.parametrize("value", ["2026-11-30T09:00:00Z", True, None, [1]])
def test_a_non_numeric_expires_at_means_no_expiry(sqlite_store, store_path, clock, value):
    sqlite_store.save_attributes(envelope(ALICE), {"expires_at": value})
    clock.now += 1e9
    assert sqlite_store.get_attributes(envelope(ALICE)) == {"expires_at": value}
    assert rows(store_path) == {ALICE: None}


def test_another_ttl_attribute_name(store_path, clock):
    adapter = SqlitePersistenceAdapter(store_path, table="other", ttl_attribute="until", clock=clock)
    adapter.save_attributes(envelope(ALICE), {"until": clock.now + 1, "expires_at": 0})
    assert adapter.get_attributes(envelope(ALICE))["until"] == clock.now + 1
    clock.now += 1
    assert adapter.get_attributes(envelope(ALICE)) == {}


# --- through the SDK ----------------------------------------------------------------------

def test_the_sdks_attributes_manager_drives_it(sqlite_store, clock):
    manager = AttributesManager(request_envelope=envelope(ALICE), persistence_adapter=sqlite_store)
    assert manager.persistent_attributes == {}
    manager.persistent_attributes = {"consent": True, "expires_at": clock.now + 3 * DAY}
    manager.save_persistent_attributes()

    later = AttributesManager(request_envelope=envelope(ALICE), persistence_adapter=sqlite_store)
    assert later.persistent_attributes["consent"] is True
    later.delete_persistent_attributes()
    assert AttributesManager(request_envelope=envelope(ALICE),
                             persistence_adapter=sqlite_store).persistent_attributes == {}


# --- the file itself ----------------------------------------------------------------------

def test_creates_folder_and_table_on_first_use_only(store_path, clock):
    adapter = SqlitePersistenceAdapter(store_path, clock=clock)
    assert not store_path.parent.exists(), "constructing touches nothing"
    adapter.get_attributes(envelope(ALICE))
    assert store_path.is_file()
    assert oct(store_path.stat().st_mode & 0o777) == "0o600"
    assert oct(store_path.parent.stat().st_mode & 0o777) == "0o700"
    with sqlite3.connect(store_path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")] == ["aftercare_users"]


def test_connection_settings(sqlite_store):
    sqlite_store.get_attributes(envelope(ALICE))
    db = sqlite_store._connection()
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 3000
    # A save waits for the write lock in its own loop; SQLite's timeout is back after it.
    sqlite_store.save_attributes(envelope(ALICE), {"a": 1})
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] == 3000


def test_a_read_waits_for_no_writer(store_path, clock):
    SqlitePersistenceAdapter(store_path, clock=clock).save_attributes(envelope(ALICE), {"a": 1})
    writer = sqlite3.connect(store_path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another worker's save in progress
    try:
        # A new connection (a new worker) opens the store and reads: no write lock needed.
        reader = SqlitePersistenceAdapter(store_path, clock=clock, busy_timeout=0)
        assert reader.get_attributes(envelope(ALICE)) == {"a": 1}
        with pytest.raises(PersistenceException, match="database is locked"):
            reader.save_attributes(envelope(BOB), {"b": 2})
    finally:
        writer.rollback()
        writer.close()
    reader.save_attributes(envelope(BOB), {"b": 2})
    reader.close()


@pytest.mark.parametrize("table", ["users; DROP TABLE x", 'a"b', "", "1abc"])
def test_table_name_must_be_an_identifier(store_path, table):
    with pytest.raises(ValueError, match="identifier"):
        SqlitePersistenceAdapter(store_path, table=table)


def _child_saves(adapter, user_id, queue):
    adapter.save_attributes(envelope(user_id), {"pid": os.getpid()})
    queue.put((id(adapter._connection()), adapter.get_attributes(envelope(user_id))))


def test_a_forked_process_opens_its_own_connection(sqlite_store):
    # gunicorn's preload_app: the master may have used the adapter before forking workers.
    sqlite_store.save_attributes(envelope(ALICE), {"who": "parent"})
    parent_connection = sqlite_store._connection()
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_child_saves, args=(sqlite_store, BOB, queue))
    child.start()
    connection_id, seen = queue.get(timeout=30)
    child.join(30)
    assert child.exitcode == 0
    assert seen["pid"] == child.pid
    # Addresses survive fork(): the same id would mean the child used the parent's connection.
    assert connection_id != id(parent_connection)
    assert sqlite_store._connection() is parent_connection
    assert sqlite_store.get_attributes(envelope(BOB)) == {"pid": child.pid}
    assert sqlite_store.get_attributes(envelope(ALICE)) == {"who": "parent"}


# --- failures: PersistenceException, never the user id -------------------------------------

def assert_clean(error: PersistenceException, user_id: str = ALICE) -> None:
    for text in (str(error), repr(error), str(error.__cause__ or "")):
        assert user_id not in text


def test_a_garbage_file_gives_persistence_exception(store_path, clock):
    store_path.parent.mkdir(parents=True)
    store_path.write_bytes(b"this is no database, just words " * 200)
    adapter = SqlitePersistenceAdapter(store_path, clock=clock)
    for call in (lambda: adapter.get_attributes(envelope(ALICE)),
                 lambda: adapter.save_attributes(envelope(ALICE), {"a": 1}),
                 lambda: adapter.delete_attributes(envelope(ALICE))):
        with pytest.raises(PersistenceException, match="not a database") as caught:
            call()
        assert_clean(caught.value)


def test_a_damaged_database_gives_persistence_exception(store_path, clock):
    adapter = SqlitePersistenceAdapter(store_path, clock=clock)
    for i in range(300):
        adapter.save_attributes(envelope(f"user-{i}"), {"pad": "x" * 500})
    adapter.save_attributes(envelope(ALICE), {"a": 1})
    adapter.close()
    with sqlite3.connect(store_path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = store_path.stat().st_size
    with open(store_path, "r+b") as fh:  # scribble over the middle pages
        fh.seek(size // 3)
        fh.write(os.urandom(size // 3))
    fresh = SqlitePersistenceAdapter(store_path, clock=clock)
    with pytest.raises(PersistenceException) as caught:
        for i in range(300):
            fresh.get_attributes(envelope(f"user-{i}"))
        fresh.save_attributes(envelope(ALICE), {"b": 2})
    assert_clean(caught.value)


def test_a_corrupted_record_gives_persistence_exception(sqlite_store, store_path):
    sqlite_store.save_attributes(envelope(ALICE), {"a": 1})
    with sqlite3.connect(store_path) as db:
        db.execute("UPDATE aftercare_users SET attributes = '{broken' WHERE id = ?", (ALICE,))
    with pytest.raises(PersistenceException, match="not valid JSON") as caught:
        sqlite_store.get_attributes(envelope(ALICE))
    assert_clean(caught.value)


@pytest.mark.parametrize("layout", ["parent is a file", "path is a folder"])
def test_an_impossible_path_gives_persistence_exception(tmp_path, clock, layout):
    if layout == "parent is a file":
        (tmp_path / "blocker").write_text("")
        path = tmp_path / "blocker" / "store.sqlite3"
    else:
        path = tmp_path / "folder"
        path.mkdir()
    adapter = SqlitePersistenceAdapter(path, clock=clock)
    with pytest.raises(PersistenceException, match=str(path).replace("\\", "\\\\")) as caught:
        adapter.save_attributes(envelope(ALICE), {"a": 1})
    assert_clean(caught.value)


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="needs Linux /proc")
def test_a_folder_not_even_root_can_write_gives_persistence_exception(clock):
    adapter = SqlitePersistenceAdapter("/proc/needling-aftercare/store.sqlite3", clock=clock)
    with pytest.raises(PersistenceException, match="/proc/needling-aftercare") as caught:
        adapter.save_attributes(envelope(ALICE), {"a": 1})
    assert_clean(caught.value)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_an_unwritable_folder_gives_persistence_exception(tmp_path, clock):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    adapter = SqlitePersistenceAdapter(locked / "store.sqlite3", clock=clock)
    with pytest.raises(PersistenceException) as caught:
        adapter.save_attributes(envelope(ALICE), {"a": 1})
    assert_clean(caught.value)


@pytest.mark.parametrize("attributes", [{"when": object()}, {"x": float("nan")}, ["not", "a", "dict"]])
def test_unstorable_attributes_give_persistence_exception(sqlite_store, attributes):
    with pytest.raises(PersistenceException) as caught:
        sqlite_store.save_attributes(envelope(ALICE), attributes)
    assert_clean(caught.value)
    assert sqlite_store.get_attributes(envelope(ALICE)) == {}


def test_a_failed_write_leaves_the_connection_usable(sqlite_store, store_path, monkeypatch):
    sqlite_store.save_attributes(envelope(ALICE), {"a": 1})

    def fail(db, now):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(sqlite_store, "_purge_expired", fail)
    with pytest.raises(PersistenceException, match="disk I/O error"):
        sqlite_store.save_attributes(envelope(ALICE), {"a": 2})
    monkeypatch.undo()
    assert sqlite_store.get_attributes(envelope(ALICE)) == {"a": 1}, "rolled back"
    sqlite_store.save_attributes(envelope(BOB), {"b": 1})
    assert sqlite_store.get_attributes(envelope(BOB)) == {"b": 1}


def test_a_forgotten_record_leaves_no_trace_in_the_files(sqlite_store, store_path):
    marker = "session-started-0900-marker"
    sqlite_store.save_attributes(envelope(BOB), {"who": "bob"})
    for revision in range(3):
        sqlite_store.save_attributes(envelope(ALICE), {"note": f"{marker}-{revision}"})
    files = [store_path, store_path.with_name(store_path.name + "-wal")]
    assert any(marker.encode() in f.read_bytes() for f in files if f.exists())
    sqlite_store.delete_attributes(envelope(ALICE))
    for f in files:
        if f.exists():
            assert marker.encode() not in f.read_bytes(), f"{f.name} still holds the record"
    assert sqlite_store.get_attributes(envelope(BOB)) == {"who": "bob"}
