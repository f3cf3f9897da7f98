"""Where the skill keeps what a user agreed to let it remember, and for how long.

Two stores behind the ASK SDK's persistence-adapter interface, chosen by configuration
(`persistence_from_environment`):

  SqlitePersistenceAdapter   the default: one SQLite file, safe with several gunicorn workers
                             (skill/sqlite_store.py)
  ExpiringDynamoDbAdapter    on AWS Lambda: the SDK's DynamoDB adapter plus a TTL attribute

Both key a user's attributes by the SDK's user id and honour one rule: when the attributes
carry a numeric `expires_at` (epoch seconds), they are gone from that moment on, whatever
the store's own clean-up is doing.

boto3 and ask_sdk_dynamodb are imported only when the DynamoDB store is chosen: the CLI and
a SQLite deployment never load them.
"""
from __future__ import annotations

import functools
import logging
import math
import os
import re
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Mapping

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

log = logging.getLogger(__name__)

APP_DIR_NAME = "needling-aftercare"
DEFAULT_TABLE = "aftercare_users"
DEFAULT_TTL_ATTRIBUTE = "expires_at"
# Writes are single-row and take milliseconds; a lock held longer than this means something
# is wrong, and Alexa gives the whole answer only 8 seconds.
BUSY_TIMEOUT_SECONDS = 3.0

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def user_id_keygen(request_envelope) -> str:
    """The SDK's user id, the key a user's attributes are stored under.

    Unlike ask_sdk_dynamodb's keygen, a missing or empty id is refused: otherwise every
    request without one would share a single row keyed "None".
    """
    try:
        user_id = request_envelope.context.system.user.user_id
    except AttributeError:
        user_id = None
    if not isinstance(user_id, str) or not user_id:
        raise PersistenceException("The request carries no user id to key stored attributes by.")
    return user_id


def expiry_of(attributes: Mapping[str, Any],
              ttl_attribute: str = DEFAULT_TTL_ATTRIBUTE) -> float | None:
    """The moment (epoch seconds) the attributes expire, or None when they do not."""
    value = attributes.get(ttl_attribute)
    # bool is an int subclass, and True is no moment in time.
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


# --- DynamoDB -------------------------------------------------------------------------------

