"""The one place that assembles the skill. Lambda, the web service and the CLI all call this."""
from __future__ import annotations

import copy
import logging
import traceback
from typing import Mapping

from ask_sdk_core.skill import CustomSkill
from ask_sdk_core.skill_builder import CustomSkillBuilder
from ask_sdk_model import RequestEnvelope

from .content import DEFAULT_LOCALE, LocaleContent, get_content
from .handlers.conversation import (ForgetHandler, LaunchHandler, NoHandler,
                                    PermissionResponseHandler, PhraseHandler, RepeatHandler,
                                    SessionEndedHandler, SessionTimeHandler, YesMoreHandler)
from .understanding.free_speech import FreeSpeechInterceptor
from .handlers.errors import CatchAllExceptionHandler
from .handlers.safety import SafetyHandler, UnsupportedLocaleHandler
from .handlers.topics import TopicHandler
from .interceptors import LogLatency, StartTimer
from .request_limits import MAX_EVENT_DEPTH, depth_within, limit_event
from .serializer import FastSerializer
from .speech import to_ssml

log = logging.getLogger(__name__)


def build_skill_builder(skill_id: str | None = None, persistence_adapter=None, api_client=None,
                        content: Mapping[str, LocaleContent] | None = None) -> CustomSkillBuilder:
    """A configured builder; `skill_id` makes the SDK refuse requests meant for another skill."""
    content = get_content() if content is None else content
    builder = CustomSkillBuilder(persistence_adapter=persistence_adapter, api_client=api_client)
    builder.skill_id = skill_id
    builder.aftercare_content = content  # for lambda_handler_for's last-resort answer
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


def create_skill(builder: CustomSkillBuilder,
                 content: Mapping[str, LocaleContent] | None = None) -> "NeverSilentSkill":
    """The skill, once per process, with the faster serializer (skill/serializer.py), and
    an invoke() that never raises."""
    skill = NeverSilentSkill(builder.skill_configuration, content or _content_of(builder))
    skill.serializer = FastSerializer()
    return skill


def apology_response(content: LocaleContent) -> dict:
    """The calm apology, with the emergency line, as a complete response envelope: what
    Alexa hears when a request cannot be answered at all. Built from content up front, so
    giving it cannot fail."""
    answer = content.phrase("error")
    return {
        "version": "1.0",
        "response": {
            "outputSpeech": {"type": "SSML", "ssml": to_ssml(answer.speech)},
            "card": {"type": "Simple", "title": answer.card_title, "content": answer.card_text},
            "shouldEndSession": True,
        },
    }


def _where(error: BaseException) -> str:
    # Type and place only: an exception's message may quote what the user said.
    frames = traceback.extract_tb(error.__traceback__)[-3:]
    return " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}" for f in reversed(frames))


def _content_of(builder) -> Mapping[str, LocaleContent]:
    return getattr(builder, "aftercare_content", None) or get_content(check_patterns=False)


class NeverSilentSkill(CustomSkill):
    """A CustomSkill whose invoke() never raises: any failure is answered with the apology.

    The Lambda handler and the web service both answer through it, so a fault in a handler,
    in the error handler itself, or in the SDK's own checks is heard as "Sorry, something
    went wrong ... if you have chest pain, call ..." and not as silence or an HTTP 500.
    """

    def __init__(self, skill_configuration, content: Mapping[str, LocaleContent]):
        super().__init__(skill_configuration=skill_configuration)
        # The default locale's apology now, so that giving one cannot fail; another locale's
        # when it is first needed: on Lambda each locale's content loads only when a request
        # asks for it (skill/content.py LocalesOnDemand), and iterating would load them all.
        self._content = content
        default = DEFAULT_LOCALE if DEFAULT_LOCALE in content else next(iter(content))
        self._fallback = apology_response(content[default])
        self._apologies = {default: self._fallback}

    def apology(self, event) -> dict:
        """The apology in the request's language when it names one we speak."""
        if isinstance(event, RequestEnvelope):
            locale = getattr(event.request, "locale", None)
        else:
            request = event.get("request") if isinstance(event, dict) else None
            locale = request.get("locale") if isinstance(request, dict) else None
        return copy.deepcopy(self._apology_in(locale))  # the caller owns what it gets

    def _apology_in(self, locale) -> dict:
        answer = self._apologies.get(locale) if isinstance(locale, str) else self._fallback
        if answer is None:
            try:
                answer = apology_response(self._content[locale])
            except Exception:  # noqa: BLE001 - a locale we don't speak, or one that won't load
                return self._fallback  # not kept: a request may name any string
            self._apologies[locale] = answer
        return answer

    def invoke(self, request_envelope, context=None):
        try:
            return super().invoke(request_envelope=request_envelope, context=context)
        except Exception as error:  # noqa: BLE001 - the point of this class
            log.error("answered with the apology after %s at %s", type(error).__name__, _where(error))
            return self.apology(request_envelope)


def lambda_handler_for(builder: CustomSkillBuilder, content: Mapping[str, LocaleContent] | None = None):
    """`handler(event, context) -> dict`, as the SDK's `builder.lambda_handler()` but
    building the skill once per process instead of once per request.

    It never raises and always returns a valid response: Alexa answers an exception, or a
    malformed response, with "there was a problem with the requested skill's response",
    which to someone asking about chest pain says nothing at all. Whatever cannot be
    answered (an envelope the SDK cannot read, a missing context or session, a fault in
    the error handler itself) gets the apology with the emergency line instead.
    """
    skill = create_skill(builder, content)
    serializer = skill.serializer

    def handler(event, context=None):
        try:
            if isinstance(event, dict):
                event = limit_event(event)  # junk attributes dropped, not recursed into
            if not isinstance(event, dict) or not depth_within(event, MAX_EVENT_DEPTH):
                log.warning("answered with the apology: the event is not a request envelope")
                return skill.apology(event)
            envelope = serializer.deserialize_parsed(event, RequestEnvelope)
            if not isinstance(envelope, RequestEnvelope) or envelope.request is None:
                log.warning("answered with the apology: the event is not a request envelope")
                return skill.apology(event)
            response = serializer.serialize(skill.invoke(request_envelope=envelope, context=context))
            if not isinstance(response, dict) or not isinstance(response.get("response"), dict):
                log.error("answered with the apology: the skill gave no response")
                return skill.apology(event)
            return response
        except Exception as error:  # noqa: BLE001 - the point of this function
            log.error("answered with the apology after %s at %s", type(error).__name__, _where(error))
            return skill.apology(event)
    return handler
