"""The red-flag grammar, heard as a person says it: through the real skill, as free speech.

Phrasings here come from the recognition issue's descriptions and the design notes, not from
the held-out sets (tests/data/heldout/), which are only scored. The Spanish (US) ones were
written for these tests the way people in the US say them in Spanish, not translated.
Each case is (locale, sentence): the same checks hold in every language.
"""
from __future__ import annotations

import pytest

from .helpers import answered_topic, spoken

EMERGENCY_OPENINGS = {"en-US": "Call nine one one", "es-US": "Llame ahora al nueve uno uno"}
SAFETY_LINES = {"en-US": "If breathing gets hard or your chest hurts, call nine one one",
                "es-US": "Si le cuesta respirar o le duele el pecho, llame al nueve uno uno"}
EMERGENCY_OPENING = EMERGENCY_OPENINGS["en-US"]
SAFETY_LINE = SAFETY_LINES["en-US"]


def first_answer(conversation, said, locale="en-US"):
    response = conversation(locale).say(said)
    return response, spoken(response), answered_topic(response)[0]


def cases(english, spanish):
    """(locale, case) for each English and each Spanish case."""
    return [("en-US", c) for c in english] + [("es-US", c) for c in spanish]


@pytest.mark.parametrize("locale, said", cases([
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
], [
    # the issue's own, and pictures of pressure
    "me duele el pecho",
    "no me deja respirar",
    "siento como un peso en el pecho desde que me trabajaron la espalda",
    "siento como si alguien estuviera sentado en mi pecho",
    "como si tuviera un elefante encima",
    "es como un ataque al corazón",
    "se me cierra el pecho",
    "tengo una opresión en el pecho",
    # the quality of breathing
    "mi respiración está muy cortita",
    "solo puedo dar respiraciones cortitas",
    "no me entra el aire",
    "me falta el aire",
    "me cuesta respirar",
    "me ahogo",
    "respiro como por un popote",
    "tengo los labios morados",
    # pain when breathing in
    "me duele al inhalar",
    "me duelen las costillas cuando respiro",
    "tengo una punzada en el pecho cuando respiro hondo",
    # fillers inside the sentence, and "bien" that means "very"
    "este pues o sea el pecho como que me aprieta",
    "ay mi pecho me duele bien feo",
    "tengo el pecho bien apretado",
    # someone speaking for another
    "mi esposo no puede respirar bien",
    # with a topic in the same sentence: the emergency wins
    "me duele el pecho cuando estiro",
    "puedo tomar advil tengo el pecho muy apretado",
    "debo usar hielo siento la respiración rara",
    # in doubt, escalate: a hedge denies nothing, "nunca" denies nothing
    "no sé si es dolor de pecho o solo estoy adolorido",
    "no sé si me falta el aire",
    "no creo que sea nada grave pero siento el pecho apretado",
    "no, no puedo respirar",
    "no tengo fiebre pero no puedo respirar",
    "sin dolor de pecho pero respiro muy cortito",
    "nunca me había dolido así el pecho",
    "creo que se me colapsó el pulmón",
    # a question after the mention asks, it does not reassure
    "me duele el pecho, ¿es normal?",
    "me falta el aire, ¿eso es normal?",
    # the chest or breathing named with no trouble word, in a sentence that is not calm
    "ay mi pecho",
    "qué es esta presión en el pecho",
    "siento que no respiro bien",  # a denied good state is the trouble
    "mi respiracion esta muy cortita",  # typed without accents
]))
def test_red_flags_by_meaning_get_the_emergency_answer_first(conversation, locale, said):
    response, text, topic = first_answer(conversation, said, locale)
    assert topic == "emergency", said
    assert text.startswith(EMERGENCY_OPENINGS[locale]), text
    assert response["response"]["shouldEndSession"] is True