def _to_dynamodb(value: Any) -> Any:
    """boto3 refuses Python floats; DynamoDB numbers travel as Decimal."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise PersistenceException("Persistent attributes hold a number DynamoDB cannot "
                                       "store (NaN or infinity).")
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return {key: _to_dynamodb(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_dynamodb(item) for item in value]
    return value


def _from_dynamodb(value: Any) -> Any:
    """Decimals back to int or float, so both stores hand the skill the same JSON types
    (a Decimal plus a float raises TypeError, and json.dumps refuses Decimals)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {key: _from_dynamodb(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_from_dynamodb(item) for item in value]
    return value


def _dynamodb_error(action: str, error: Exception, user_id: str | None) -> PersistenceException:
    """A PersistenceException that says what failed without quoting what was stored."""
    # Told apart by shape, not by importing botocore: the Lambda bundle check wants every
    # package this module imports declared, and boto3 alone should do.
    kind = type(error)
    info = getattr(error, "response", None)
    if isinstance(info, dict) and isinstance(info.get("Error"), dict):  # botocore ClientError
        # AWS's messages name tables, ARNs and limits, not the values of the request.
        detail = f"{info['Error'].get('Code', 'Unknown')}: {info['Error'].get('Message', '')}"
        if user_id:
            detail = detail.replace(user_id, "<user id>")  # belt and braces
        cause = error
    elif kind.__module__ == "botocore.exceptions" and kind.__name__ != "ParamValidationError":
        detail, cause = f"{kind.__name__}: {error}", error  # endpoint, credentials, timeouts
    else:
        # Parameter validation and boto3's serializer quote the offending values: the type
        # alone, and no chained exception to carry them into a logged traceback.
        detail, cause = kind.__name__, None
    exception = PersistenceException(f"DynamoDB {action} failed: {detail}")
    exception.__cause__ = cause
    exception.__suppress_context__ = True
    return exception


@functools.cache
def _expiring_dynamodb_adapter_class() -> type:
    try:
        from ask_sdk_dynamodb.adapter import DynamoDbAdapter
    except ImportError as error:
        raise ImportError("the DynamoDB store needs the ask-sdk-dynamodb-persistence-adapter "
                          "package (pip install ask-sdk-dynamodb-persistence-adapter)") from error

    class ExpiringDynamoDbAdapter(DynamoDbAdapter):
        """The SDK's DynamoDB adapter, plus expiry.

        Each item also gets a top-level number `expires_at` (epoch seconds, rounded up so it
        never fires early) for the table's TTL to delete it. TTL deletion is lazy, up to a
        few days late, so a read at or after that moment treats the item as absent and deletes
        it (conditionally, in case another request has just renewed it).
        """

        def __init__(self, table_name: str, dynamodb_resource, *,
                     ttl_attribute: str = DEFAULT_TTL_ATTRIBUTE,
                     clock: Callable[[], float] = time.time,
                     partition_key_name: str = "id", attribute_name: str = "attributes",
                     partition_keygen: Callable = user_id_keygen):
            # No create_table: the SDK's would make a table without TTL. The deployment
            # template (or the tests) create it with TTL on `expires_at`.
            super().__init__(table_name, partition_key_name=partition_key_name,
                             attribute_name=attribute_name, create_table=False,
                             partition_keygen=partition_keygen,
                             dynamodb_resource=dynamodb_resource)
            self.ttl_attribute = ttl_attribute
            self.clock = clock

        def __repr__(self) -> str:
            return f"{type(self).__name__}({self.table_name!r})"

        # The base class's messages quote botocore's, which can contain attribute values.
        def get_attributes(self, request_envelope) -> dict:
            key = self._key(request_envelope)
            try:
                table = self.dynamodb.Table(self.table_name)
                item = table.get_item(Key=key, ConsistentRead=True).get("Item")
            except Exception as error:
                raise _dynamodb_error("read", error, key[self.partition_key_name])
            if item is None:
                return {}
            attributes = _from_dynamodb(item.get(self.attribute_name) or {})
            expires_at = expiry_of(attributes, self.ttl_attribute)
            if expires_at is not None and self.clock() >= expires_at:
                self._delete_expired(table, key)
                return {}
            return attributes

        def save_attributes(self, request_envelope, attributes) -> None:
            key = self._key(request_envelope)
            if not isinstance(attributes, Mapping):
                raise PersistenceException("Persistent attributes must be a dict.")
            item = {**key, self.attribute_name: _to_dynamodb(attributes)}
            expires_at = expiry_of(attributes, self.ttl_attribute)
            if expires_at is not None:
                item[self.ttl_attribute] = math.ceil(expires_at)
            try:
                # put_item replaces the whole item, so a save without expiry drops an old TTL.
                self.dynamodb.Table(self.table_name).put_item(Item=item)
            except Exception as error:
                raise _dynamodb_error("write", error, key[self.partition_key_name])

        def delete_attributes(self, request_envelope) -> None:
            key = self._key(request_envelope)
            try:
                self.dynamodb.Table(self.table_name).delete_item(Key=key)
            except Exception as error:
                raise _dynamodb_error("delete", error, key[self.partition_key_name])

        def _key(self, request_envelope) -> dict:
            return {self.partition_key_name: self.partition_keygen(request_envelope)}

        def _delete_expired(self, table, key: dict) -> None:
            from boto3.dynamodb.conditions import Attr

            try:
                # The condition reads the exact value in the attributes map: the top-level
                # copy is rounded up for TTL.
                expiry = Attr(f"{self.attribute_name}.{self.ttl_attribute}")
                table.delete_item(Key=key, ConditionExpression=expiry.lte(
                    Decimal(repr(float(self.clock())))))
            except Exception as error:
                # The read already answers "absent"; TTL removes the item later anyway.
                log.info("expired item left for DynamoDB TTL: %s",
                         _dynamodb_error("delete", error, key[self.partition_key_name]))

    ExpiringDynamoDbAdapter.__qualname__ = "ExpiringDynamoDbAdapter"
    ExpiringDynamoDbAdapter.__module__ = __name__
    return ExpiringDynamoDbAdapter


def __getattr__(name: str):
    # `from skill.persistence import ExpiringDynamoDbAdapter` works, and is the moment boto3
    # gets imported: the class cannot exist before its base class does. The SQLite store
    # lives in its own module so a DynamoDB deployment never imports sqlite3.
    if name == "ExpiringDynamoDbAdapter":
        return _expiring_dynamodb_adapter_class()
    if name == "SqlitePersistenceAdapter":
        from .sqlite_store import SqlitePersistenceAdapter

        return SqlitePersistenceAdapter
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
    adapter_class = _expiring_dynamodb_adapter_class()
    resource = session.resource("dynamodb", endpoint_url=endpoint_url)
    return adapter_class(table_name, resource, **options)


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


def default_sqlite_path(environ: Mapping[str, str] = os.environ) -> Path:
    """$XDG_DATA_HOME/needling-aftercare/store.sqlite3, else under ~/.local/share."""
    # The XDG spec says a relative XDG_DATA_HOME is invalid and to be ignored.
    xdg = environ.get("XDG_DATA_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else _home(environ) / ".local" / "share"
    return base / APP_DIR_NAME / "store.sqlite3"


def _home(environ: Mapping[str, str]) -> Path:
    return Path(environ.get("HOME") or os.path.expanduser("~"))


def _sqlite_path(environ: Mapping[str, str]) -> Path:
    path = environ.get("AFTERCARE_SQLITE_PATH", "").strip()
    if not path:
        return default_sqlite_path(environ)
    if path == "~" or path.startswith("~/"):
        path = str(_home(environ)) + path[1:]
    # Absolute now: a worker that changes directory later must not move the store.
    return Path(path).absolute()


def persistence_from_environment(environ: Mapping[str, str] = os.environ, *,
                                 clock: Callable[[], float] = time.time):
    """The persistence adapter the configuration asks for, or None for no memory at all.

    `clock` (epoch seconds) decides what has expired: a conversation played at a chosen
    moment (`aftercare chat --now`) must pass that moment, or records it keeps may count as
    expired, or not, by the wall clock instead.

    AFTERCARE_MEMORY       off (default: no store at all) | on (skill/privacy.py)
    AFTERCARE_STORE        sqlite (default) | dynamodb | none
    AFTERCARE_SQLITE_PATH  the SQLite file (default: see default_sqlite_path)
    AFTERCARE_DYNAMODB_TABLE, AFTERCARE_DYNAMODB_ENDPOINT, AWS_REGION / AWS_DEFAULT_REGION
    """
    from .privacy import Privacy

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
        if not chosen and environ.get("AWS_LAMBDA_FUNCTION_NAME"):
            # Lambda's disk is read-only outside /tmp, and /tmp dies with the instance: the
            # default would fail, or worse, forget at random. Say so at cold start.
            raise ValueError("on AWS Lambda set AFTERCARE_STORE=dynamodb (with "
                             "AFTERCARE_DYNAMODB_TABLE) or AFTERCARE_STORE=none")
        from .sqlite_store import SqlitePersistenceAdapter

        return SqlitePersistenceAdapter(_sqlite_path(environ), clock=clock)
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
