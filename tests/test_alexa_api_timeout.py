"""An Alexa API that never answers costs at most the client's timeout, and the answer is
still spoken: Alexa gives the skill 8 seconds, and a silent endpoint once held it 20."""
from __future__ import annotations

import socket
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from ask_sdk_model.services import ApiClientRequest

from skill import alexa_api
from skill.alexa_api import LazyApiClient
from skill.builder import build_skill_builder, lambda_handler_for
from skill.local.conversation import Conversation

from .helpers import spoken

EVENING = datetime(2026, 11, 27, 18, 0, tzinfo=ZoneInfo("America/New_York"))


@pytest.fixture
def silent_endpoint():
    """A port that accepts connections (the kernel's backlog) and never says a word."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    yield f"https://127.0.0.1:{listener.getsockname()[1]}"
    listener.close()


@pytest.fixture
def short_timeouts(monkeypatch):
    monkeypatch.setattr(alexa_api, "CONNECT_TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(alexa_api, "READ_TIMEOUT_SECONDS", 0.2)


def test_the_api_timeout_is_within_two_seconds():
    assert alexa_api.API_TIMEOUT_SECONDS <= 2.0


def test_a_silent_endpoint_is_an_http_503_not_a_hang(silent_endpoint, short_timeouts):
    request = ApiClientRequest(headers=[], method="GET",
                               url=f"{silent_endpoint}/v2/devices/d/settings/System.timeZone")
    response = LazyApiClient().invoke(request)
    assert response.status_code == 503


def test_a_time_aware_answer_is_spoken_when_the_api_is_silent(silent_endpoint, short_timeouts,
                                                             content, en, resolver):
    handler = lambda_handler_for(build_skill_builder(content=content, api_client=LazyApiClient()))
    conversation = Conversation(handler, en, resolver=resolver, now=EVENING)
    conversation.session.api_endpoint = silent_endpoint
    conversation.say("should i use heat or ice")
    answer = spoken(conversation.say("my session was yesterday at three"))
    # No time zone came back, so it counts in UTC and says so, then answers for the time.
    assert answer.startswith(en.phrase("utc_caveat").speech), answer
    assert "It's been about a day" in answer, answer
