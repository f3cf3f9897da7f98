"""The interaction model is data: check it the way the Alexa console's build would, and more."""
from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from skill.content import get_content
from skill.understanding.resolver import normalise_sample

from .conftest import ROOT

_SLOT_REF = re.compile(r"\{\w+\}")
# One model per language is checked: the English locales are generated from one source.
MODEL_LOCALES = ["en-US", "es-US"]

BUILT_INS = {"AMAZON.HelpIntent", "AMAZON.StopIntent", "AMAZON.CancelIntent", "AMAZON.FallbackIntent",
             "AMAZON.NavigateHomeIntent", "AMAZON.RepeatIntent", "AMAZON.YesIntent", "AMAZON.NoIntent",
             "AMAZON.MoreIntent"}
MIN_SAMPLES = 25
# What each language's model is checked against: its letters, the words that launch a skill,
# the words that deny, the slot values a US user names, and the session-time samples.
LANGUAGE = {
    "en": {
        "letters": "a-z'",
        "launch_words": {"launch", "ask", "tell", "load", "begin", "enable", "alexa", "amazon",
                         "echo", "computer", "skill", "app", "open", "start"},
        "negations": {"no", "nah", "nope", "not", "never", "nothing", "none", "don't", "haven't",
                      "isn't", "doesn't", "didn't", "can't", "cannot", "couldn't"},
        "medicines": {"ibuprofen", "advil", "motrin", "naproxen", "aleve", "aspirin", "tylenol",
                      "acetaminophen", "paracetamol"},
        "activities": {"gym", "running", "lifting", "cardio", "sports", "walking", "stretching",
                       "yoga", "swimming"},
        # for a neutral opener: none changes what a sentence says about a red flag
        "rests": ("my chest is fine can i go for a walk", "my breathing is shallow",
                  "how do i stretch my chest muscles", "no fever just tired"),
        # the reply "I don't know": the intent with no slot
        "no_time": {"i don't know", "i don't remember", "i'm not sure", "not sure", "no idea",
                    "i can't remember", "i don't know when", "i'm not sure when it was",
                    "i don't remember when"},
        "no_time_when": {"i don't know when", "i'm not sure when it was", "i don't remember when"},
        "session_words": r"\b(session|needl\w*|appointment|had it done|had my)\b",
    },
    "es": {
        "letters": "a-záéíóúñü'",
        "launch_words": {"abre", "abrir", "pregunta", "pregúntale", "pide", "pídele", "dile",
                         "inicia", "iniciar", "empieza", "comienza", "ejecuta", "activa", "alexa",
                         "amazon", "echo", "skill", "habilidad", "app", "aplicación"},
        # the words the Spanish grammar denies with ("nunca" denies nothing there)
        "negations": {"no", "ni", "sin", "tampoco", "nada", "ningún", "ninguna", "ninguno",
                      "cero"},
        "medicines": {"ibuprofeno", "advil", "motrin", "naproxeno", "aleve", "aspirina",
                      "tylenol", "acetaminofén", "paracetamol"},
        "activities": {"gimnasio", "gym", "correr", "pesas", "cardio", "deporte", "caminar",
                       "estirar", "yoga", "nadar"},
        "rests": ("el pecho está bien puedo salir a caminar", "mi respiración es muy cortita",
                  "cómo estiro los músculos del pecho", "no tengo fiebre solo cansancio"),
        "no_time": {"no sé", "no me acuerdo", "no estoy seguro", "no estoy segura", "ni idea",
                    "no recuerdo", "no sé cuándo", "no estoy seguro de cuándo fue",
                    "no me acuerdo cuándo"},
        "no_time_when": {"no sé cuándo", "no estoy seguro de cuándo fue", "no me acuerdo cuándo"},
        "session_words": r"\b(sesión|punción|cita|agujas|puncionaron|me la hicieron|terapia)\b",
    },
}


@pytest.fixture(scope="module", params=MODEL_LOCALES)
def locale(request):
    return request.param


@pytest.fixture(scope="module")
def model(locale):
    path = ROOT / "interaction_model" / f"{locale}.json"
    return json.loads(path.read_text(encoding="utf-8"))["interactionModel"]


@pytest.fixture(scope="module")
def language(model):
    return model["languageModel"]


@pytest.fixture(scope="module")
def loaded(locale):
    """The locale's content: its topics, red-flag grammar and free-speech openings."""
    return get_content()[locale]


@pytest.fixture(scope="module")
def words(loaded):
    return LANGUAGE[loaded.language]


