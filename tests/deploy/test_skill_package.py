"""The ASK CLI project in deploy/: ask-resources.json, skill.json and the model copies."""
from __future__ import annotations

import ast
import json
import os
import re
from pathlib import Path

import pytest

from skill.build.lambda_bundle import BundleError
from skill.build.skill_package import stale_skill_package_models, sync_skill_package_models

REPO_ROOT = Path(__file__).resolve().parents[2]
DEPLOY = REPO_ROOT / "deploy"
MODEL_DIR = REPO_ROOT / "interaction_model"
SKILL_JSON = DEPLOY / "skill-package" / "skill.json"
ASK_RESOURCES = DEPLOY / "ask-resources.json"
INVOCATION_PREFIXES = ("alexa, ask {name} ", "alexa, open {name}")
# How a Spanish speaker opens a skill or asks it one thing: "Alexa, abre ...", "Alexa, pregunta
# a ... cuánto me va a durar el dolor".
INVOCATION_PREFIXES_BY_LANGUAGE = {"en": INVOCATION_PREFIXES,
                                   "es": ("alexa, pregunta a {name} ", "alexa, pide a {name} ",
                                          "alexa, abre {name}")}
# Parameters the ASK CLI's cfn-deployer fills itself and refuses in userConfig.cfn.parameters.
CFN_DEPLOYER_PARAMETERS = {"SkillId", "LambdaRuntime", "LambdaHandler", "CodeBucket", "CodeKey",
                           "CodeVersion"}


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _models() -> dict[str, dict]:
    return {p.stem: _json(p)["interactionModel"]["languageModel"]
            for p in sorted(MODEL_DIR.glob("*.json"))}


@pytest.fixture(scope="module")
def manifest() -> dict:
    return _json(SKILL_JSON)["manifest"]


@pytest.fixture(scope="module")
def profile() -> dict:
    return _json(ASK_RESOURCES)["profiles"]["default"]


# ---------------------------------------------------------------- the model has one source

def test_skill_package_models_equal_interaction_model():
    assert _models(), "no interaction model in interaction_model/"
    assert stale_skill_package_models() == [], (
        "run `aftercare sync-models` (or python -m skill.build sync-models)")


def test_sync_copies_models_and_removes_stale_locales(tmp_path):
    source, target = tmp_path / "interaction_model", tmp_path / "custom"
    source.mkdir()
    target.mkdir()
    (source / "en-US.json").write_text('{"interactionModel": {}}')
    (target / "en-US.json").write_text("{}")
    (target / "de-DE.json").write_text("{}")
    written = sync_skill_package_models(source, target)
    assert written == [target / "en-US.json"]
    assert sorted(p.name for p in target.iterdir()) == ["en-US.json"]
    assert stale_skill_package_models(source, target) == []


def test_sync_refuses_a_broken_model(tmp_path):
    source, target = tmp_path / "interaction_model", tmp_path / "custom"
    source.mkdir()
    (source / "en-US.json").write_text("{not json")
    with pytest.raises(BundleError):
        sync_skill_package_models(source, target)
    assert not target.exists()


# ---------------------------------------------------------------- skill.json

def test_skill_json_carries_the_required_fields(manifest):
    assert manifest["manifestVersion"] == "1.0"
    publishing = manifest["publishingInformation"]
    for key in ("locales", "category", "testingInstructions", "distributionMode"):
        assert publishing[key], key
    assert publishing["isAvailableWorldwide"] or publishing["distributionCountries"]
    for locale, info in publishing["locales"].items():
        for key in ("name", "summary", "description", "examplePhrases", "keywords"):
            assert info.get(key), f"{locale}: {key}"
        assert len(info["summary"]) <= 160, locale
        assert 1 <= len(info["examplePhrases"]) <= 3, locale
        assert len(info["keywords"]) <= 30, locale
    assert "custom" in manifest["apis"]


def test_skill_json_has_a_health_category(manifest):
    # The value Amazon's own custom-skill manifest example uses for health skills.
    assert manifest["publishingInformation"]["category"] == "HEALTH_AND_FITNESS"


# The disclaimer, the emergency and the local number, in each language's words.
DISCLAIMERS = {"en": ("not a substitute for professional medical advice", "emergency", "call",
                      "local emergency number"),
               "es": ("no sustituye el consejo médico profesional", "emergencia", "llame",
                      "número local de emergencias")}


def test_descriptions_disclaim_medical_advice_and_point_to_emergency_number(manifest):
    for locale, info in manifest["publishingInformation"]["locales"].items():
        text = info["description"].lower()
        for words in DISCLAIMERS[locale.split("-")[0]]:
            assert words in text, (locale, words)


def test_privacy_flags_tell_the_truth(manifest):
    privacy = manifest["privacyAndCompliance"]
    # The published default: information only, nothing kept about anyone, no permission.
    assert privacy == {
        "allowsPurchases": False, "usesPersonalInfo": False, "isChildDirected": False,
        "isExportCompliant": True, "containsAds": False, "usesHealthInfo": False,
    }
    assert "permissions" not in manifest


