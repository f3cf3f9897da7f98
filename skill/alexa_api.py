"""Clients for the Alexa APIs (settings, reminders).

On Lambda and the web service: the SDK's DefaultApiClient, imported only when a
handler first calls an API, because it pulls in `requests` (tens of
milliseconds of cold start for a path most questions never take).
Locally (`aftercare chat`): an in-process stand-in that answers as Alexa would.
"""
from __future__ import annotations

import sys

from ask_sdk_model.services import ApiClient, ApiClientResponse


class LazyApiClient(ApiClient):
    def __init__(self):
        self._client = None

    def invoke(self, request):
        if self._client is None:
            from ask_sdk_core.api_client import DefaultApiClient

            self._client = DefaultApiClient()
        return self._client.invoke(request)


class LocalAlexaApi(ApiClient):
    """Answers the settings and reminders calls the skill makes, for the terminal."""

    def __init__(self, time_zone: str | None, reminders_allowed: bool = True, report=sys.stderr):
        self.time_zone = time_zone
        self.reminders_allowed = reminders_allowed
        self.report = report
        self.reminders: list[dict] = []

    def invoke(self, request):
        import json  # the local stand-in's needs stay off the Lambda cold start
        import re
        import uuid

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