@pytest.mark.parametrize("locale, case", cases([
    ("i'm not short of breath i'm just really sore", "soreness"),
    ("no chest pain just sore muscles", "soreness"),
    ("my breathing's fine can i go for a walk", "activity"),
    ("i can breathe fine, can i take ibuprofen", "pain_relief"),
    ("my chest feels normal but can i have a coffee", "alcohol_caffeine"),
    ("there's no trouble breathing, should i use heat or ice", "heat_ice"),
], [
    ("no me falta el aire, solo estoy adolorido", "soreness"),
    ("no me duele el pecho, solo tengo los músculos adoloridos", "soreness"),
    ("mi respiración está bien, puedo salir a caminar", "activity"),
    ("respiro bien, puedo tomar ibuprofeno", "pain_relief"),
    ("el pecho lo siento normal, pero puedo tomar un café", "alcohol_caffeine"),
    ("no tengo problemas para respirar, uso calor o hielo", "heat_ice"),
]))
def test_a_denied_emergency_is_answered_and_ends_with_the_safety_line(conversation, locale, case):
    said, topic = case
    response, text, answered = first_answer(conversation, said, locale)
    assert answered == topic, (said, answered, text)
    assert not text.startswith(EMERGENCY_OPENINGS[locale])
    assert SAFETY_LINES[locale] in text
    if text.rstrip().endswith("?"):  # a question still comes last, with the line before it
        assert text.index(SAFETY_LINES[locale]) < text.rindex(".")


@pytest.mark.parametrize("locale, case", cases([
    ("i don't have a fever i'm just tired", "side_effects"),
    ("no fever or chills, can i go to the gym", "activity"),
    ("it's not red or swollen, just a little bruise", "side_effects"),
    ("the soreness isn't getting any worse, can i take tylenol", "pain_relief"),
], [
    ("no tengo fiebre, solo estoy cansado", "side_effects"),
    ("sin fiebre ni escalofríos, puedo ir al gimnasio", "activity"),
    ("no está rojo ni hinchado, solo es un moretón", "side_effects"),
    ("el dolor no está peor, puedo tomar tylenol", "pain_relief"),
]))
def test_a_denied_urgent_flag_is_not_raised_and_the_rest_is_answered(conversation, locale, case):
    said, topic = case
    response, text, answered = first_answer(conversation, said, locale)
    assert answered == topic, (said, answered, text)
    assert SAFETY_LINES[locale] not in text  # only a denied emergency earns the line


@pytest.mark.parametrize("locale, case", cases([
    ("the needle spot is red and hot", "infection"),
    ("there's pus where the needle went in", "infection"),
    ("it's still swollen two days later", "infection"),
    ("i'm shivering and i feel feverish", "fever"),
    ("i've been running a temperature since yesterday", "fever"),
    ("the pain is way worse than yesterday", "worsening_pain"),
    ("i've got a shooting pain down my leg", "worsening_pain"),
    ("no fever but the needle site is oozing", "infection"),
], [
    ("la marca de la aguja está roja y caliente", "infection"),
    ("sale pus de donde entró la aguja", "infection"),
    ("todavía está hinchado dos días después", "infection"),
    ("tengo líneas rojas saliendo de la marca", "infection"),
    ("estoy temblando de frío y con fiebre", "fever"),
    ("tengo calentura desde ayer", "fever"),
    ("me dan escalofríos", "fever"),
    ("el dolor está mucho peor que ayer", "worsening_pain"),
    ("tengo un dolor punzante que baja por la pierna", "worsening_pain"),
    ("el dolor es cada vez peor", "worsening_pain"),
    ("no tengo fiebre pero sale líquido de la marca", "infection"),
]))
def test_urgent_flags_by_meaning(conversation, locale, case):
    said, topic = case
    _, text, answered = first_answer(conversation, said, locale)
    assert answered == topic, (said, answered, text)
    assert not text.startswith(EMERGENCY_OPENINGS[locale])


@pytest.mark.parametrize("locale, said", cases([
    "what should i do if i ever get chest pain",
    "how would i know if my lung was punctured",
    "is a collapsed lung common after needling",
], [
    "qué hago si me empieza a doler el pecho más tarde",
    "cómo sabría si tengo un pulmón colapsado",
    "un neumotórax es común después de la punción",
]))
def test_a_question_about_a_red_flag_gets_the_warning_signs(conversation, locale, said):
    _, text, topic = first_answer(conversation, said, locale)
    assert topic == "warning_signs", (said, text)


