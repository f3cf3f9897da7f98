"""Which store the configuration picks, and what the SQLite path defaults to."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from skill.stores import persistence_from_environment
from skill.stores.sqlite import default_sqlite_path
from skill.stores.sqlite import SqlitePersistenceAdapter
from tests.persistence.support import envelope

REPO_ROOT = Path(__file__).resolve().parents[2]


def test_sqlite_is_the_default_under_xdg_data_home(tmp_path):
    adapter = persistence_from_environment({"AFTERCARE_MEMORY": "on", "XDG_DATA_HOME": str(tmp_path / "xdg"), "HOME": "/nowhere"})
    assert isinstance(adapter, SqlitePersistenceAdapter)
    assert adapter.path == tmp_path / "xdg" / "needling-aftercare" / "store.sqlite3"
    assert adapter.table == "aftercare_users" and adapter.ttl_attribute == "expires_at"


@pytest.mark.parametrize("xdg", [None, "", "relative/dir"])
def test_without_a_usable_xdg_data_home_it_is_under_local_share(xdg):
    environ = {"HOME": "/home/pat"}
    if xdg is not None:
        environ["XDG_DATA_HOME"] = xdg  # the XDG spec: a relative path is to be ignored
    assert default_sqlite_path(environ) == Path("/home/pat/.local/share/needling-aftercare/store.sqlite3")


@pytest.mark.parametrize("store", ["sqlite", " SQLite ", ""])
def test_sqlite_path_from_the_environment(store):
    adapter = persistence_from_environment({"AFTERCARE_MEMORY": "on", "AFTERCARE_STORE": store, "HOME": "/home/pat",
                                            "AFTERCARE_SQLITE_PATH": "~/clinic/aftercare.db"})
    assert adapter.path == Path("/home/pat/clinic/aftercare.db")


def test_a_relative_sqlite_path_is_fixed_at_configuration(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    adapter = persistence_from_environment({"AFTERCARE_MEMORY": "on", "AFTERCARE_SQLITE_PATH": "var/store.db"})
    assert adapter.path == tmp_path / "var" / "store.db"


def test_none_means_no_memory():
    assert persistence_from_environment({"AFTERCARE_MEMORY": "on", "AFTERCARE_STORE": "none"}) is None


def test_an_unknown_store_names_the_variable():
    with pytest.raises(ValueError, match=r"AFTERCARE_STORE='redis' is not one of sqlite, dynamodb, none"):
        persistence_from_environment({"AFTERCARE_MEMORY": "on", "AFTERCARE_STORE": "redis"})


def test_dynamodb_needs_a_table():
    with pytest.raises(ValueError, match="AFTERCARE_DYNAMODB_TABLE"):
        persistence_from_environment({"AFTERCARE_MEMORY": "on", "AFTERCARE_STORE": "dynamodb", "AWS_REGION": "us-east-1"})


def test_dynamodb_needs_a_region(monkeypatch):
    pytest.importorskip("boto3")
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    with pytest.raises(ValueError, match="AWS_REGION"):
        persistence_from_environment({"AFTERCARE_MEMORY": "on", "AFTERCARE_STORE": "dynamodb",
                                      "AFTERCARE_DYNAMODB_TABLE": "t"})


LAMBDA_ENV = {"AWS_LAMBDA_FUNCTION_NAME": "aftercare", "HOME": "/home/sbx_user1051",
              "AFTERCARE_MEMORY": "on"}


def test_on_lambda_the_default_is_refused_not_a_read_only_disk():
    with pytest.raises(ValueError, match="SQLite, is not available on AWS Lambda: "
                                         "set AFTERCARE_STORE=dynamodb"):
        persistence_from_environment(LAMBDA_ENV)
    assert persistence_from_environment({**LAMBDA_ENV, "AFTERCARE_STORE": "none"}) is None


@pytest.mark.parametrize("store", ["sqlite", " SQLite "])
def test_on_lambda_sqlite_asked_for_is_refused_too(store, tmp_path):
    # /tmp dies with the instance, so SQLite there forgets at random; and the Lambda bundle
    # does not carry the SQLite store. The error names the setting and what to set instead.
    explicit = {**LAMBDA_ENV, "AFTERCARE_STORE": store,
                "AFTERCARE_SQLITE_PATH": str(tmp_path / "s.db")}
    with pytest.raises(ValueError, match=r"^AFTERCARE_STORE=sqlite is not available on AWS "
                                         r"Lambda: set AFTERCARE_STORE=dynamodb"):
        persistence_from_environment(explicit)
    assert not (tmp_path / "s.db").exists()


def test_the_sqlite_store_never_imports_boto3(tmp_path):
    # The CLI and the self-hosted server must not pay for boto3 (importing ask_sdk_dynamodb takes about 0.25 s here).
    script = f"""
import sys
from skill.stores import persistence_from_environment
from tests.persistence.support import envelope
adapter = persistence_from_environment({{"AFTERCARE_MEMORY": "on", "AFTERCARE_SQLITE_PATH": {str(tmp_path / 's.db')!r}}})
adapter.save_attributes(envelope("u"), {{"a": 1}})
assert adapter.get_attributes(envelope("u")) == {{"a": 1}}
print(sorted(m for m in ("boto3", "botocore", "ask_sdk_dynamodb") if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


def test_the_clock_is_passed_on(tmp_path):
    def moment():
        return 1_000.0

    adapter = persistence_from_environment({"AFTERCARE_MEMORY": "on", "AFTERCARE_SQLITE_PATH": str(tmp_path / "s.db")},
                                           clock=moment)
    assert adapter.clock is moment
    # A record kept "72 hours" from a simulated moment long past is still there at that moment.
    adapter.save_attributes(envelope("u"), {"expires_at": 1_000.0 + 72 * 3600})
    assert adapter.get_attributes(envelope("u")) == {"expires_at": 1_000.0 + 72 * 3600}


def test_the_published_default_keeps_nothing_and_opens_no_store(tmp_path):
    # Whatever store is configured: with memory off (the default) there is none.
    for env in ({}, {"AFTERCARE_STORE": "sqlite", "AFTERCARE_SQLITE_PATH": str(tmp_path / "s.db")},
                {"AFTERCARE_STORE": "dynamodb"}, {"AWS_LAMBDA_FUNCTION_NAME": "aftercare"},
                {"AFTERCARE_MEMORY": "off", "AFTERCARE_STORE": "sqlite"}):
        assert persistence_from_environment(env) is None, env
    assert not (tmp_path / "s.db").exists()


def test_a_memory_switch_that_is_neither_on_nor_off_stops_the_start():
    with pytest.raises(ValueError, match="AFTERCARE_MEMORY"):
        persistence_from_environment({"AFTERCARE_MEMORY": "maybe"})
