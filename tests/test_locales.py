"""Every locale says its own country's numbers and words, and never another country's."""
from __future__ import annotations

import json
import re

import pytest

from skill.content import get_content

from .conftest import ROOT
from .test_content import all_answers

# Each country's emergency numbers, as written and as said.
EMERGENCY_NUMBERS = {
    "911": ("nine one one", "nueve uno uno", "nueve once"),
    "999": ("nine nine nine",),
    "000": ("triple zero", "zero zero zero"),
    "111": ("one one one",),
    "112": ("one one two",),
    "108": ("one zero eight", "one oh eight"),
}
LOCALES = sorted(get_content())
MANIFEST = json.loads((ROOT / "deploy" / "skill-package" / "skill.json").read_text(encoding="utf-8"))


def texts(locale_content):
    """Everything a locale says or shows: speech, reprompts, details, cards, phases."""
    for label, answer in all_answers(locale_content):
        for part, text in (("speech", answer.speech), ("reprompt", answer.reprompt),
                           ("card title", answer.card_title), ("card", answer.card_text)):
            if text:
                yield f"{label} {part}", text


def allowed(locale_content) -> set[str]:
    return {n for n in EMERGENCY_NUMBERS
            if any(re.search(rf"(?<!\d){n}(?!\d)", written) for written in locale_content.emergency_numbers)}


def foreign(text: str, numbers: set[str]) -> list[str]:
    found = []
    for number, said in EMERGENCY_NUMBERS.items():
        if number in numbers:
            continue
        if re.search(rf"(?<!\d){number}(?!\d)", text) or any(
                re.search(rf"\b{s}\b", text, re.IGNORECASE) for s in said):
            found.append(number)
    return found


def test_the_number_table_knows_every_locales_number():
    for locale in LOCALES:
        assert allowed(get_content()[locale]), locale


@pytest.mark.parametrize("locale", LOCALES)
def test_no_other_countrys_emergency_number_anywhere_in_a_locales_content(locale):
    loaded = get_content()[locale]
    numbers = allowed(loaded)
    wrong = [(label, foreign(text, numbers)) for label, text in texts(loaded) if foreign(text, numbers)]
    assert wrong == []


@pytest.mark.parametrize("locale", LOCALES)
def test_the_emergency_answer_says_the_locales_own_number_first(locale):
    loaded = get_content()[locale]
    answer = loaded.topics["emergency"].answer()
    first = re.split(r"(?<=[.!])\s+", answer.speech)[0]
    leading = loaded.emergency_number.split(",")[0]
    assert leading in first, (locale, first)
    assert re.findall(r"\d+", loaded.emergency_number_written)[0] in answer.card_title


@pytest.mark.parametrize("locale", LOCALES)
def test_the_store_listing_names_the_locales_number_and_no_other(locale):
    listing = MANIFEST["manifest"]["publishingInformation"]["locales"][locale]
    loaded = get_content()[locale]
    description = listing["description"]
    assert re.findall(r"\d+", loaded.emergency_number_written)[0] in description, locale
    assert foreign(description, allowed(loaded)) == [], locale


def test_every_locale_has_a_listing_and_every_listing_a_locale():
    assert sorted(MANIFEST["manifest"]["publishingInformation"]["locales"]) == LOCALES


@pytest.mark.parametrize("locale, says, never", [
    ("en-US", "acetaminophen, such as Tylenol", "paracetamol"),
    ("en-CA", "acetaminophen, such as Tylenol", "paracetamol"),
    ("en-GB", "paracetamol, such as Panadol", "acetaminophen"),
    ("en-AU", "paracetamol, such as Panadol", "acetaminophen"),
    ("en-IN", "paracetamol, such as Crocin or Dolo", "Tylenol"),
    # Spanish speakers in the US say acetaminofén and Tylenol; the card also says paracetamol,
    # the name many know from Mexico and Central and South America.
    ("es-US", "acetaminofén, como Tylenol", "Panadol"),
])
def test_pain_relief_uses_the_medicine_names_people_there_use(locale, says, never):
    loaded = get_content()[locale]
    pain = loaded.topics["pain_relief"]
    spoken = " ".join(a.speech for a in pain.answers.values())
    assert says in spoken, locale
    assert never.lower() not in " ".join(text for _, text in texts(loaded)).lower(), locale


@pytest.mark.parametrize("locale, service", [
    ("en-GB", "NHS 111"), ("en-CA", "811"), ("en-AU", "healthdirect"), ("en-AU", "0800 611 116"),
    ("es-US", "clínica de urgencias (urgent care)"),
])
def test_urgent_cards_name_the_local_advice_line(locale, service):
    loaded = get_content()[locale]
    for topic in ("infection", "fever", "worsening_pain"):
        assert service in loaded.topics[topic].answer().card_text, (locale, topic)


@pytest.mark.parametrize("locale, spelt, not_spelt", [
    ("en-US", "stabilize", "stabilise"), ("en-CA", "stabilize", "stabilise"),
    ("en-GB", "programme", "program "), ("en-AU", "programme", "program "),
    ("en-IN", "programme", "program "),
])
def test_cards_are_spelt_the_locales_way(locale, spelt, not_spelt):
    cards = " ".join(text for label, text in texts(get_content()[locale]) if "card" in label) + " "
    assert spelt in cards and not_spelt not in cards, locale


def test_on_demand_content_loads_a_locale_only_when_asked_for():
    """The Lambda bundle's cold start loads the default locale, not all of them."""
    from skill.content import LocalesOnDemand, default_content_dir, locale_names

    root = default_content_dir()
    lazy = LocalesOnDemand(root, locale_names(root), check_patterns=False)
    assert list(lazy) == LOCALES and set(lazy._loaded) == {"en-US"}
    assert lazy["en-GB"].emergency_number == "nine nine nine"
    assert set(lazy._loaded) == {"en-US", "en-GB"}
    assert lazy.get("de-DE") is None


@pytest.mark.parametrize("locale", LOCALES)
def test_a_packed_locale_says_exactly_what_its_layers_say(tmp_path, locale):
    """The Lambda bundle's one file per locale (base already laid under it) loads the same."""
    from skill.content import PACKED, default_content_dir, load_locale, pack_locale

    source = default_content_dir()
    (tmp_path / locale).mkdir()
    (tmp_path / locale / f"{PACKED}.json").write_text(
        json.dumps(pack_locale(source, locale), ensure_ascii=False), encoding="utf-8")
    packed, layered = load_locale(tmp_path, locale), load_locale(source, locale)
    assert packed.phrases == layered.phrases
    assert {t: a.answers for t, a in packed.topics.items()} == \
        {t: a.answers for t, a in layered.topics.items()}
    assert [t.id for t in packed.topics.values()] == list(layered.topics)
    assert packed.red_flag_data == layered.red_flag_data
    assert (packed.openings, packed.language, packed.emergency_numbers) == \
        (layered.openings, layered.language, layered.emergency_numbers)
