"""Free speech as an Echo sends it: a free-speech intent whose AMAZON.SearchQuery slot holds
what followed the carrier phrase, answered by the skill's own resolver."""
from __future__ import annotations

import pytest

from skill.content import get_content
from skill.understanding.free_speech import TEXT_SLOT, slot_json
from skill.understanding.resolver import SlotFill

from .helpers import answered_topic, spoken


FALLBACK_OPENING = "Sorry, I don't have guidance on that"


def free_speech(session, text, intent="StatementIntent"):
    slots = {} if text is None else {
        TEXT_SLOT: slot_json(TEXT_SLOT, SlotFill(text), "AMAZON.SearchQuery")}
    return session.intent(intent, slots)


EMERGENCY_OPENINGS = {"en-US": "Call nine one one now", "es-US": "Llame ahora al nueve uno uno"}


@pytest.mark.parametrize("locale, intent, heard", [
    ("en-US", "StatementIntent", "feel like there's a weight on my chest"),
    ("en-US", "CannotStatementIntent", "get a full breath in"),
    ("en-US", "HurtsStatementIntent", "when i breathe in"),
    ("en-US", "ChestStatementIntent", "feels really tight"),
    ("en-US", "BreathingStatementIntent", "is all shallow and quick"),
    ("en-US", "SharpStatementIntent", "pain in my chest out of nowhere"),
    # Spanish: "siento | como un peso en el pecho", "no puedo | respirar bien", ...
    ("es-US", "StatementIntent", "como un peso en el pecho"),
    ("es-US", "CannotStatementIntent", "respirar bien"),
    ("es-US", "HurtsStatementIntent", "cuando respiro hondo"),
    ("es-US", "ChestStatementIntent", "muy apretado"),
    ("es-US", "BreathingStatementIntent", "muy cortita y rápida"),
    ("es-US", "SharpStatementIntent", "en el pecho de la nada"),
    ("es-US", "NoStatementIntent", "me deja respirar"),
    ("es-US", "ShortStatementIntent", "el aire"),
    ("es-US", "HardStatementIntent", "respirar"),
    ("es-US", "TightStatementIntent", "el pecho"),
    ("es-US", "HeavyStatementIntent", "en el pecho"),
    ("es-US", "SqueezingStatementIntent", "en el pecho"),
    ("es-US", "BreatheStatementIntent", "no me entra el aire"),
])
def test_the_carriers_words_are_put_back_before_the_text_is_read(handler, locale, intent, heard):
    """Alexa passes only the slot's words; "i can't | get a full breath in" is an emergency."""
    from skill.local.envelopes import LocalSession

    response = handler(free_speech(LocalSession(locale=locale), heard, intent), None)
    assert spoken(response).startswith(EMERGENCY_OPENINGS[locale]), (intent, heard)
    assert response["response"]["shouldEndSession"] is True


@pytest.mark.parametrize("locale, intent, heard, topic", [
    ("en-US", "NoStatementIntent", "chest pain just sore", "soreness"),
    ("en-US", "DontStatementIntent", "have a fever i'm just tired", "side_effects"),
    # "no | me duele el pecho, solo estoy adolorido", "no tengo | fiebre, ...", "sin | fiebre ..."
    ("es-US", "NoStatementIntent", "me duele el pecho solo estoy adolorido", "soreness"),
    ("es-US", "DontStatementIntent", "fiebre solo estoy cansado", "side_effects"),
    ("es-US", "NothingStatementIntent", "fiebre ni escalofríos puedo ir al gimnasio", "activity"),
])
def test_a_denying_carrier_puts_the_denial_back(handler, locale, intent, heard, topic):
    from skill.local.envelopes import LocalSession

    response = handler(free_speech(LocalSession(locale=locale), heard, intent), None)
    assert answered_topic(response)[0] == topic, (intent, heard, spoken(response))
    assert not spoken(response).startswith(EMERGENCY_OPENINGS[locale])


@pytest.mark.parametrize("locale, heard", [("en-US", "can i take tylenol"),
                                           ("es-US", "puedo tomar tylenol")])
def test_every_free_speech_intent_is_answered(handler, locale, heard):
    from skill.local.envelopes import LocalSession

    for intent in get_content()[locale].openings:
        response = handler(free_speech(LocalSession(locale=locale), heard, intent), None)
        assert spoken(response).strip(), intent


def test_free_speech_reaches_a_topic_with_its_slot_value(handler, session):
    response = handler(free_speech(session, "wondering if advil is okay after needling"), None)
    assert answered_topic(response) == ("pain_relief", "nsaid")


@pytest.mark.parametrize("heard, topic", [
    ("me preguntaba si el advil está bien después de la punción", ("pain_relief", "nsaid")),
    # "tomar" is said of drinks and medicines alike: a name no slot type knows is a medicine
    ("puedo tomar zyrtec", ("pain_relief", "unrecognised")),
    ("puedo tomarme una chela esta noche", ("alcohol_caffeine", "alcohol")),
])
def test_spanish_free_speech_reaches_a_topic_with_its_slot_value(handler, heard, topic):
    from skill.local.envelopes import LocalSession

    response = handler(free_speech(LocalSession(locale="es-US"), heard), None)
    assert answered_topic(response) == topic, spoken(response)


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


@pytest.mark.parametrize("locale, heard", [
    ("en-US", "um like kind of sort of um"),  # once weighed as a soreness question
    ("es-US", "bueno a ver a ver"),  # once weighed as a fever question
    ("es-US", "este o sea pues bueno"),
])
def test_only_fillers_are_no_question_in_any_language(handler, locale, heard):
    """Fillers alone are cut before the words are weighed: nothing is left to answer."""
    from skill.local.envelopes import LocalSession

    response = handler(free_speech(LocalSession(locale=locale), heard), None)
    assert answered_topic(response)[0] is None, spoken(response)


def test_a_long_rambling_sentence_that_names_an_emergency_still_escalates(handler, session):
    rambling = " ".join(["so anyway we went to the clinic and then we came home"] * 10)
    response = handler(free_speech(session, rambling + " and now my chest is really tight"), None)
    assert spoken(response).startswith("Call nine one one now")


@pytest.mark.parametrize("locale, heard, local, never", [
    ("fr-FR", "je ne peux pas respirer", "local emergency number", "nine one one"),
    # a Spanish locale the skill does not serve hears Spanish, and no US number
    ("es-MX", "no puedo respirar", "número local de emergencias", "nueve uno uno"),
    ("es-ES", "me duele el pecho", "número local de emergencias", "nueve uno uno"),
])
def test_free_speech_in_an_unsupported_locale_names_no_countrys_number(handler, locale, heard,
                                                                       local, never):
    from skill.local.envelopes import LocalSession

    session = LocalSession(locale=locale)
    text = spoken(handler(free_speech(session, heard), None))
    assert local in text
    assert never not in text


def test_other_intents_pass_the_interceptor_untouched(handler, session):
    response = handler(session.intent("AMAZON.HelpIntent"), None)
    assert spoken(response).startswith("I answer questions about recovering from dry needling")


def test_a_skill_built_without_the_alexa_apis_still_answers_times(handler, session):
    """The tests' skill has no API client, like a misconfigured server: no zone, no reminder,
    and still an answer, never "something went wrong"."""
    response = handler(free_speech(session, "had my session at two and my back aches"), None)
    assert not spoken(response).startswith("Sorry, something went wrong")
