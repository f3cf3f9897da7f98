"""Where the skill keeps what a user agreed to let it remember, and for how long.

Two stores behind the ASK SDK's persistence-adapter interface, chosen by configuration
(`persistence_from_environment`):

  SqlitePersistenceAdapter   the default: one SQLite file, safe with several gunicorn workers
                             (skill/stores/sqlite.py)
  ExpiringDynamoDbAdapter    on AWS Lambda: the SDK's DynamoDB adapter plus a TTL attribute
                             (SQLite is refused there, and the Lambda bundle leaves it out)

Both key a user's attributes by the SDK's user id and honour one rule: when the attributes
carry a numeric `expires_at` (epoch seconds), they are gone from that moment on, whatever
the store's own clean-up is doing.

boto3 and ask_sdk_dynamodb are imported only when the DynamoDB store is chosen: the CLI and
a SQLite deployment never load them.
"""
from __future__ import annotations

import functools
import logging
import os
import sys
import threading
import time
from typing import Callable, Mapping

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter

log = logging.getLogger(__name__)

def __getattr__(name: str):
    # `from skill.stores import ExpiringDynamoDbAdapter` works, and is the moment boto3 gets
    # imported (skill/stores/dynamodb.py). The SQLite store lives in its own module too, so a
    # DynamoDB deployment never imports sqlite3.
    if name == "ExpiringDynamoDbAdapter":
        from .dynamodb import ExpiringDynamoDbAdapter

        return ExpiringDynamoDbAdapter
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def make_dynamodb_adapter(table_name: str, *, region: str | None = None,
                          endpoint_url: str | None = None, **options):
    """An ExpiringDynamoDbAdapter on its own boto3 resource (credentials from boto3's usual
    chain; `endpoint_url` for a local DynamoDB-compatible server)."""
    import boto3

    session = boto3.session.Session(region_name=region)
    if session.region_name is None:
        raise ValueError("the DynamoDB store needs an AWS region: set AWS_REGION "
                         "(AWS Lambda sets it for you)")
    # ask_sdk_dynamodb builds a default boto3 resource when it is imported, which fails
    # without a region in the environment although this adapter never uses that resource.
    if "ask_sdk_dynamodb.adapter" not in sys.modules:
        default = boto3.DEFAULT_SESSION or boto3.session.Session()
        if default.region_name is None:
            boto3.setup_default_session(region_name=session.region_name)
    from .dynamodb import ExpiringDynamoDbAdapter

    resource = session.resource("dynamodb", endpoint_url=endpoint_url)
    return ExpiringDynamoDbAdapter(table_name, resource, **options)


class LazyPersistenceAdapter(AbstractPersistenceAdapter):
    """Builds the real adapter on first use.

    Importing boto3 costs a Lambda cold start a few hundred milliseconds, and most
    requests (every question that does not involve a remembered session time) never
    touch the store.
    """

    def __init__(self, factory: Callable[[], AbstractPersistenceAdapter]):
        self._factory = factory
        self._adapter: AbstractPersistenceAdapter | None = None
        self._lock = threading.Lock()

    def _real(self) -> AbstractPersistenceAdapter:
        with self._lock:
            if self._adapter is None:
                self._adapter = self._factory()
            return self._adapter

    def get_attributes(self, request_envelope):
        return self._real().get_attributes(request_envelope)

    def save_attributes(self, request_envelope, attributes):
        self._real().save_attributes(request_envelope, attributes)

    def delete_attributes(self, request_envelope):
        self._real().delete_attributes(request_envelope)


# --- Configuration --------------------------------------------------------------------------

STORES = ("sqlite", "dynamodb", "none")


def persistence_from_environment(environ: Mapping[str, str] = os.environ, *,
                                 clock: Callable[[], float] = time.time):
    """The persistence adapter the configuration asks for, or None for no memory at all.

    `clock` (epoch seconds) decides what has expired: a conversation played at a chosen
    moment (`aftercare chat --now`) must pass that moment, or records it keeps may count as
    expired, or not, by the wall clock instead.

    AFTERCARE_MEMORY       off (default: no store at all) | on (skill/privacy.py)
    AFTERCARE_STORE        sqlite (default; refused on AWS Lambda) | dynamodb | none
    AFTERCARE_SQLITE_PATH  the SQLite file (default: see skill/stores/sqlite.py default_sqlite_path)
    AFTERCARE_DYNAMODB_TABLE, AFTERCARE_DYNAMODB_ENDPOINT, AWS_REGION / AWS_DEFAULT_REGION
    """
    from ..privacy import Privacy

    if not Privacy.from_env(environ).memory:
        # The published default: nothing about a person is kept, so no store is opened
        # (and none is needed on Lambda). AFTERCARE_MEMORY=on is for HIPAA-eligible skills.
        return None
    chosen = environ.get("AFTERCARE_STORE", "").strip().lower()
    store = chosen or "sqlite"
    if store not in STORES:
        raise ValueError(f"AFTERCARE_STORE={environ['AFTERCARE_STORE']!r} is not one of "
                         f"{', '.join(STORES)}")
    if store == "none":
        return None
    if store == "sqlite":
        if environ.get("AWS_LAMBDA_FUNCTION_NAME"):
            # Lambda's disk is read-only outside /tmp, and /tmp dies with the instance: SQLite
            # would fail, or worse, forget at random. Say so at cold start, asked for or not;
            # the Lambda bundle does not carry skill/stores/sqlite.py.
            said = f"AFTERCARE_STORE={chosen} is" if chosen else "the default store, SQLite, is"
            raise ValueError(f"{said} not available on AWS Lambda: set AFTERCARE_STORE=dynamodb "
                             "(with AFTERCARE_DYNAMODB_TABLE) or AFTERCARE_STORE=none")
        from .sqlite import SqlitePersistenceAdapter, sqlite_path

        return SqlitePersistenceAdapter(sqlite_path(environ), clock=clock)
    table = environ.get("AFTERCARE_DYNAMODB_TABLE", "").strip()
    if not table:
        raise ValueError("AFTERCARE_STORE=dynamodb needs AFTERCARE_DYNAMODB_TABLE, "
                         "the table's name")
    region = (environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION") or "").strip()
    endpoint = environ.get("AFTERCARE_DYNAMODB_ENDPOINT", "").strip()
    if not region:  # checked here so a misconfiguration fails at start, not on first use
        raise ValueError("AFTERCARE_STORE=dynamodb needs an AWS region: set AWS_REGION "
                         "(AWS Lambda sets it for you)")
    return LazyPersistenceAdapter(functools.partial(
        make_dynamodb_adapter, table, region=region, endpoint_url=endpoint or None, clock=clock))
