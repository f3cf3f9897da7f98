"""The DynamoDB store against moto's server mode on a loopback port, started here.

No network beyond 127.0.0.1: fake credentials in the environment (so boto3 never asks the EC2
metadata service) and an explicit endpoint for every client.
"""
from __future__ import annotations

import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

pytest.importorskip("ask_sdk_dynamodb", reason="pip install ask-sdk-dynamodb-persistence-adapter")
moto_server = pytest.importorskip("moto.server", reason="pip install 'moto[server]'")

from ask_sdk_core.exceptions import PersistenceException  # noqa: E402

from skill import stores as persistence  # noqa: E402
from skill.stores import records  # noqa: E402
from tests.persistence.support import envelope  # noqa: E402

REPO_ROOT = Path(__file__).resolve().parents[2]
REGION = "us-east-1"
TABLE = "aftercare-users"
ALICE = "amzn1.ask.account.ALICE-7f3a"
BOB = "amzn1.ask.account.BOB-91c2"
FAKE_AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing", "AWS_EC2_METADATA_DISABLED": "true"}


@pytest.fixture(scope="module")
def endpoint():
    with pytest.MonkeyPatch.context() as env:
        for name, value in FAKE_AWS.items():
            env.setenv(name, value)
        env.delenv("AWS_PROFILE", raising=False)
        server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        try:
            yield f"http://{host}:{port}"
        finally:
            server.stop()


@pytest.fixture(scope="module")
def client(endpoint):
    import boto3

    return boto3.client("dynamodb", region_name=REGION, endpoint_url=endpoint)


@pytest.fixture
def table(client):
    """A fresh table the way the deployment template makes it: key `id`, TTL on `expires_at`."""
    client.create_table(TableName=TABLE, BillingMode="PAY_PER_REQUEST",
                        KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
                        AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}])
    client.update_time_to_live(TableName=TABLE, TimeToLiveSpecification={
        "Enabled": True, "AttributeName": "expires_at"})
    yield TABLE
    client.delete_table(TableName=TABLE)


@pytest.fixture
def adapter(endpoint, table, clock):
    return persistence.make_dynamodb_adapter(table, region=REGION, endpoint_url=endpoint,
                                             clock=clock)


def raw_item(client, user_id):
    return client.get_item(TableName=TABLE, Key={"id": {"S": user_id}},
                           ConsistentRead=True).get("Item")


def test_table_has_ttl_on_expires_at(client, table):
    ttl = client.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def test_it_is_the_sdks_adapter(adapter):
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter

    assert isinstance(adapter, DynamoDbAdapter)
    assert isinstance(adapter, persistence.ExpiringDynamoDbAdapter)


def test_round_trip_keyed_by_user_id(adapter, client):
    attributes = {"session_start": "2026-11-27T09:00:00-05:00", "consent": True,
                  "nested": {"hours": [24, 48]}, "fraction": 1.5}
    assert adapter.get_attributes(envelope(ALICE)) == {}
    adapter.save_attributes(envelope(ALICE), attributes)
    back = adapter.get_attributes(envelope(ALICE))
    # The same JSON types the SQLite store gives: no Decimals for the skill to trip on.
    assert back == attributes and json.dumps(back) == json.dumps(attributes)
    assert raw_item(client, ALICE)["id"] == {"S": ALICE}
    adapter.delete_attributes(envelope(ALICE))
    assert adapter.get_attributes(envelope(ALICE)) == {}
    assert raw_item(client, ALICE) is None


def test_users_do_not_see_each_others_data(adapter):
    adapter.save_attributes(envelope(ALICE), {"who": "alice"})
    assert adapter.get_attributes(envelope(BOB)) == {}
    adapter.save_attributes(envelope(BOB), {"who": "bob"})
    adapter.delete_attributes(envelope(BOB))
    assert adapter.get_attributes(envelope(ALICE)) == {"who": "alice"}


def test_item_carries_the_top_level_ttl_number(adapter, client, clock):
    expires = clock.now + 72 * 3600 + 0.25
    adapter.save_attributes(envelope(ALICE), {"consent": True, "expires_at": expires})
    item = raw_item(client, ALICE)
    # A top-level Number in whole epoch seconds, rounded up so TTL never deletes early.
    assert item["expires_at"] == {"N": str(int(clock.now) + 72 * 3600 + 1)}
    assert item["attributes"]["M"]["expires_at"] == {"N": repr(expires)}