@pytest.mark.parametrize("locale, said", cases([
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
], [
    "mi terapeuta me dijo que respirara hondo antes de la aguja",
    "me trabajaron los pectorales, cuánto tiempo van a estar adoloridos",
    "la opresión en el pecho ya se me pasó, qué estiramientos hago",
    "puedo hacer mis ejercicios de respiración",
    "me puedo dar un baño caliente",
    "puedo tomar una copa de vino tinto esta noche",
    "cómo estiro el pecho en el gimnasio",
    "está bien una caminata corta",
    "cuánto me va a durar el dolor",
    "puedo usar el aire acondicionado",
]))
def test_ordinary_questions_raise_no_flag(conversation, locale, said):
    _, text, answered = first_answer(conversation, said, locale)
    assert answered not in ("emergency", "infection", "fever", "worsening_pain"), (said, text)


@pytest.mark.parametrize("locale, said", [
    ("en-US", ("open needling aftercare", "can i use my heating pad",
               "not sure my chest is really tight though")),
    ("es-US", ("abre cuidados de punción seca", "puedo usar mi almohadilla térmica",
               "no sé, siento el pecho muy apretado")),
])
def test_a_red_flag_beats_the_pending_time_question(conversation, locale, said):
    """While the skill waits for "when was your session?", a red flag still comes first."""
    opened, question, flag = said
    talk = conversation(locale)
    talk.say(opened)
    asked = spoken(talk.say(question))
    assert asked.rstrip().endswith("?")
    response = talk.say(flag)
    assert spoken(response).startswith(EMERGENCY_OPENINGS[locale])


@pytest.mark.parametrize("locale, said", cases(["i feel like i'm drowning"],
                                               ["me estoy asfixiando", "siento que me ahogo"]))
def test_typo_correction_never_rewrites_a_red_flag_word(conversation, locale, said):
    _, text, topic = first_answer(conversation, said, locale)
    assert topic == "emergency", text


# Each language: how the skill is opened, the denial said first, and the number as spoken.
DENIAL_FIRST = {
    "en-US": ("open needling aftercare", "no chest pain and my breathing is fine, {}", "nine one one"),
    "es-US": ("abre cuidados de punción seca", "no me duele el pecho y respiro bien, {}",
              "nueve uno uno"),
}


@pytest.mark.parametrize("locale, question", cases([
    "how long will i be sore", "should i use heat or ice", "can i take ibuprofen",
    "can i go to the gym", "what should i do now", "can i have a coffee",
    "how much water should i drink", "should i do my home exercises", "is it normal to be tired",
    "what are the warning signs", "what is dry needling",
], [
    "cuánto me va a durar el dolor", "uso calor o hielo", "puedo tomar ibuprofeno",
    "puedo ir al gimnasio", "qué hago ahora", "puedo tomar un café",
    "cuánta agua debo tomar", "debo hacer mis ejercicios en casa", "es normal sentirme cansado",
    "cuáles son las señales de alarma", "qué es la punción seca",
]))
def test_the_safety_line_keeps_an_answer_within_one_breath(conversation, locale, question):
    """A denied emergency's answer, safety line included, is still at most 20 seconds, in a
    one-shot and inside a conversation (where a question may follow)."""
    from skill.speech import spoken_seconds

    opening, denial, number = DENIAL_FIRST[locale]
    for opened in (False, True):
        talk = conversation(locale)
        if opened:
            talk.say(opening)
        text = spoken(talk.say(denial.format(question)))
        # the safety line, unless the answer already says when to call the number
        assert SAFETY_LINES[locale] in text or text.count(number) == 1, (question, text)
        assert spoken_seconds(text) <= 20, (question, round(spoken_seconds(text), 1), text)


@pytest.mark.parametrize("locale, sentence", [
    ("en-US", "my breathing is fine, my chest feels tight though"),
    ("en-US", "breathing is okay my chest is tight"),
    ("en-GB", "me breathing's fine but me chest is tight"),
    ("es-US", "la respiración está bien pero tengo el pecho apretado"),
])
def test_a_subject_said_to_be_fine_does_not_deny_the_next_ones_trouble(content, locale, sentence):
    """A reassurance about breathing settles breathing, not the chest named after it."""
    reading = content[locale].red_flags.read(sentence)
    assert reading.raised is not None and reading.raised.topic == "emergency", sentence


def test_a_subject_said_to_be_fine_still_denies_its_own_pair(content):
    reading = content["en-US"].red_flags.read("my chest is fine, my back's sore")
    assert reading.raised is None and [f.id for f in reading.denied] == ["chest_pain"]