@pytest.fixture(scope="module")
def openings(loaded):
    return loaded.openings  # free-speech intent -> its opening words


def custom_intents(language):
    return [i for i in language["intents"] if not i["name"].startswith("AMAZON.")]


def test_invocation_name_meets_alexas_rules(language, words):
    name = language["invocationName"]
    assert name == name.lower() and re.fullmatch(rf"[{words['letters']} ]+", name)
    assert len(name.split()) >= 2
    assert not set(name.split()) & words["launch_words"]


def test_built_in_intents_and_fallback_sensitivity(language):
    names = {i["name"] for i in language["intents"]}
    assert BUILT_INS <= names
    assert language["modelConfiguration"]["fallbackIntentSensitivity"]["level"] in {"LOW", "MEDIUM", "HIGH"}


def test_every_content_topic_has_its_intent_and_every_custom_intent_is_answered(
        language, loaded, openings):
    custom = {i["name"] for i in custom_intents(language)}
    topic_intents = {t.intent for t in loaded.topics.values()}
    assert topic_intents <= custom
    # routed by a slot to a topic, answered by the time-aware layer, or free speech that the
    # skill's own resolver turns into one of these (skill/understanding/free_speech.py)
    assert custom - topic_intents == {"SymptomIntent", "SessionTimeIntent",
                                      "ForgetSessionIntent"} | set(openings)


def test_each_custom_intent_has_enough_distinct_samples(language, loaded, openings):
    for intent in custom_intents(language):
        samples = [normalise_sample(s, loaded.language) for s in intent["samples"]]
        assert len(set(samples)) == len(samples), intent["name"]
        if intent["name"] not in openings:  # carriers say how sentences start, not what
            assert len(samples) >= MIN_SAMPLES, (intent["name"], len(samples))


def test_samples_are_lower_case_without_punctuation_or_digits(language, words):
    for intent in language["intents"]:
        for sample in intent.get("samples", []):
            text = re.sub(r"\{\w+\}", "", sample)
            assert re.fullmatch(rf"[{words['letters']} ]*", text), (intent["name"], sample)
            assert sample == " ".join(sample.split()), sample


def test_no_sample_in_two_intents(language, loaded):
    owners = Counter()
    for intent in language["intents"]:
        for sample in set(normalise_sample(s, loaded.language) for s in intent.get("samples", [])):
            owners[sample] += 1
    assert [s for s, n in owners.items() if n > 1] == []


def test_slots_are_declared_and_their_types_defined(language):
    defined = {t["name"] for t in language.get("types", [])}
    for intent in language["intents"]:
        declared = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for slot_type in declared.values():
            assert slot_type in defined or slot_type.startswith("AMAZON."), slot_type
        for sample in intent.get("samples", []):
            for ref in re.findall(r"\{(\w+)\}", sample):
                assert ref in declared, (intent["name"], sample)


def test_slot_types_have_ids_and_no_synonym_under_two_ids(language):
    for slot_type in language["types"]:
        seen = {}
        for value in slot_type["values"]:
            assert value.get("id"), (slot_type["name"], value)
            for said in [value["name"]["value"], *value["name"].get("synonyms", [])]:
                assert seen.setdefault(said, value["id"]) == value["id"], (slot_type["name"], said)


def test_required_slot_values_are_present(language, words):
    said = {t["name"]: {s for v in t["values"] for s in [v["name"]["value"], *v["name"].get("synonyms", [])]}
            for t in language["types"]}
    assert words["medicines"] <= said["MedicineType"]
    assert words["activities"] <= said["ActivityType"]
    assert "SymptomType" in said and "BodyAreaType" in said


def test_content_variants_are_slot_value_ids(language, loaded):
    ids = {t["name"]: {v["id"] for v in t["values"]} for t in language["types"]}
    for topic in loaded.topics.values():
        if topic.slot is None:
            continue
        intent = next(i for i in language["intents"] if i["name"] == topic.intent)
        slot_type = {s["name"]: s["type"] for s in intent["slots"]}[topic.slot]
        variants = set(topic.answers) - {"default", "unrecognised"}
        assert variants <= ids[slot_type], topic.id
    symptom_ids = ids["SymptomType"]
    assert set().union(*(t.symptoms for t in loaded.topics.values())) == symptom_ids


