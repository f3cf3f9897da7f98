"""The red-flag grammar, heard as a person says it: through the real skill, as free speech.

Phrasings here come from the recognition issue's descriptions and the design notes, not from
the held-out sets (tests/data/heldout/), which are only scored.
"""
from __future__ import annotations

import pytest

from .helpers import answered_topic, spoken

EMERGENCY_OPENING = "Call nine one one"
SAFETY_LINE = "If breathing gets hard or your chest hurts, call nine one one"


def first_answer(conversation, said):
    response = conversation().say(said)
    return response, spoken(response), answered_topic(response)[0]


@pytest.mark.parametrize("said", [
    # pictures of pressure
    "it feels like someone is sitting on my chest",
    "there's like a band around my chest",
    "feels like an elephant on my chest",
    "it's like a heart attack",
    # the quality of breathing
    "my breathing is shallow",
    "i can only take little short breaths",
    "i'm not getting enough oxygen",
    "it's hard to get air in",
    "i can't get enough air",
    "i can't catch my breath",
    "my breathing sounds noisy",
    # pain when breathing in
    "my ribs hurt when i breathe",
    "it hurts when i breathe in since they did my shoulder blade",
    "sharp pain when i take a deep breath",
    # times and fillers inside the sentence
    "my chest started hurting an hour after the needles",
    "um so yeah my chest is kind of uh tight",
    "my chest um started hurting like an hour after the needles",
    # someone speaking for another
    "my husband can't catch his breath",
    # with a topic in the same sentence: the emergency wins
    "my chest hurts when i stretch",
    "can i take advil my chest is really tight",
    "should i use ice my breathing feels weird",
    # in doubt, escalate: a hedge denies nothing
    "i'm not sure if it's chest pain or just sore",
    "i don't know if i'm short of breath",
    "no i can't breathe",
    "no my chest really hurts",  # "no" answering a question denies nothing after it
    "no, i think my chest is tight",
    "cant breathe",  # a recogniser that drops the apostrophe
    "i can't climb the stairs without stopping to catch my breath",
    "no fever but i can't breathe",
    "no chest pain but my breathing is really shallow",
    "no chest pain my chest is tight though",
    "i think my lung collapsed",
    # the chest or breathing named with no trouble word, in a sentence that is not calm
    "ow ow my chest",
    "my lungs feel cooked",
    "what is this pressure in my chest",
    "i don't feel like i'm getting enough air",  # a denied good state is the trouble
])
def test_red_flags_by_meaning_get_the_emergency_answer_first(conversation, said):
    response, text, topic = first_answer(conversation, said)
    assert topic == "emergency", said
    assert text.startswith(EMERGENCY_OPENING), text
    assert response["response"]["shouldEndSession"] is True


@pytest.mark.parametrize("said, topic", [
    ("i'm not short of breath i'm just really sore", "soreness"),
    ("no chest pain just sore muscles", "soreness"),
    ("my breathing's fine can i go for a walk", "activity"),
    ("i can breathe fine, can i take ibuprofen", "pain_relief"),
    ("my chest feels normal but can i have a coffee", "alcohol_caffeine"),
    ("there's no trouble breathing, should i use heat or ice", "heat_ice"),
])
def test_a_denied_emergency_is_answered_and_ends_with_the_safety_line(conversation, said, topic):
    response, text, answered = first_answer(conversation, said)
    assert answered == topic, (said, answered, text)
    assert not text.startswith(EMERGENCY_OPENING)
    assert SAFETY_LINE in text
    if text.rstrip().endswith("?"):  # a question still comes last, with the line before it
        assert text.index(SAFETY_LINE) < text.rindex(".")


@pytest.mark.parametrize("said, topic", [
    ("i don't have a fever i'm just tired", "side_effects"),
    ("no fever or chills, can i go to the gym", "activity"),
    ("it's not red or swollen, just a little bruise", "side_effects"),
    ("the soreness isn't getting any worse, can i take tylenol", "pain_relief"),
])
def test_a_denied_urgent_flag_is_not_raised_and_the_rest_is_answered(conversation, said, topic):
    response, text, answered = first_answer(conversation, said)
    assert answered == topic, (said, answered, text)
    assert SAFETY_LINE not in text  # only a denied emergency earns the line


@pytest.mark.parametrize("said, topic", [
    ("the needle spot is red and hot", "infection"),
    ("there's pus where the needle went in", "infection"),
    ("it's still swollen two days later", "infection"),
    ("i'm shivering and i feel feverish", "fever"),
    ("i've been running a temperature since yesterday", "fever"),
    ("the pain is way worse than yesterday", "worsening_pain"),
    ("i've got a shooting pain down my leg", "worsening_pain"),
    ("no fever but the needle site is oozing", "infection"),
])
def test_urgent_flags_by_meaning(conversation, said, topic):
    _, text, answered = first_answer(conversation, said)
    assert answered == topic, (said, answered, text)
    assert not text.startswith(EMERGENCY_OPENING)


@pytest.mark.parametrize("said", [
    "what should i do if i ever get chest pain",
    "how would i know if my lung was punctured",
    "is a collapsed lung common after needling",
])
def test_a_question_about_a_red_flag_gets_the_warning_signs(conversation, said):
    _, text, topic = first_answer(conversation, said)
    assert topic == "warning_signs", (said, text)


@pytest.mark.parametrize("said", [
    "my physio said to take a deep breath before the needle went in",
    "they needled my chest muscles, how long will they be sore",  # calm: the needled muscle
    "the tightness in my chest is gone now, what stretches should i do",
    "i've caught my breath after the stairs, can i have a coffee",
    "can i do my breathing exercises",
    "is it okay to take a hot bath",
    "can i have a glass of red wine tonight",
    "should i stretch my chest muscles at the gym",
    "is a short walk okay",
    "how long will the soreness last",
])
def test_ordinary_questions_raise_no_flag(conversation, said):
    _, text, answered = first_answer(conversation, said)
    assert answered not in ("emergency", "infection", "fever", "worsening_pain"), (said, text)


def test_a_red_flag_beats_the_pending_time_question(conversation):
    """While the skill waits for "when was your session?", a red flag still comes first."""
    talk = conversation()
    talk.say("open needling aftercare")
    asked = spoken(talk.say("can i use my heating pad"))
    assert asked.rstrip().endswith("?")
    response = talk.say("not sure my chest is really tight though")
    assert spoken(response).startswith(EMERGENCY_OPENING)


def test_typo_correction_never_rewrites_a_red_flag_word(conversation):
    _, text, topic = first_answer(conversation, "i feel like i'm drowning")
    assert topic == "emergency", text


@pytest.mark.parametrize("question", [
    "how long will i be sore", "should i use heat or ice", "can i take ibuprofen",
    "can i go to the gym", "what should i do now", "can i have a coffee",
    "how much water should i drink", "should i do my home exercises", "is it normal to be tired",
    "what are the warning signs", "what is dry needling",
])
def test_the_safety_line_keeps_an_answer_within_one_breath(conversation, question):
    """A denied emergency's answer, safety line included, is still at most 20 seconds, in a
    one-shot and inside a conversation (where a question may follow)."""
    from skill.speech import spoken_seconds

    for opened in (False, True):
        talk = conversation()
        if opened:
            talk.say("open needling aftercare")
        text = spoken(talk.say(f"no chest pain and my breathing is fine, {question}"))
        # the safety line, unless the answer already says when to call nine one one
        assert SAFETY_LINE in text or text.count("nine one one") == 1, (question, text)
        assert spoken_seconds(text) <= 20, (question, round(spoken_seconds(text), 1), text)