def test_saving_without_expiry_drops_the_ttl(adapter, client, clock):
    adapter.save_attributes(envelope(ALICE), {"expires_at": clock.now + 10})
    adapter.save_attributes(envelope(ALICE), {"kept": True})
    assert "expires_at" not in raw_item(client, ALICE)
    clock.now += 1e6
    assert adapter.get_attributes(envelope(ALICE)) == {"kept": True}


def test_an_expired_item_reads_as_absent(adapter, client, clock):
    # moto, like DynamoDB in its first hours, has not deleted the item yet.
    expires = clock.now + 72 * 3600
    adapter.save_attributes(envelope(ALICE), {"consent": True, "expires_at": expires})
    clock.now = expires - 1
    assert adapter.get_attributes(envelope(ALICE))["consent"] is True
    clock.now = expires
    assert raw_item(client, ALICE) is not None
    assert adapter.get_attributes(envelope(ALICE)) == {}
    assert raw_item(client, ALICE) is None, "the read deleted it rather than wait for TTL"


def test_expiry_delete_spares_a_renewed_item(adapter, clock):
    adapter.save_attributes(envelope(ALICE), {"expires_at": clock.now + 10})
    clock.now += 10
    # This instance has read the item as expired; before its delete, another request renews it.
    renewed = {"expires_at": clock.now + 1000}
    adapter.save_attributes(envelope(ALICE), renewed)
    adapter._delete_expired(adapter.dynamodb.Table(TABLE), {"id": ALICE})
    assert adapter.get_attributes(envelope(ALICE)) == renewed


def test_missing_table_gives_persistence_exception_without_user_id(endpoint, clock):
    adapter = persistence.make_dynamodb_adapter("no-such-table", region=REGION,
                                                endpoint_url=endpoint, clock=clock)
    for call in (lambda: adapter.get_attributes(envelope(ALICE)),
                 lambda: adapter.save_attributes(envelope(ALICE), {"a": 1}),
                 lambda: adapter.delete_attributes(envelope(ALICE))):
        with pytest.raises(PersistenceException, match="ResourceNotFoundException") as caught:
            call()
        assert ALICE not in str(caught.value)


def test_unstorable_attributes_give_persistence_exception(adapter):
    secret = "session at 9 am"
    for attributes in ({"x": float("inf")}, {"when": object(), "note": secret}):
        with pytest.raises(PersistenceException) as caught:
            adapter.save_attributes(envelope(ALICE), attributes)
        assert ALICE not in str(caught.value)
        # boto3's serializer quotes values; none of that is chained into a logged traceback.
        assert caught.value.__cause__ is None and secret not in str(caught.value)


def test_a_request_without_user_id_is_refused(adapter):
    with pytest.raises(PersistenceException, match="no user id"):
        adapter.save_attributes(envelope(None), {"a": 1})


def test_chosen_by_configuration_in_a_process_without_aws_settings(endpoint, table, tmp_path):
    # A fresh interpreter whose environment names no region: ask_sdk_dynamodb's import-time
    # default resource must not stop the adapter the configuration describes.
    script = f"""
import sys
from skill.stores import persistence_from_environment
from tests.persistence.support import envelope
adapter = persistence_from_environment({{
    "AFTERCARE_MEMORY": "on", "AFTERCARE_STORE": "dynamodb", "AFTERCARE_DYNAMODB_TABLE": {TABLE!r},
    "AWS_REGION": {REGION!r}, "AFTERCARE_DYNAMODB_ENDPOINT": {endpoint!r}}})
loaded_before_use = "boto3" in sys.modules
adapter.save_attributes(envelope("cli-user"), {{"n": 1, "expires_at": 4102444800}})
print(loaded_before_use, type(adapter._real()).__name__, adapter.get_attributes(envelope("cli-user")))
"""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), **FAKE_AWS}
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    # boto3 is loaded only when the store is first used: not on every Lambda cold start
    assert done.stdout.strip() == "False ExpiringDynamoDbAdapter {'n': 1, 'expires_at': 4102444800}"


def test_conversions_keep_json_types():
    value = {"a": 1, "b": 1.5, "c": [2, 2.25, {"d": True}], "e": None, "f": "x"}
    stored = records._to_dynamodb(value)
    assert stored["b"] == Decimal("1.5") and stored["c"][1] == Decimal("2.25")
    assert records._from_dynamodb(stored) == value