def test_no_topic_sample_names_another_topics_red_flag(language, loaded, openings):
    """A sample that the red-flag grammar reads as a flag belongs to that flag's intent: an
    Echo must not answer "my chest is tight" as a stretching question."""
    intent_of_topic = {t.id: t.intent for t in loaded.topics.values()}
    for intent in custom_intents(language):
        if intent["name"] == "SymptomIntent" or intent["name"] in openings:
            continue  # a slot decides, and a free-speech carrier is only how a sentence starts
        for sample in intent["samples"]:
            flag = loaded.red_flags.read(sample).raised
            assert flag is None or intent_of_topic[flag.topic] == intent["name"], (
                intent["name"], sample, flag.id)


def test_no_sample_is_only_a_slot_outside_the_session_time(language):
    """A bare "{drink}" sample captures whatever matches nothing else ("I think my lung
    collapsed" heard as a drink)."""
    for intent in custom_intents(language):
        if intent["name"] == "SessionTimeIntent":  # its bare replies move to dialog elicitation
            continue
        for sample in intent["samples"]:
            assert _SLOT_REF.sub("", sample).strip(), (intent["name"], sample)


def free_speech_intents(language):
    return [i for i in language["intents"]
            if any(s["type"] == "AMAZON.SearchQuery" for s in i.get("slots", []))]


def test_free_speech_has_a_carrier_phrase_in_every_sample(language, words, openings):
    """Alexa refuses AMAZON.SearchQuery without a carrier phrase, or beside another slot."""
    intents = free_speech_intents(language)
    assert {i["name"] for i in intents} == set(openings)  # each one's opening is known
    carriers = []
    negations = words["negations"]
    for intent in intents:
        assert [s["type"] for s in intent["slots"]] == ["AMAZON.SearchQuery"]
        slot = "{" + intent["slots"][0]["name"] + "}"
        for sample in intent["samples"]:
            assert sample.count("{") == 1 and sample.endswith(slot), sample
            carriers.append(sample.replace(slot, "").strip())
            assert carriers[-1], sample
            # A carrier that denies ("no {text}") loses the word that denies, unless its
            # intent puts a denial back.
            if set(carriers[-1].split()) & negations:
                assert set(openings[intent["name"]].split()) & negations, sample
    assert len(carriers) == len(set(carriers)) >= 60


def test_carriers_that_mean_something_are_put_back(language, loaded, words, openings):
    """ "i can't {text}" passes only "get a full breath in": its intent puts "i can't" back."""
    for intent in free_speech_intents(language):
        opening = openings[intent["name"]]
        for sample in intent["samples"]:
            carrier = sample.rsplit("{", 1)[0].strip()
            if not opening:  # a neutral opener changes nothing about a red flag
                for rest in words["rests"]:
                    alone = loaded.red_flags.read(rest).raised
                    assert loaded.red_flags.read(f"{carrier} {rest}").raised == alone, (carrier, rest)


def test_time_samples_always_carry_a_slot(language, words):
    """A bare "this morning" sample would reach SessionTimeIntent with no value to read."""
    intent = next(i for i in language["intents"] if i["name"] == "SessionTimeIntent")
    no_time = words["no_time"]
    assert all(re.search(r"\{(date|time|duration)\}", s) for s in intent["samples"]
               if s not in no_time)
    assert no_time <= set(intent["samples"])


def test_bare_time_replies_are_slot_samples_only(language, words):
    """A bare "yesterday" counts only while the skill asked for the time (Dialog.ElicitSlot):
    such replies are slot samples, never the intent's own samples."""
    intent = next(i for i in language["intents"] if i["name"] == "SessionTimeIntent")
    carrier = re.compile(words["session_words"])
    for sample in intent["samples"]:
        bare = re.sub(r"\{\w+\}", "", sample).split()
        assert sample in words["no_time_when"] \
            or not re.search(r"\{", sample) or carrier.search(sample), sample
        assert bare, sample
    slots = {s["name"]: s for s in intent["slots"]}
    for name in ("date", "time", "duration"):
        assert "{" + name + "}" in slots[name]["samples"]
        assert all("{" + name + "}" in s for s in slots[name]["samples"]), name


def test_the_dialog_model_lets_the_skill_elicit_the_session_time(model):
    dialog = model["dialog"]
    prompts = {p["id"] for p in model["prompts"]}
    (intent,) = [i for i in dialog["intents"] if i["name"] == "SessionTimeIntent"]
    assert intent["delegationStrategy"] == "SKILL_RESPONSE"
    language = model["languageModel"]
    types = {s["name"]: s["type"] for i in language["intents"] if i["name"] == "SessionTimeIntent"
             for s in i["slots"]}
    assert {s["name"]: s["type"] for s in intent["slots"]} == types
    for slot in intent["slots"]:
        assert slot["prompts"]["elicitation"] in prompts
