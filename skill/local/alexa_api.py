"""The terminal's stand-in for the Alexa settings and reminders APIs (`aftercare chat`).

It answers the calls the skill makes as Alexa would: the device's time zone, and a reminder
set (or refused, to play a person who has not granted the permission). On Lambda and the web
service the skill calls the real APIs through skill/alexa_api.py.
"""
from __future__ import annotations

import json
import re
import sys
import uuid

from ask_sdk_model.services import ApiClient, ApiClientResponse


class LocalAlexaApi(ApiClient):
    """Answers the settings and reminders calls the skill makes, for the terminal."""

    def __init__(self, time_zone: str | None, reminders_allowed: bool = True, report=sys.stderr):
        self.time_zone = time_zone
        self.reminders_allowed = reminders_allowed
        self.report = report
        self.reminders: list[dict] = []

    def invoke(self, request):
        if request.method == "GET" and re.search(r"/v2/devices/[^/]+/settings/System.timeZone$", request.url):
            if not self.time_zone:
                return ApiClientResponse(headers=[], status_code=204, body="")
            return ApiClientResponse(headers=[], status_code=200, body=json.dumps(self.time_zone))
        if request.method == "POST" and request.url.endswith("/v1/alerts/reminders"):
            if not self.reminders_allowed:
                return ApiClientResponse(headers=[], status_code=401,
                                         body=json.dumps({"code": "UNAUTHORIZED", "message": "no consent"}))
            # The SDK hands over the body already serialised to JSON-ready data.
            payload = request.body if isinstance(request.body, dict) else json.loads(request.body)
            self.reminders.append(payload)
            if self.report:
                trigger = payload.get("trigger", {})
                when = trigger.get("scheduledTime") or f"in {trigger.get('offsetInSeconds')} s"
                print(f"(reminder set: {when} {trigger.get('timeZoneId', '')})".rstrip(),
                      file=self.report)
            body = {"alertToken": str(uuid.uuid4()), "status": "ON", "version": "1"}
            return ApiClientResponse(headers=[], status_code=201, body=json.dumps(body))
        return ApiClientResponse(headers=[], status_code=404, body=json.dumps({"message": "not here"}))
