"""Echo Show screens: every answer on a device with a screen, none on a voice-only Echo, every
document accepted by Amazon's APL validator, the emergency number shown as it is spoken."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from skill import screens
from skill.local.alexa_api import LocalAlexaApi
from skill.builder import build_skill_builder, lambda_handler_for
from skill.local.catalogue import entries
from skill.local.conversation import Conversation
from skill.stores.sqlite import SqlitePersistenceAdapter
from skill.speech import to_plain

from .conftest import ROOT
from .tools import validate_apl

NY = ZoneInfo("America/New_York")
EVENING = datetime(2026, 11, 27, 18, 0, tzinfo=NY)
RENDER = "Alexa.Presentation.APL.RenderDocument"
MAX_RESPONSE_BYTES = 120 * 1024  # Alexa's limit for a response with APL
FIGURES: list[str] = []

# A whole evening's conversation (time question, memory, reminder, more, repeat, help,
# fallbacks, forget) and a one-shot question for every topic, the emergency among them.
CONVERSATION = ["open needling aftercare", "can I use my heating pad", "yesterday at three",
                "yes", "yes", "how long will I be sore", "tell me more", "repeat", "help",
                "what's the capital of peru", "blah blah", "no chest pain just sore",
                "forget my session", "stop"]


def one_shots(en) -> list[str]:
    model = json.loads((ROOT / "interaction_model" / "en-US.json").read_text())
    intents = {i["name"]: i for i in model["interactionModel"]["languageModel"]["intents"]}
    return [next(s for s in intents[t.intent]["samples"] if "{" not in s)
            for t in en.topics.values()]


def play(content, en, resolver, tmp_path, screen: bool) -> list[dict]:
    store = SqlitePersistenceAdapter(tmp_path / f"store-{screen}.sqlite3",
                                     clock=lambda: EVENING.timestamp())
    api = LocalAlexaApi("America/New_York", report=None)
    handler = lambda_handler_for(build_skill_builder(content=content, persistence_adapter=store,
                                                     api_client=api))
    responses = []
    for script in [CONVERSATION] + [[said] for said in one_shots(en)]:
        talk = Conversation(handler, en, user_id="amzn1.ask.account.screens", resolver=resolver,
                            now=EVENING, zone=NY, screen=screen)
        talk.api = api
        responses += [talk.say(said) for said in script]
    return responses


@pytest.fixture(scope="module")
def played(content, en, resolver, tmp_path_factory):
    folder = tmp_path_factory.mktemp("screens")
    return {screen: play(content, en, resolver, folder, screen) for screen in (True, False)}


def answers(responses):
    """Responses that say something (Alexa's own permission question, the end of a session
    and silence carry no answer of the skill's)."""
    return [r for r in responses if (r.get("response") or {}).get("outputSpeech")]


def renders(response) -> list[dict]:
    return [d for d in response["response"].get("directives", []) if d["type"] == RENDER]


def test_every_answer_has_a_screen_on_a_screen_device_and_none_without(played):
    with_screen, voice_only = answers(played[True]), answers(played[False])
    shown = sum(len(renders(r)) == 1 for r in with_screen)
    not_shown = sum(not renders(r) for r in voice_only)
    FIGURES.append(f"APL directive on {shown}/{len(with_screen)} answers for a screen device, "
                   f"on {len(voice_only) - not_shown}/{len(voice_only)} for a voice-only one")
    assert len(with_screen) == len(voice_only) > 25
    assert shown == len(with_screen) and not_shown == len(voice_only)
    # Otherwise the same answer: a screen adds to what is said, it changes nothing.
    assert [to_plain(r["response"]["outputSpeech"]["ssml"]) for r in with_screen] == \
        [to_plain(r["response"]["outputSpeech"]["ssml"]) for r in voice_only]


def test_the_screen_shows_what_was_said_with_its_source(played):
    for response in answers(played[True]):
        (render,) = renders(response)
        said = to_plain(response["response"]["outputSpeech"]["ssml"])
        data = render["datasources"]
        if "emergency" in data:
            continue
        assert data["answer"]["speech"] == said
        assert data["answer"]["title"] == response["response"]["card"].get("title", data["answer"]["title"])
        assert data["answer"]["source"].startswith("From \u201cWhat to Do After Dry Needling")


def test_documents_name_the_apl_version_they_target_and_use_viewport_profiles():
    for name in (screens.ANSWER, screens.EMERGENCY):
        document = screens.document(name)
        assert document["type"] == "APL" and document["version"] == "2023.3"
        assert {"name": "alexa-viewport-profiles", "version": "1.6.0"} in document["import"]
        conditions = " ".join(r.get("when", "") for r in document["resources"])
        assert "@hubRoundSmall" in conditions and "@tvLandscapeXLarge" in conditions
        assert document["mainTemplate"]["parameters"] == [name]


def _nodes(item):
    if isinstance(item, dict):
        yield item
        for value in item.values():
            yield from _nodes(value)
    elif isinstance(item, list):
        for value in item:
            yield from _nodes(value)


def _dp(value: str) -> int:
    return int(re.fullmatch(r"(\d+)dp", value).group(1))


def test_the_emergency_screen_needs_no_touch_and_its_number_is_very_large():
    document = screens.document(screens.EMERGENCY)
    kinds = {n.get("type") for n in _nodes(document["mainTemplate"])}
    assert not kinds & {"TouchWrapper", "ScrollView", "Sequence", "AlexaButton", "Pager"}
    assert not any(k.startswith("on") for n in _nodes(document) for k in n)  # no handlers
    headline = [_dp(r["dimensions"]["headlineSize"]) for r in document["resources"]]
    ordinary = [_dp(r["dimensions"]["titleSize"]) for r in screens.document(screens.ANSWER)["resources"]]
    # At least 64dp everywhere, and at least twice the ordinary title on every screen shape.
    assert min(headline) >= 64 and all(h >= 2 * t for h, t in zip(headline, ordinary))


DIGITS = "zero one two three four five six seven eight nine".split()


def test_the_emergency_screen_shows_the_number_that_is_spoken_in_every_locale(played, content):
    emergency = [r for r in answers(played[True])
                 if "emergency" in renders(r)[0]["datasources"]]
    assert emergency, "the conversation includes the emergency"
    for locale, loaded in content.items():
        number = {"spoken": loaded.emergency_number, "written": loaded.emergency_number_written}
        answer = loaded.topics["emergency"].answer()
        last = {"speech": answer.speech, "title": answer.card_title, "emergency": number["spoken"]}
        _, data = screens.screen_for(last)
        headline = data["emergency"]["headline"]
        assert re.findall(r"\d+", headline) == re.findall(r"\d+", number["written"]), locale
        # "triple zero, or one one one in New Zealand": the first number leads the answer
        instruction = {"en": "Call {} now", "es": "Llame ahora al {}"}[loaded.language]
        assert answer.speech.startswith(instruction.format(number["spoken"].split(",")[0])), locale
        if locale.startswith("en") and number["written"].isdigit():
            assert " ".join(DIGITS[int(d)] for d in number["written"]) == number["spoken"]
        assert data["emergency"]["why"] and number["spoken"] not in data["emergency"]["why"]
    for response in emergency:
        shown = renders(response)[0]["datasources"]["emergency"]["headline"]
        assert shown == "Call 911 now"
        assert to_plain(response["response"]["outputSpeech"]["ssml"]).startswith(
            "Call nine one one now")


def test_responses_with_a_screen_stay_under_alexas_size_limit(played):
    sizes = [len(json.dumps(r, separators=(",", ":")).encode()) for r in answers(played[True])]
    FIGURES.append(f"largest response with APL: {max(sizes) / 1024:.1f} KB (limit 120 KB)")
    assert max(sizes) < MAX_RESPONSE_BYTES


def every_screen(content, played) -> list[dict]:
    """Every distinct document + data sources: those sent in the conversations, and one for
    every answer in every locale's content, built as respond() would build it."""
    items = {}
    for response in answers(played[True]):
        for render in renders(response):
            items[json.dumps(render["datasources"], sort_keys=True)] = (render["document"],
                                                                       render["datasources"])
    for loaded in content.values():
        for entry in entries(loaded):
            last = {"speech": entry.text, "title": entry.answer.card_title,
                    "text": entry.answer.card_text, "source": list(entry.answer.source)}
            if entry.urgency == "emergency":
                last["emergency"] = loaded.emergency_number
            name, data = screens.screen_for(last)
            items[json.dumps(data, sort_keys=True)] = (screens.document(name), data)
    return [{"name": key, "document": doc, "datasources": data}
            for key, (doc, data) in items.items()]


def test_every_document_passes_amazons_apl_validator(content, played):
    items = every_screen(content, played)
    problems = validate_apl(items)
    FIGURES.append(f"APL documents validated by apl-suggester: {len(items)} "
                   f"(document + data sources), {sum(map(len, problems.values()))} problems")
    assert len(problems) == len(items) > 100
    assert {name: found for name, found in problems.items() if found} == {}


def test_the_validator_would_catch_a_broken_document():
    broken = json.loads(json.dumps(screens.document(screens.EMERGENCY)))
    broken["mainTemplate"]["items"][0]["items"][1]["textAlign"] = "middle"
    found = validate_apl([{"name": "broken", "document": broken, "datasources": {}}])["broken"]
    assert any("textAlign" in p["path"] for p in found)


def test_a_voice_only_request_never_loads_the_screen_code():
    probe = """
import json, sys
from skill.builder import build_skill_builder, lambda_handler_for
from skill.content import get_content
from skill.local.conversation import Conversation
content = get_content()
talk = Conversation(lambda_handler_for(build_skill_builder(content=content)), content["en-US"])
talk.say("how long will I be sore")
print(json.dumps(sorted(m for m in sys.modules if "presentation.apl" in m or m == "skill.screens")))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    assert json.loads(out.stdout) == []


def test_the_skill_manifest_asks_alexa_for_screens_round_ones_and_tvs_included():
    manifest = json.loads((ROOT / "deploy" / "skill-package" / "skill.json").read_text())
    (apl,) = [i for i in manifest["manifest"]["apis"]["custom"].get("interfaces", [])
              if i["type"] == "ALEXA_PRESENTATION_APL"]
    kinds = {(v["mode"], v["shape"]) for v in apl["supportedViewports"]}
    assert {("HUB", "ROUND"), ("HUB", "RECTANGLE"), ("TV", "RECTANGLE")} <= kinds
