"""What the skill keeps about a person, and only with their consent: the session time.

In the Alexa session it lives in session attributes; across sessions, only after
a "yes" to "want me to remember that for the next three days?", it lives in the
persistence adapter (SQLite or DynamoDB), keyed by the SDK's user id, and
expires by itself after 72 hours.
"""
from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta, timezone

from ask_sdk_core.exceptions import AttributesManagerException, PersistenceException

from ..state import DATE_ONLY, FROM_STORE_CHECKED, REMEMBERED, SESSION_AT
from ..stores.records import DEFAULT_TTL_ATTRIBUTE as EXPIRES_AT  # epoch seconds
from .session_time import SessionTime

log = logging.getLogger(__name__)

KEEP_FOR = timedelta(hours=72)


def _to_attrs(session: SessionTime) -> dict:
    return {SESSION_AT: session.at.astimezone(timezone.utc).isoformat(), DATE_ONLY: session.date_only}


def _from_attrs(attrs: dict) -> SessionTime | None:
    try:
        at = datetime.fromisoformat(attrs[SESSION_AT])
    except (KeyError, TypeError, ValueError):
        return None
    return SessionTime(at.astimezone(timezone.utc), bool(attrs.get(DATE_ONLY)))


_NO_STORE = object()


def _read_store(handler_input):
    """The stored attributes, or _NO_STORE when there is no store or it cannot be read.

    A store that fails (corrupt file, read-only or full disk, a lock held too long, DynamoDB
    unreachable) must cost only the remembered part: the answer around it is still spoken.
    Any exception counts, not only the SDK's two, because adapters are free to raise others.
    """
    try:
        stored = handler_input.attributes_manager.persistent_attributes
    except AttributesManagerException:
        return _NO_STORE  # no adapter configured: memory is off
    except Exception as error:  # noqa: BLE001 - see above; the type alone is logged
        log.warning("store unreadable, answering without it: %s", type(error).__name__)
        return _NO_STORE
    return stored if isinstance(stored, dict) else _NO_STORE


def has_store(handler_input) -> bool:
    """A store is configured and answers: only then is remembering offered."""
    return _read_store(handler_input) is not _NO_STORE


def _expired(stored: dict, now: datetime) -> bool:
    try:
        expires = float(stored.get(EXPIRES_AT, 0))
    except (TypeError, ValueError):
        return True  # a record whose expiry cannot be read is not trusted
    return not math.isfinite(expires) or expires <= now.timestamp()


def _stored(handler_input, now: datetime) -> dict:
    stored = _read_store(handler_input)
    if stored is _NO_STORE or not stored:
        return {}
    if _expired(stored, now):
        return {}  # the adapter deletes it; never trust an expired record meanwhile
    return stored


def known_session(handler_input, now: datetime) -> SessionTime | None:
    """The session time said in this conversation, else the remembered one."""
    attrs = handler_input.attributes_manager.session_attributes
    said = _from_attrs(attrs)
    if said is not None or attrs.get(FROM_STORE_CHECKED):
        return said
    attrs[FROM_STORE_CHECKED] = True  # one store read per conversation
    remembered = _from_attrs(_stored(handler_input, now))
    if remembered is not None:
        attrs.update(_to_attrs(remembered))
        attrs[REMEMBERED] = True
    return remembered


def note(handler_input, session: SessionTime) -> None:
    handler_input.attributes_manager.session_attributes.update(_to_attrs(session))


def is_remembered(handler_input) -> bool:
    return bool(handler_input.attributes_manager.session_attributes.get(REMEMBERED))


def remember(handler_input, session: SessionTime, now: datetime) -> datetime:
    """Keep the session time (and the consent) until now + 72 hours; returns the expiry.

    Raises PersistenceException, whatever the store's own error was, so the caller can say
    "I couldn't save that" and carry on.
    """
    expires = now + KEEP_FOR
    manager = handler_input.attributes_manager
    try:
        manager.persistent_attributes = {
            **_to_attrs(session),
            "consent": {"given_at": now.astimezone(timezone.utc).isoformat(), "hours": 72},
            EXPIRES_AT: int(expires.timestamp()),
        }
        manager.save_persistent_attributes()
    except PersistenceException:
        raise
    except Exception as error:  # noqa: BLE001 - one kind of failure for the caller
        raise PersistenceException(f"store write failed: {type(error).__name__}") from None
    manager.session_attributes[REMEMBERED] = True
    return expires


def forget(handler_input) -> bool:
    """Delete what is kept, at once. Returns whether anything was there."""
    attrs = handler_input.attributes_manager.session_attributes
    had = bool(attrs.get(REMEMBERED)) or SESSION_AT in attrs
    for key in (SESSION_AT, DATE_ONLY, REMEMBERED):
        attrs.pop(key, None)
    attrs[FROM_STORE_CHECKED] = True
    stored = _read_store(handler_input)
    try:
        handler_input.attributes_manager.delete_persistent_attributes()
    except AttributesManagerException:
        return had  # no store: the session attributes were all there was
    except PersistenceException:
        raise  # never say "forgotten" when the record may still be there
    except Exception as error:  # noqa: BLE001
        raise PersistenceException(f"store delete failed: {type(error).__name__}") from None
    return had or (stored is not _NO_STORE and bool(stored))
