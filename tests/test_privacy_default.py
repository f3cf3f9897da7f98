"""The published default keeps nothing about a person: no memory, no reminder, nothing on disk."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from skill.local.alexa_api import LocalAlexaApi
from skill.builder import build_skill_builder, lambda_handler_for
from skill.local.conversation import Conversation
from skill.stores import persistence_from_environment

from .helpers import spoken

NY = ZoneInfo("America/New_York")
AFTERNOON = datetime(2026, 11, 27, 16, 0, tzinfo=NY)


def test_the_default_offers_neither_memory_nor_a_reminder(content, en, resolver, tmp_path,
                                                          monkeypatch):
    for name in ("AFTERCARE_MEMORY", "AFTERCARE_REMINDERS", "AFTERCARE_STORE"):
        monkeypatch.delenv(name, raising=False)
    environ = {"HOME": str(tmp_path), "XDG_DATA_HOME": str(tmp_path / "data")}
    api = LocalAlexaApi("America/New_York", report=None)
    handler = lambda_handler_for(build_skill_builder(
        content=content, persistence_adapter=persistence_from_environment(environ), api_client=api))
    conversation = Conversation(handler, en, user_id="amzn1.ask.account.default",
                                resolver=resolver, now=AFTERNOON, zone=NY)
    said = [spoken(conversation.say(text)) for text in
            ("should i use heat or ice", "yesterday at three", "yes", "is it normal to be sore")]
    assert any("It's been about a day" in text for text in said), said
    assert not any("remember" in text.lower() or "reminder" in text.lower() for text in said), said
    assert api.reminders == []
    assert not any(tmp_path.rglob("*")), list(tmp_path.rglob("*"))  # nothing written anywhere
