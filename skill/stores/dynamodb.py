"""The DynamoDB store, for AWS Lambda: the SDK's DynamoDB adapter plus expiry.

Importing this module imports boto3 and ask_sdk_dynamodb, so only `make_dynamodb_adapter` in
skill/stores/__init__.py imports it, when the store is first used: a Lambda cold start, the CLI
and a SQLite server never pay for boto3. ask_sdk_dynamodb builds a default boto3 resource when
it is imported, which fails without a region: that function sets the region up first.
"""
from __future__ import annotations

import logging
import math
import time
from decimal import Decimal
from typing import Callable, Mapping

from ask_sdk_core.exceptions import PersistenceException
from boto3.dynamodb.conditions import Attr

from .records import DEFAULT_TTL_ATTRIBUTE, _from_dynamodb, _to_dynamodb, expiry_of, user_id_keygen

try:
    from ask_sdk_dynamodb.adapter import DynamoDbAdapter
except ImportError as error:
    raise ImportError("the DynamoDB store needs the ask-sdk-dynamodb-persistence-adapter "
                      "package (pip install ask-sdk-dynamodb-persistence-adapter)") from error

log = logging.getLogger(__name__)


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
