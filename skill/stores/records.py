"""What every store and `memory` agree on about a user's record: its key, when it expires, and
its JSON types.

Kept apart from the stores so that the SQLite store, the DynamoDB store and the configuration
in `skill/stores/__init__.py` share it without importing each other (they used to form a cycle).
Standard library and the ASK SDK's exception only: importing this costs nothing.
"""
from __future__ import annotations

import math
import re
from decimal import Decimal
from typing import Any, Mapping

from ask_sdk_core.exceptions import PersistenceException

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


# The DynamoDB store's number conversions live here, not in skill/stores/dynamodb.py: they
# are what keeps both stores handing the skill the same JSON types, and importing them must
# not import boto3 (nor ask_sdk_dynamodb, whose import fails in a process with no region).

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
