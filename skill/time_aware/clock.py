"""The request's own "now" and the device's time zone.

"Now" is the request's timestamp, not this server's clock, so a conversation
replayed at a chosen moment (`aftercare chat --now`) and the tests are exact.
The time zone comes from the Alexa settings API; when it cannot be had we count
in UTC and say so.
"""
from __future__ import annotations

import logging
from datetime import datetime, timezone, tzinfo

from ..alexa_api import service_clients
from ..state import ZONE_ATTR

log = logging.getLogger(__name__)


def request_now(handler_input) -> datetime:
    stamp = getattr(handler_input.request_envelope.request, "timestamp", None)
    if isinstance(stamp, datetime):
        return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
    return datetime.now(timezone.utc)


def device_zone(handler_input) -> tuple[tzinfo, str | None]:
    """(zone, IANA name) or (UTC, None) when the settings API cannot tell us."""
    attrs = handler_input.attributes_manager.session_attributes
    name = attrs.get(ZONE_ATTR)
    if name is None:
        name = _ask_settings_api(handler_input)
        if name:
            attrs[ZONE_ATTR] = name
    if name:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # only when a zone is needed

        try:
            return ZoneInfo(name), name
        except (ZoneInfoNotFoundError, ValueError):
            log.warning("the settings API gave a time zone this system does not know")
    return timezone.utc, None


def _ask_settings_api(handler_input) -> str | None:
    factory = service_clients(handler_input)
    device = getattr(getattr(handler_input.request_envelope.context.system, "device", None),
                     "device_id", None)
    if factory is None or not device:
        return None
    try:
        return factory.get_ups_service().get_system_time_zone(device) or None
    except Exception as exc:  # any failure means "unknown", answered with UTC and a caveat
        log.warning("time zone unavailable: %s", type(exc).__name__)
        return None