def test_custom_endpoint_is_left_to_the_template_output(manifest):
    # `ask deploy` writes the SkillEndpoint output of the stack here; before the first deploy
    # the block is empty, after it the uri is that Lambda's ARN.
    endpoint = manifest["apis"]["custom"].get("endpoint")
    if endpoint is not None:
        assert re.fullmatch(r"arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(:[\w$-]+)?",
                            endpoint["uri"])


def test_publishing_locales_match_the_interaction_models(manifest):
    assert set(manifest["publishingInformation"]["locales"]) == set(_models())


def _sample_pattern(sample: str, slots: dict[str, str], types: dict[str, list[str]]) -> str:
    pattern = ""
    for literal, slot in re.findall(r"([^{]*)(?:\{(\w+)\})?", sample):
        pattern += re.escape(literal.lower())
        if slot:
            values = types.get(slots[slot])
            # Built-in slot types (AMAZON.*) cannot be listed here: any words fill them.
            pattern += "(?:" + "|".join(map(re.escape, values)) + ")" if values else ".+"
    return pattern


def _intent_for(phrase: str, model: dict) -> str | None:
    types = {
        t["name"]: [v["name"]["value"].lower() for v in t["values"]]
        + [s.lower() for v in t["values"] for s in v["name"].get("synonyms", [])]
        for t in model.get("types", [])
    }
    for intent in model["intents"]:
        slots = {s["name"]: s["type"] for s in intent.get("slots", [])}
        for sample in intent.get("samples", []):
            if re.fullmatch(_sample_pattern(sample, slots, types), phrase):
                return intent["name"]
    return None


def test_example_phrases_are_samples_of_the_model(manifest):
    for locale, model in _models().items():
        name = model["invocationName"]
        prefixes = INVOCATION_PREFIXES_BY_LANGUAGE[locale.split("-")[0]]
        phrases = manifest["publishingInformation"]["locales"][locale]["examplePhrases"]
        assert phrases[0].lower().startswith(tuple(p.format(name=name).rstrip() for p in prefixes)), (
            "the first example phrase must invoke the skill by name")
        for phrase in phrases:
            spoken = phrase.lower().rstrip()
            prefix = next((p.format(name=name) for p in prefixes
                           if spoken.startswith(p.format(name=name))), None)
            assert prefix, f"{phrase!r} does not invoke {name!r}"
            rest = spoken[len(prefix):].strip()
            if rest:  # "alexa, open <name>" alone is a LaunchRequest
                assert _intent_for(rest, model), f"{phrase!r}: {rest!r} is no sample in {locale}"


# ---------------------------------------------------------------- ask-resources.json

def test_ask_resources_carries_the_required_fields(profile):
    assert _json(ASK_RESOURCES)["askcliResourcesVersion"] == "2020-03-31"
    assert (DEPLOY / profile["skillMetadata"]["src"] / "skill.json").is_file()
    assert (DEPLOY / profile["code"]["default"]["src"]).is_dir()
    infra = profile["skillInfrastructure"]
    assert infra["type"] == "@ask-cli/cfn-deployer"
    config = infra["userConfig"]
    for key in ("runtime", "handler", "templatePath", "awsRegion"):
        assert config[key], key
    assert (DEPLOY / config["templatePath"]).is_file()


def test_ask_resources_handler_is_the_lambda_handler(profile):
    module, _, function = profile["skillInfrastructure"]["userConfig"]["handler"].rpartition(".")
    source = REPO_ROOT.joinpath(*module.split(".")).with_suffix(".py")
    tree = ast.parse(source.read_text(encoding="utf-8"))
    assigned = {t.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
                for t in node.targets if isinstance(t, ast.Name)}
    defined = {n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    assert function in assigned | defined


def test_cfn_parameters_are_the_templates_own(profile):
    from cfnlint.decode import decode

    config = profile["skillInfrastructure"]["userConfig"]
    template, errors = decode(str(DEPLOY / config["templatePath"]))
    assert not errors
    declared = set(template["Parameters"])
    user = set(config.get("cfn", {}).get("parameters", {}))
    assert user <= declared - CFN_DEPLOYER_PARAMETERS
    assert CFN_DEPLOYER_PARAMETERS <= declared  # CloudFormation rejects undeclared parameters
    runtime = template["Parameters"]["LambdaRuntime"]["AllowedValues"]
    assert config["runtime"] in runtime
    assert config["handler"] in template["Parameters"]["LambdaHandler"]["AllowedValues"]


def test_build_hook_is_executable():
    # ASK CLI runs hooks/build.sh beside ask-resources.json instead of its own build.
    hook = DEPLOY / "hooks" / "build.sh"
    assert os.access(hook, os.X_OK)
    assert "skill.build build-lambda" in hook.read_text()
