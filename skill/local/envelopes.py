"""Alexa request envelopes built locally, as the Alexa service would send them.

The local ways in and the tests go through the real deserialiser and the same
SkillBuilder as Lambda, so what they exercise is what a device exercises.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timezone


LOCAL_SKILL_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
API_ENDPOINT = "https://api.amazonalexa.com"
# What an Echo Show 8 reports: APL, and its screen in the context's Viewport.
APL_INTERFACES = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}}
SHOW_VIEWPORT = {"experiences": [{"canRotate": False, "canResize": False}], "mode": "HUB",
                 "shape": "RECTANGLE", "pixelWidth": 1280, "pixelHeight": 800, "dpi": 213,
                 "currentPixelWidth": 1280, "currentPixelHeight": 800,
                 "touch": ["SINGLE"], "keyboard": []}


def _stamp(moment: datetime | None) -> str:
    """Alexa's timestamp format, for `moment` or, without one, the real clock."""
    return (moment or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%SZ")


class LocalSession:
    """One Alexa session: ids, attributes carried between turns, new/ended state."""

    def __init__(self, locale: str = "en-US", user_id: str | None = None,
                 skill_id: str = LOCAL_SKILL_ID, now: datetime | None = None,
                 screen: bool = False):
        self.locale = locale
        self.screen = screen  # a device with a screen (APL), else a voice-only Echo
        self.skill_id = skill_id
        self.now = now  # a fixed moment for every request, else the real clock
        self.api_endpoint = API_ENDPOINT
        self.user_id = user_id or f"amzn1.ask.account.local-{uuid.uuid4().hex}"
        self.restart()

    def restart(self) -> None:
        self.session_id = f"amzn1.echo-api.session.{uuid.uuid4()}"
        self.attributes: dict = {}
        self.new = True
        self.open = False

    def envelope(self, request: dict) -> dict:
        request = {"requestId": f"amzn1.echo-api.request.{uuid.uuid4()}",
                   "timestamp": _stamp(self.now),
                   "locale": self.locale, **request}
        application = {"applicationId": self.skill_id}
        user = {"userId": self.user_id}
        envelope = {
            "version": "1.0",
            "session": {"new": self.new, "sessionId": self.session_id, "application": application,
                        "user": user, "attributes": dict(self.attributes)},
            "context": {"System": {"application": application, "user": user,
                                   "device": {"deviceId": "amzn1.ask.device.local",
                                              "supportedInterfaces": dict(
                                                  APL_INTERFACES if self.screen else {})},
                                   "apiEndpoint": self.api_endpoint,
                                   "apiAccessToken": "local-api-access-token"}},
            "request": request,
        }
        if self.screen:
            envelope["context"]["Viewport"] = dict(SHOW_VIEWPORT)
        return envelope

    def launch(self) -> dict:
        return self.envelope({"type": "LaunchRequest"})

    def intent(self, name: str, slots: dict | None = None) -> dict:
        return self.envelope({"type": "IntentRequest", "dialogState": "COMPLETED",
                              "intent": {"name": name, "confirmationStatus": "NONE",
                                         "slots": slots or {}}})

    def ended(self, reason: str = "USER_INITIATED") -> dict:
        return self.envelope({"type": "SessionEndedRequest", "reason": reason})

    def absorb(self, response: dict) -> None:
        """Carry the response's session state into the next turn."""
        self.new = False
        self.attributes = response.get("sessionAttributes") or {}
        ends = (response.get("response") or {}).get("shouldEndSession")
        self.open = ends is False
        if not self.open:
            self.restart()
