"""What a user hears and what the session does, turn by turn, through the real skill."""
from __future__ import annotations

import re

import json
import logging

import pytest

from skill.builder import build_skill_builder, lambda_handler_for
from skill.local.envelopes import LocalSession
from skill.understanding.free_speech import slot_json
from skill.understanding.resolver import SlotFill

from .helpers import answered_topic, ends, spoken

MAX_SPEECH_CHARS = 8000
MAX_RESPONSE_BYTES = 24 * 1024


def test_golden_conversation_launch_question_more_repeat_stop(conversation):
    talk = conversation()
    launch = talk.say("open needling aftercare")
    assert spoken(launch).startswith("Welcome to needling aftercare.")
    assert "not medical advice" in spoken(launch)
    assert ends(launch) is False and launch["response"]["reprompt"]

    answer = talk.say("what can I take for the pain")
    assert spoken(answer).startswith("The usual choice of pain reliever after dry needling is "
                                    "acetaminophen, such as Tylenol.")
    assert spoken(answer).endswith("Want to know why?")
    assert ends(answer) is False
    assert answer["sessionAttributes"]["offer"] == {"kind": "more", "topic": "pain_relief",
                                                    "variant": "default"}

    more = talk.say("yes")
    assert spoken(more).startswith("Some practitioners believe anti-inflammatories")
    assert spoken(more).endswith("What else would you like to know?")  # we are in a conversation
    assert ends(more) is False
    assert "offer" not in more["sessionAttributes"]

    again = talk.say("say that again")
    assert spoken(again) == spoken(more)
    assert again["response"]["card"] == more["response"]["card"]
    assert ends(again) is False

    bye = talk.say("stop")
    assert spoken(bye) == "Take care, and rest well."
    assert ends(bye) is True
    assert not talk.session.open


def test_one_shot_invocation_answers_and_closes_when_nothing_is_asked(conversation):
    talk = conversation()
    response = talk.say("Alexa, ask needling aftercare can I go for a walk")
    assert spoken(response).startswith("Gentle movement like that is a good idea.")
    assert ends(response) is True
    assert not spoken(response).endswith("What else would you like to know?")


def test_one_shot_with_an_offer_keeps_the_session_open_for_the_answer(conversation):
    talk = conversation()
    response = talk.say("ask needling aftercare what can I take for the pain")
    assert spoken(response).endswith("Want to know why?") and ends(response) is False
    more = talk.say("yes please")
    assert "ask your therapist" in spoken(more) and ends(more) is True


def test_more_can_lead_to_another_topic(conversation):
    talk = conversation()
    talk.say("what is dry needling")
    follow = talk.say("yes")
    assert answered_topic(follow) == ("overview", "default")
    assert spoken(follow).startswith("Three things matter most.")


def test_no_after_an_offer_ends_politely(conversation):
    talk = conversation()
    talk.say("open needling aftercare")
    talk.say("can I take ibuprofen")
    talk.say("what can I take for the pain")
    response = talk.say("no thanks")
    assert spoken(response).startswith("Okay.") and ends(response) is True


@pytest.mark.parametrize("said, starts, topic", [
    ("can I take ibuprofen", "Go carefully with anti-inflammatories", ("pain_relief", "nsaid")),
    ("can I take advil", "Go carefully with anti-inflammatories", ("pain_relief", "nsaid")),
    ("can I take tylenol", "The pain reliever usually preferred", ("pain_relief", "acetaminophen")),
    ("can I go for a walk", "Gentle movement like that", ("activity", "gentle")),
    ("can I have a beer tonight", "Hold off on alcohol", ("alcohol_caffeine", "alcohol")),
])
def test_slot_values_pick_the_specific_answer(conversation, said, starts, topic):
    response = conversation().say(said)
    assert spoken(response).startswith(starts)
    assert answered_topic(response) == topic


