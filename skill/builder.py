"""The one place that assembles the skill. Lambda, the web service and the CLI all call this."""
from __future__ import annotations

from typing import Mapping

from ask_sdk_core.skill_builder import CustomSkillBuilder

from .content import LocaleContent, get_content
from .handlers.conversation import (ForgetHandler, LaunchHandler, NoHandler, PhraseHandler,
                                    RepeatHandler, SessionEndedHandler, SessionTimeHandler,
                                    YesMoreHandler)
from .handlers.errors import CatchAllExceptionHandler
from .handlers.safety import SafetyHandler, UnsupportedLocaleHandler
from .handlers.topics import TopicHandler
from .interceptors import LogLatency, StartTimer


def build_skill_builder(skill_id: str | None = None, persistence_adapter=None, api_client=None,
                        content: Mapping[str, LocaleContent] | None = None) -> CustomSkillBuilder:
    """A configured builder; `skill_id` makes the SDK refuse requests meant for another skill."""
    content = get_content() if content is None else content
    builder = CustomSkillBuilder(persistence_adapter=persistence_adapter, api_client=api_client)
    builder.skill_id = skill_id
    # Order is priority: the SDK asks each handler in turn. Safety comes before
    # any topic so a red flag is never answered as an ordinary question.
    for handler in (
        SessionEndedHandler(content),
        UnsupportedLocaleHandler(content),
        SafetyHandler(content),
        TopicHandler(content),
        LaunchHandler(content),
        SessionTimeHandler(content),
        ForgetHandler(content),
        YesMoreHandler(content),
        NoHandler(content),
        RepeatHandler(content),
        PhraseHandler(content),
    ):
        builder.add_request_handler(handler)
    builder.add_exception_handler(CatchAllExceptionHandler(content))
    builder.add_global_request_interceptor(StartTimer())
    builder.add_global_response_interceptor(LogLatency())
    return builder
