"""Each locale's interaction model is generated from its language's source: never stale, and
always a model Amazon's own classes accept."""
from __future__ import annotations

import json
from collections import Counter

import pytest

from skill.build.models import (ModelSourceError, generate_model, generate_models,
                                locale_sources, stale_models)
from skill.content import get_content

from .conftest import ROOT

MODEL_DIR = ROOT / "interaction_model"
LOCALES = sorted(locale_sources(MODEL_DIR))
SMAPI_MODEL = "ask_smapi_model.v1.skill.interaction_model.interaction_model_data.InteractionModelData"


def test_no_generated_model_is_stale():
    assert stale_models(MODEL_DIR) == [], "run `aftercare sync-models` after editing the source"


def test_every_content_locale_has_a_model_and_no_model_lacks_content():
    assert LOCALES == sorted(get_content())


@pytest.mark.parametrize("locale", LOCALES)
def test_the_model_loads_into_amazons_model_classes_unchanged(locale):
    from ask_sdk_core.serialize import DefaultSerializer

    raw = (MODEL_DIR / f"{locale}.json").read_text(encoding="utf-8")
    serializer = DefaultSerializer()
    loaded = serializer.deserialize(raw, SMAPI_MODEL)
    # A key the classes do not know would be dropped on the way back: nothing may be.
    assert serializer.serialize(loaded) == json.loads(raw)


@pytest.mark.parametrize("locale", LOCALES)
def test_no_sample_is_in_two_intents(locale):
    model = json.loads((MODEL_DIR / f"{locale}.json").read_text(encoding="utf-8"))
    owners = Counter()
    for intent in model["interactionModel"]["languageModel"]["intents"]:
        for sample in {" ".join(s.lower().split()) for s in intent.get("samples", [])}:
            owners[sample] += 1
    assert [s for s, n in owners.items() if n > 1] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_every_free_speech_intent_has_its_opening_words(locale):
    """The content says which words each carrier phrase stands for, for every such intent."""
    model = json.loads((MODEL_DIR / f"{locale}.json").read_text(encoding="utf-8"))
    free = {i["name"] for i in model["interactionModel"]["languageModel"]["intents"]
            if any(s["type"] == "AMAZON.SearchQuery" for s in i.get("slots", []))}
    assert free == set(get_content()[locale].openings)


def test_a_locale_source_adds_its_words_and_a_bad_one_names_file_and_key(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (source / "en.yaml").write_text((MODEL_DIR / "source" / "en.yaml").read_text())
    (source / "xx-XX.yaml").write_text(
        "base: en\ninvocationName: test aftercare\n"
        "samples:\n  PainReliefIntent: [is calpol alright]\n"
        "values:\n  MedicineType:\n    acetaminophen: [calpol]\n")
    model = generate_model(source / "xx-XX.yaml")["interactionModel"]["languageModel"]
    assert model["invocationName"] == "test aftercare"
    pain = next(i for i in model["intents"] if i["name"] == "PainReliefIntent")
    assert pain["samples"][-1] == "is calpol alright"
    medicine = next(t for t in model["types"] if t["name"] == "MedicineType")
    assert "calpol" in next(v for v in medicine["values"] if v["id"] == "acetaminophen")["name"]["synonyms"]
    assert set(generate_models(tmp_path)) == {tmp_path / "xx-XX.json"}
    (source / "xx-XX.yaml").write_text("base: en\nsamples:\n  NoSuchIntent: [hello there]\n")
    with pytest.raises(ModelSourceError, match=r"xx-XX.yaml: key 'samples.NoSuchIntent'"):
        generate_model(source / "xx-XX.yaml")