@pytest.mark.parametrize("said, starts, topic", [
    ("can I lift weights", "Hold off on that for 24 to 48 hours", ("activity", "strenuous")),
    ("can I do yoga", "Keep it light for 24 to 48 hours", ("activity", "moderate")),
    ("should I use my heating pad", "Heat works best after the first 24 hours", ("heat_ice", "heat")),
])
def test_time_dependent_slot_answers_when_the_time_stays_unknown(conversation, said, starts, topic):
    """Answer first: the general answer, then one short question; "not sure" needs no repeat."""
    talk = conversation()
    first = talk.say(said)
    assert spoken(first).startswith(starts)
    assert spoken(first).endswith("I can tell you which applies to you. When was your session?")
    assert answered_topic(first) == topic
    response = talk.say("I'm not sure")
    assert spoken(response).startswith("That's okay.")
    assert "When was your session" not in spoken(response)


def test_an_unrecognised_slot_value_is_told_so(conversation):
    response = conversation().say("can I take xanax")
    assert spoken(response).startswith("I don't have guidance on that medicine")
    assert answered_topic(response) == ("pain_relief", "unrecognised")


def test_every_answer_has_a_card(conversation):
    for said in ["open needling aftercare", "can I take tylenol", "my chest hurts", "help", "qwerty"]:
        card = conversation().say(said)["response"]["card"]
        assert card["type"] == "Simple" and card["title"] and card["content"]


@pytest.mark.parametrize("said", [
    "my chest hurts when I stretch", "I can't breathe, can I take ibuprofen",
    "my chest is sore after the gym",
])
def test_red_flags_beat_topics(conversation, said):
    response = conversation().say(said)
    assert answered_topic(response)[0] == "emergency"
    assert spoken(response).startswith("Call nine one one now on your phone, or get emergency care.")
    assert ends(response) is True
    assert response["response"]["card"]["title"] == "Call 911 now"


def test_emergency_in_a_conversation_asks_nothing_back(conversation):
    talk = conversation()
    talk.say("open needling aftercare")
    response = talk.say("I'm short of breath")
    assert "?" not in spoken(response) and ends(response) is True
    assert "reprompt" not in response["response"]


# ------------------------------------------------------------ what Alexa sends, not what we typed

def request(session: LocalSession, intent: str, **slots: SlotFill) -> dict:
    return session.intent(intent, {n: slot_json(n, f) for n, f in slots.items()})


def test_a_symptom_in_the_chest_escalates_to_the_emergency(handler, session):
    response = handler(request(session, "SymptomIntent", symptom=SlotFill("sore", "soreness"),
                               bodyArea=SlotFill("chest", "chest")), None)
    assert answered_topic(response)[0] == "emergency"


def test_a_body_area_alone_escalates_through_the_intents_own_symptom(handler, session):
    """"my chest hurts" may reach SorenessIntent with bodyArea=chest on a real device."""
    response = handler(request(session, "SorenessIntent", bodyArea=SlotFill("chest", "chest")), None)
    assert answered_topic(response)[0] == "emergency"
    shoulder = handler(request(session, "SorenessIntent", bodyArea=SlotFill("shoulder", "shoulder")), None)
    assert answered_topic(shoulder)[0] == "soreness"


@pytest.mark.parametrize("symptom, topic", [("redness", "infection"), ("chills", "fever"),
                                            ("bruising", "side_effects"), ("sharp_pain", "worsening_pain")])
def test_symptoms_route_to_their_topic(handler, session, symptom, topic):
    response = handler(request(session, "SymptomIntent", symptom=SlotFill(symptom, symptom)), None)
    assert answered_topic(response)[0] == topic


def test_urgent_answers_say_whom_to_call_and_close(handler, session):
    response = handler(request(session, "FeverIntent"), None)
    assert spoken(response).startswith("Contact a healthcare provider, like your doctor or your practitioner, right away")
    assert ends(response) is True


def test_an_unknown_intent_gets_the_fallback_not_a_crash(handler, session):
    response = handler(request(session, "TotallyMadeUpIntent"), None)
    assert spoken(response).startswith("Sorry, I don't have guidance on that")
    assert ends(response) is False and response["response"]["reprompt"]


def test_a_symptom_we_have_no_guidance_for_gets_the_fallback(handler, session):
    response = handler(request(session, "SymptomIntent", symptom=SlotFill("dizzy")), None)
    assert spoken(response).startswith("Sorry, I don't have guidance on that")
    assert "nine one one" in spoken(response)


