"""The 48-hour check: a reminder two days after the session, through the Alexa Reminders API."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from ..alexa_api import service_clients
from .session_time import SessionTime

PERMISSION = "alexa::alerts:reminders:skill:readwrite"
ASK_FOR = "AskFor"  # Connections.SendRequest name: Alexa asks for the permission by voice
ASK_FOR_TOKEN = "reminder-permission"
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

    factory = service_clients(handler_input)
    if factory is None:
        raise RuntimeError("no Alexa API client configured")
    try:
        factory.get_reminder_management_service().create_reminder(request)
    except ServiceException as exc:
        if exc.status_code in (401, 403):
            raise PermissionMissing() from None
        raise


_HOURS = ("twelve one two three four five six seven eight nine ten eleven").split()
_MINUTES = {0: "", 15: " fifteen", 30: " thirty", 45: " forty-five"}


def _clock_words(hour: int, minute: int) -> str:
    """15:00 -> "three p.m.", 12:00 -> "noon", 9:30 -> "nine thirty a.m.", 16:05 -> "four oh five p.m."."""
    if minute == 0 and hour == 12:
        return "noon"
    if minute == 0 and hour == 0:
        return "midnight"
    from .session_time import _number

    if minute in _MINUTES:
        mins = _MINUTES[minute]
    elif minute < 10:
        mins = f" oh {_number(minute)}"
    else:
        mins = " " + _spoken_minutes(minute)
    return f"{_HOURS[hour % 12]}{mins} {'a.m.' if hour < 12 else 'p.m.'}"


def _spoken_minutes(minute: int) -> str:
    from .session_time import _number

    if minute < 24:
        return _number(minute)
    tens = {2: "twenty", 3: "thirty", 4: "forty", 5: "fifty"}[minute // 10]
    return tens if minute % 10 == 0 else f"{tens}-{_number(minute % 10)}"


def spoken_when(due: datetime, zone_name: str | None, language: str = "en") -> str | None:
    """The reminder's day and time as said: "Saturday at three p.m.", in the device's zone
    ("el sábado a las tres de la tarde" in Spanish); None when the zone is unknown (the
    reminder is then set relative to now)."""
    if not zone_name:
        return None
    from zoneinfo import ZoneInfo

    local = due.astimezone(ZoneInfo(zone_name))
    if language == "es":
        return f"el {_DIAS[local.weekday()]} {_hora_es(local.hour, local.minute)}"
    return f"{local.strftime('%A')} at {_clock_words(local.hour, local.minute)}"


_DIAS = "lunes martes miércoles jueves viernes sábado domingo".split()


def _hora_es(hour: int, minute: int) -> str:
    """15:00 -> "a las tres de la tarde", 13:30 -> "a la una y media de la tarde",
    12:00 -> "al mediodía", 9:05 -> "a las nueve y cinco de la mañana"."""
    from .session_time import numero

    if minute == 0 and hour == 12:
        return "al mediodía"
    if minute == 0 and hour == 0:
        return "a la medianoche"
    twelve = hour % 12 or 12
    clock = "a la una" if twelve == 1 else f"a las {numero(twelve, feminine=True)}"
    if minute:
        clock += {15: " y cuarto", 30: " y media"}.get(minute, f" y {_minutos(minute)}")
    part = ("de la madrugada" if hour < 6 else "de la mañana" if hour < 12
            else "del mediodía" if hour == 12 else "de la tarde" if hour < 19 else "de la noche")
    return f"{clock} {part}"


def _minutos(minute: int) -> str:
    """Minutes as said after "y": "cinco", "veintiuno", "treinta y siete"."""
    from .session_time import _NUMEROS

    if minute < len(_NUMEROS):
        return _NUMEROS[minute]
    tens = {3: "treinta", 4: "cuarenta", 5: "cincuenta"}[minute // 10]
    return tens if minute % 10 == 0 else f"{tens} y {_NUMEROS[minute % 10]}"


def ask_for_permission(handler_input):
    """Alexa's voice permission for reminders: Connections.SendRequest AskFor. Alexa asks the
    person itself; the answer comes back as a Connections.Response request."""
    from ask_sdk_model.interfaces.connections import SendRequestDirective

    directive = SendRequestDirective(
        name=ASK_FOR,
        payload={"@type": "AskForPermissionsConsentRequest", "@version": "2",
                 "permissionScopes": [{"permissionScope": PERMISSION, "consentLevel": "ACCOUNT"}]},
        token=ASK_FOR_TOKEN)
    builder = handler_input.response_builder
    builder.add_directive(directive)
    return builder.response
