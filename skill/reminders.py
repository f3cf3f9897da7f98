"""The 48-hour check: a reminder two days after the session, through the Alexa Reminders API."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from .session_time import SessionTime

PERMISSION = "alexa::alerts:reminders:skill:readwrite"
CHECK_AFTER = timedelta(hours=48)
MIN_LEAD = timedelta(minutes=5)  # a reminder due in a moment is no reminder


class PermissionMissing(Exception):
    """The person has not allowed this skill to set reminders."""


def check_in_time(session: SessionTime) -> datetime:
    return session.at + CHECK_AFTER


def worth_offering(session: SessionTime, now: datetime) -> bool:
    return check_in_time(session) - now.astimezone(timezone.utc) > MIN_LEAD


def reminder_request(session: SessionTime, now: datetime, zone_name: str | None, locale: str,
                     text: str):
    """Absolute, in the device's own time zone when we know it; otherwise an offset from now."""
    from ask_sdk_model.services.reminder_management import (AlertInfo, PushNotification,
                                                            PushNotificationStatus, ReminderRequest,
                                                            SpokenInfo, SpokenText, Trigger,
                                                            TriggerType)

    due = check_in_time(session)
    if zone_name:
        from zoneinfo import ZoneInfo

        local = due.astimezone(ZoneInfo(zone_name)).replace(tzinfo=None, microsecond=0)
        trigger = Trigger(object_type=TriggerType.SCHEDULED_ABSOLUTE, scheduled_time=local,
                          time_zone_id=zone_name)
    else:
        offset = int((due - now.astimezone(timezone.utc)).total_seconds())
        trigger = Trigger(object_type=TriggerType.SCHEDULED_RELATIVE, offset_in_seconds=offset)
    return ReminderRequest(
        request_time=now.astimezone(timezone.utc).replace(tzinfo=None, microsecond=0),
        trigger=trigger,
        alert_info=AlertInfo(spoken_info=SpokenInfo(content=[SpokenText(locale=locale, text=text)])),
        push_notification=PushNotification(status=PushNotificationStatus.ENABLED),
    )


def create(handler_input, request) -> None:
    """Raises PermissionMissing when the person has not granted the reminders permission."""
    from ask_sdk_model.services import ServiceException

    factory = handler_input.service_client_factory
    if factory is None:
        raise RuntimeError("no Alexa API client configured")
    try:
        factory.get_reminder_management_service().create_reminder(request)
    except ServiceException as exc:
        if exc.status_code in (401, 403):
            raise PermissionMissing() from None
        raise