def test_a_missing_slot_gives_the_general_answer(handler, session):
    response = handler(request(session, "PainReliefIntent"), None)
    assert answered_topic(response) == ("pain_relief", "default")


def test_an_unsupported_locale_gets_a_clear_answer_without_a_foreign_number(conversation):
    response = conversation(locale="de-DE").say("my chest hurts")
    assert spoken(response).startswith("Sorry, needling aftercare isn't available in this language yet.")
    assert "local emergency number" in spoken(response)
    assert not re.search(r"\b(nine|one|zero|triple|\d)", spoken(response))  # no country's number
    assert ends(response) is True


def test_yes_and_repeat_with_nothing_pending(conversation):
    talk = conversation()
    assert spoken(talk.say("repeat that")).startswith("I haven't told you anything yet.")
    assert spoken(talk.say("yes")) .startswith("Sure. What would you like to know?")


def test_help_and_fallback_keep_the_session_open(conversation):
    talk = conversation()
    help_ = talk.say("help")
    assert "nine one one" in spoken(help_) and ends(help_) is False
    fallback = talk.say("what's the weather today")
    assert spoken(fallback).startswith("Sorry, I don't have guidance on that")
    assert ends(fallback) is False


def test_session_ended_request_returns_an_empty_response(handler, session):
    response = handler(session.ended("USER_INITIATED"), None)
    assert "outputSpeech" not in response.get("response", {})


def test_session_stays_open_exactly_when_a_question_is_asked(conversation):
    said = ["open needling aftercare", "how long will I be sore", "yes", "can I drink coffee",
            "my arm is bruised", "I have a fever", "what should I do after dry needling", "repeat",
            "help", "no", "ask needling aftercare what are the warning signs", "stop", "blah blah"]
    talk = conversation()
    for line in said:
        response = talk.say(line)
        asks = spoken(response).rstrip().endswith("?")
        assert ends(response) is (not asks), line
        assert ("reprompt" in response["response"]) is asks, line


def test_responses_stay_within_alexas_size_limits(conversation, en):
    talk = conversation()
    for line in ["open needling aftercare", "what should I do after dry needling", "yes",
                 "what are the warning signs", "yes", "repeat"]:
        response = talk.say(line)
        assert len(response["response"]["outputSpeech"]["ssml"]) < MAX_SPEECH_CHARS
        card = response["response"]["card"]
        assert len(card["title"]) + len(card["content"]) < MAX_SPEECH_CHARS
        assert len(json.dumps(response).encode()) < MAX_RESPONSE_BYTES


# ------------------------------------------------------------ errors and logs

def test_an_internal_error_becomes_a_calm_apology(content, session, monkeypatch):
    import skill.handlers.topics as topics

    def broken(*args, **kwargs):
        raise RuntimeError("boom with the user's words: my secret question")
    monkeypatch.setattr(topics, "respond", broken)
    handler = lambda_handler_for(build_skill_builder(content=content))
    response = handler(request(session, "HydrationIntent"), None)
    assert spoken(response).startswith("Sorry, something went wrong on my side.")
    assert "nine one one" in spoken(response)
    assert ends(response) is True


def test_logs_carry_intent_and_latency_but_no_user_data(handler, session, caplog):
    caplog.set_level(logging.DEBUG)
    session.user_id = "amzn1.ask.account.SECRET-USER"
    handler(request(session, "PainReliefIntent", medicine=SlotFill("zzsecretmed")), None)
    text = caplog.text
    assert "PainReliefIntent" in text and " ms" in text
    assert "SECRET-USER" not in text and "zzsecretmed" not in text


def test_error_logs_carry_no_user_words(content, session, monkeypatch, caplog):
    import skill.handlers.topics as topics

    def broken(*args, **kwargs):
        raise RuntimeError("my secret question")
    monkeypatch.setattr(topics, "respond", broken)
    caplog.set_level(logging.DEBUG)
    lambda_handler_for(build_skill_builder(content=content))(request(session, "HydrationIntent"), None)
    assert "RuntimeError" in caplog.text
    assert "my secret question" not in caplog.text
