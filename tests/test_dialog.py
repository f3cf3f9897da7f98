"""Answer first, the time question by Dialog.ElicitSlot, the replies people give, and offers
one at a time: what a tired person hears, turn by turn."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from skill.local.alexa_api import LocalAlexaApi
from skill.builder import build_skill_builder, lambda_handler_for
from skill.local.conversation import Conversation
from skill.time_aware.session_time import NotYet, session_moment

from .helpers import answered_topic, ends, spoken

NY = ZoneInfo("America/New_York")
AFTERNOON = datetime(2026, 11, 27, 16, 0, tzinfo=NY)  # a Friday
TIME_QUESTION = "I can tell you which applies to you. When was your session?"


@pytest.fixture
def talk(content, en, resolver, monkeypatch):
    # A clinic that turned reminders on (skill/privacy.py): the published default offers none.
    monkeypatch.setenv("AFTERCARE_REMINDERS", "on")

    def make(now=AFTERNOON, api=True):
        local_api = LocalAlexaApi("America/New_York", report=None) if api else None
        handler = lambda_handler_for(build_skill_builder(content=content, api_client=local_api))
        conversation = Conversation(handler, en, resolver=resolver, now=now, zone=NY)
        conversation.api = local_api
        return conversation
    return make


def elicits(response) -> bool:
    return any(d["type"] == "Dialog.ElicitSlot"
               for d in response["response"].get("directives", []))


# ------------------------------------------------------------ answer first

@pytest.mark.parametrize("question", [
    "can I use my heating pad", "how long will I be sore", "should I stay in bed",
    "can I lift weights", "what should I do after dry needling", "should I use ice",
])
def test_a_time_dependent_question_gets_guidance_first_then_one_short_question(talk, question):
    response = talk().say(question)
    said = spoken(response)
    assert said.endswith(TIME_QUESTION)
    guidance = said[: -len(TIME_QUESTION)]
    assert len(guidance.split()) >= 15 and "?" not in guidance, said
    assert elicits(response) and ends(response) is False


def test_a_one_shot_is_complete_without_a_second_turn(talk):
    response = talk().say("Alexa, ask needling aftercare can I use my heating pad")
    assert "After the first 24 hours, heat" in spoken(response)
    assert "Use ice only if the area is swollen" in spoken(response)


@pytest.mark.parametrize("question", ["is it infected", "I have a fever", "my pain is getting worse",
                                      "I can't breathe"])
def test_urgent_answers_never_carry_the_question(talk, question):
    response = talk().say(question)
    assert "When was your session" not in spoken(response)
    assert not elicits(response)


def test_should_i_stay_in_bed_gets_gentle_movement(talk):
    assert spoken(talk().say("should I stay in bed")).startswith("Keep moving gently")


# ------------------------------------------------------------ Alexa's rule, locally

def test_a_bare_time_counts_only_while_the_time_was_asked(talk):
    conversation = talk()
    for bare in ("yesterday", "two hours ago", "this morning"):
        response = conversation.say(bare)
        assert conversation.last_match.intent != "SessionTimeIntent", bare
        assert not spoken(response).startswith("Got it"), bare
    conversation.say("how long will I be sore")
    answer = conversation.say("yesterday")
    assert conversation.last_match.how == "slot_reply"
    assert conversation.last_match.intent == "SessionTimeIntent"
    assert spoken(answer).startswith("It's been about a day.")


def test_a_reply_to_the_question_is_an_in_progress_dialog(talk):
    conversation = talk()
    conversation.say("should I use ice")
    request = conversation.request_for("two hours ago")
    assert request["request"]["intent"]["name"] == "SessionTimeIntent"
    assert request["request"]["dialogState"] == "IN_PROGRESS"
    assert request["request"]["intent"]["slots"]["duration"]["value"] == "PT2H"


def test_a_new_question_instead_of_a_time_is_answered_as_usual(talk):
    conversation = talk()
    conversation.say("should I use ice")
    response = conversation.say("can I have a beer tonight")
    assert answered_topic(response) == ("alcohol_caffeine", "alcohol")
    assert "eliciting" not in response["sessionAttributes"]


# ------------------------------------------------------------ the replies people give

@pytest.mark.parametrize("now, reply, starts", [
    (AFTERNOON, "a couple of hours ago", "It's been about two hours,"),
    (AFTERNOON, "a few hours ago", "It's been about three hours,"),
    (AFTERNOON, "an hour or so ago", "It's been about an hour,"),
    (AFTERNOON, "earlier today", "It's been less than a day,"),
    (AFTERNOON, "first thing this morning", "It's been about seven hours,"),
    (AFTERNOON, "around lunchtime", "It's been about four hours,"),
    (AFTERNOON, "the day before yesterday", "It's been about two days,"),
    (AFTERNOON, "um, yesterday I think", "It's been about a day."),
    (AFTERNOON, "last night", "It's been about twenty hours,"),
    (datetime(2026, 11, 27, 23, 0, tzinfo=NY), "last night", "It's been about a day."),
    (datetime(2026, 11, 28, 1, 0, tzinfo=NY), "last night", "It's been about five hours,"),
    (datetime(2026, 11, 27, 8, 0, tzinfo=NY), "this morning", "It's been about two hours,"),
])
def test_time_replies(talk, now, reply, starts):
    conversation = talk(now=now)
    conversation.say("how long will I be sore")
    assert spoken(conversation.say(reply)).startswith(starts)


@pytest.mark.parametrize("reply", ["I don't know", "I don't remember", "not sure", "no idea",
                                   "i dont know", "no"])
def test_not_knowing_gets_a_short_word_and_no_second_question(talk, reply):
    conversation = talk()
    conversation.say("open needling aftercare")
    conversation.say("can I use my heating pad")
    response = conversation.say(reply)
    assert spoken(response).startswith("That's okay.")
    assert "Use ice only" not in spoken(response)  # said already, first
    assert "When was your session" not in spoken(response) and not elicits(response)
    assert spoken(response).endswith("What else would you like to know?")


def test_this_afternoon_said_in_the_morning_is_asked_again_once_kindly(talk):
    morning = datetime(2026, 11, 27, 10, 0, tzinfo=NY)
    with pytest.raises(NotYet):
        session_moment(morning, NY, None, "AF")
    conversation = talk(now=morning)
    conversation.say("should I use heat")
    again = conversation.say("this afternoon")
    assert spoken(again).startswith("Hmm, that part of today hasn't come yet.")
    assert elicits(again) and ends(again) is False
    assert spoken(conversation.say("this afternoon")).startswith("I didn't catch when")  # once
    conversation = talk(now=morning)
    conversation.say("should I use heat")
    conversation.say("this afternoon")
    assert spoken(conversation.say("yesterday afternoon")).startswith("It's been about")


def test_i_had_my_first_dry_needling_today_what_now(talk):
    conversation = talk()
    response = conversation.say("um i had my first dry needling today what now")
    assert spoken(response).startswith("Got it. It's been less than a day, so today: drink plenty")
    assert answered_topic(response)[0] == "overview"
    assert "session_at" in response["sessionAttributes"]


# ------------------------------------------------------------ offers, one at a time

def test_a_topics_own_offer_is_not_replaced_by_the_reminder_offer(talk):
    conversation = talk()
    conversation.say("open needling aftercare")
    conversation.say("how long will I be sore")
    answer = conversation.say("two hours ago")
    assert spoken(answer).endswith("Want tips to ease it?")
    assert "reminder" not in spoken(answer)
    tips = conversation.say("yes")
    assert spoken(tips).startswith("Drink extra water")
    # the held-back offer comes at the end of a turn that asks nothing else
    assert spoken(tips).endswith("Want a reminder two days after your session to check how you feel?")
    assert tips["sessionAttributes"]["offer"] == {"kind": "reminder"}


def test_yes_answers_the_most_recent_question(talk):
    conversation = talk()
    conversation.say("open needling aftercare")
    conversation.say("what can I take for the pain")  # "want to know why?"
    conversation.say("can I have coffee")  # a statement, no question
    response = conversation.say("yes")
    assert spoken(response).startswith("Sure. What would you like to know?")


def test_tell_me_more_works_after_an_answer_that_asked_the_time_instead(talk):
    conversation = talk()
    conversation.say("open needling aftercare")
    conversation.say("how long will I be sore")  # its "want tips?" gave way to the time question
    more = conversation.say("tell me more")
    assert spoken(more).startswith("Drink extra water, use gentle heat")


def test_tell_me_more_with_nothing_more_says_so(talk):
    conversation = talk()
    conversation.say("open needling aftercare")
    conversation.say("can I have coffee")
    assert spoken(conversation.say("tell me more")).startswith("That's all I have on that.")


def test_repeat_repeats_the_last_answer_never_a_filler(talk):
    conversation = talk()
    conversation.say("open needling aftercare")
    answer = conversation.say("what can I take for the pain")
    conversation.say("qwerty zxcv")  # a miss
    again = conversation.say("repeat")
    assert spoken(again) == spoken(answer)
    assert again["sessionAttributes"]["offer"]["kind"] == "more"  # its question is open again
    assert spoken(conversation.say("yes")).startswith("Some practitioners believe")


def test_the_second_miss_is_worded_differently(talk):
    conversation = talk()
    conversation.say("open needling aftercare")
    first = spoken(conversation.say("what's the weather"))
    second = spoken(conversation.say("who won the game"))
    assert first != second and "nine one one" in second
    assert "practitioner" not in first  # the weather is no health question


def test_forget_says_what_happens_to_a_reminder(talk):
    conversation = talk(api=False)
    conversation.say("open needling aftercare")
    forget = conversation.say("forget my session")
    assert "If I set a reminder for you, it stays in your Alexa app" in spoken(forget)


def test_the_reminder_confirmation_says_the_day_and_time(talk):
    conversation = talk()
    conversation.say("open needling aftercare")
    conversation.say("should I use heat")
    conversation.say("yesterday at three")
    done = conversation.say("yes")
    assert spoken(done).startswith("Done. I'll remind you Saturday at three p.m.")
    assert conversation.api.reminders[0]["trigger"]["scheduledTime"] == "2026-11-28T15:00:00"


def test_dialog_directives_only_answer_intent_requests(handler, session):
    response = handler(session.launch(), None)
    assert not any(d["type"].startswith("Dialog.")
                   for d in response["response"].get("directives", []))
