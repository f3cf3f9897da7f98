"""The one place that assembles the skill. Lambda, the web service and the CLI all call this."""
from __future__ import annotations

import json

from typing import Mapping

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import RequestEnvelope

from .content import LocaleContent, get_content
from .handlers.conversation import (ForgetHandler, LaunchHandler, NoHandler,
                                    PermissionResponseHandler, PhraseHandler, RepeatHandler,
                                    SessionEndedHandler, SessionTimeHandler, YesMoreHandler)
from .free_speech import FreeSpeechInterceptor
from .handlers.errors import CatchAllExceptionHandler
from .handlers.safety import SafetyHandler, UnsupportedLocaleHandler
from .handlers.topics import TopicHandler
from .interceptors import LogLatency, StartTimer
from .serializer import FastSerializer


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
        PermissionResponseHandler(content),
        PhraseHandler(content),
    ):
        builder.add_request_handler(handler)
    builder.add_exception_handler(CatchAllExceptionHandler(content))
    builder.add_global_request_interceptor(StartTimer())
    # Before any handler is chosen: free speech becomes the intent it means.
    builder.add_global_request_interceptor(FreeSpeechInterceptor(content))
    builder.add_global_response_interceptor(LogLatency())
    return builder


def create_skill(builder: CustomSkillBuilder) -> CustomSkill:
    """The skill, once per process, with the faster serializer (skill/serializer.py)."""
    skill = builder.create()
    skill.serializer = FastSerializer()
    return skill


def lambda_handler_for(builder: CustomSkillBuilder):
    """`handler(event, context) -> dict`, as the SDK's `builder.lambda_handler()` but
    building the skill once per process instead of once per request."""
    skill = create_skill(builder)
    serializer = skill.serializer

    def handler(event, context):
        envelope = serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
        return serializer.serialize(skill.invoke(request_envelope=envelope, context=context))
    return handler
