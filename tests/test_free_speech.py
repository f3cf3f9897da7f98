"""Free speech as an Echo sends it: a free-speech intent whose AMAZON.SearchQuery slot holds
what followed the carrier phrase, answered by the skill's own resolver."""
from __future__ import annotations

import pytest

from skill.content import get_content
from skill.understanding.free_speech import TEXT_SLOT, slot_json
from skill.understanding.resolver import SlotFill

from .helpers import answered_topic, spoken

OPENING_WORDS = get_content()["en-US"].openings  # free-speech intent -> its opening words

FALLBACK_OPENING = "Sorry, I don't have guidance on that"


def free_speech(session, text, intent="StatementIntent"):
    slots = {} if text is None else {
        TEXT_SLOT: slot_json(TEXT_SLOT, SlotFill(text), "AMAZON.SearchQuery")}
    return session.intent(intent, slots)


@pytest.mark.parametrize("intent, heard", [
    ("StatementIntent", "feel like there's a weight on my chest"),
    ("CannotStatementIntent", "get a full breath in"),
    ("HurtsStatementIntent", "when i breathe in"),
    ("ChestStatementIntent", "feels really tight"),
    ("BreathingStatementIntent", "is all shallow and quick"),
    ("SharpStatementIntent", "pain in my chest out of nowhere"),
])
def test_the_carriers_words_are_put_back_before_the_text_is_read(handler, session, intent, heard):
    """Alexa passes only the slot's words; "i can't | get a full breath in" is an emergency."""
    response = handler(free_speech(session, heard, intent), None)
    assert spoken(response).startswith("Call nine one one now"), (intent, heard)
    assert response["response"]["shouldEndSession"] is True


def test_every_free_speech_intent_is_answered(handler, session):
    for intent in OPENING_WORDS:
        response = handler(free_speech(session, "can i take tylenol", intent), None)
        assert spoken(response).strip(), intent


def test_free_speech_reaches_a_topic_with_its_slot_value(handler, session):
    response = handler(free_speech(session, "wondering if advil is okay after needling"), None)
    assert answered_topic(response) == ("pain_relief", "nsaid")


@pytest.mark.parametrize("heard", [
    None,  # the slot is missing
    "",
    "   ",
    " ".join(["lorem ipsum dolor sit amet consectetur"] * 170),  # about 1,000 words
    "me gustaria saber que hacer despues de la sesion",
    "qwrtzp xkcd vbnmlk",
    "um uh like you know so yeah",
])
def test_bad_free_speech_gets_the_fallback_never_an_alarm(handler, session, heard):
    response = handler(free_speech(session, heard), None)
    text = spoken(response)
    assert text.startswith(FALLBACK_OPENING), text
    assert answered_topic(response)[0] is None
    assert response["response"]["shouldEndSession"] is False  # it asks what they'd like to know


def test_a_long_rambling_sentence_that_names_an_emergency_still_escalates(handler, session):
    rambling = " ".join(["so anyway we went to the clinic and then we came home"] * 10)
    response = handler(free_speech(session, rambling + " and now my chest is really tight"), None)
    assert spoken(response).startswith("Call nine one one now")


def test_free_speech_in_an_unsupported_locale_names_no_countrys_number(handler):
    from skill.local.envelopes import LocalSession

    session = LocalSession(locale="fr-FR")
    text = spoken(handler(free_speech(session, "je ne peux pas respirer"), None))
    assert "local emergency number" in text
    assert "nine one one" not in text


def test_other_intents_pass_the_interceptor_untouched(handler, session):
    response = handler(session.intent("AMAZON.HelpIntent"), None)
    assert spoken(response).startswith("I answer questions about recovering from dry needling")


def test_a_skill_built_without_the_alexa_apis_still_answers_times(handler, session):
    """The tests' skill has no API client, like a misconfigured server: no zone, no reminder,
    and still an answer, never "something went wrong"."""
    response = handler(free_speech(session, "had my session at two and my back aches"), None)
    assert not spoken(response).startswith("Sorry, something went wrong")
