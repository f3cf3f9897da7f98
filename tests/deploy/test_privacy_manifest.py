"""skill.json tells Amazon the truth about what the deployed configuration keeps."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from skill.privacy import REMINDERS_PERMISSION, Privacy, manifest_problems

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SWITCHES = {"RememberSessionTime": "memory", "OfferReminder": "reminders"}


class _CfnLoader(yaml.SafeLoader):
    """Reads CloudFormation's short tags (!Ref, !If) as plain values."""


_CfnLoader.add_multi_constructor("!", lambda loader, tag, node: None)


def deployed_privacy() -> Privacy:
    """What `ask deploy` turns on: ask-resources.json's parameters, else the template's defaults."""
    template = yaml.load((DEPLOY / "infrastructure" / "cfn-deployer" / "skill-stack.yaml")
                         .read_text(encoding="utf-8"), Loader=_CfnLoader)
    resources = json.loads((DEPLOY / "ask-resources.json").read_text(encoding="utf-8"))
    (profile,) = resources["profiles"].values()
    given = profile["skillInfrastructure"]["userConfig"].get("cfn", {}).get("parameters", {})
    values = {field: given.get(name, template["Parameters"][name]["Default"]) == "on"
              for name, field in SWITCHES.items()}
    return Privacy(**values)


@pytest.fixture
def manifest():
    return json.loads((DEPLOY / "skill-package" / "skill.json").read_text(encoding="utf-8"))


def test_the_published_default_keeps_nothing():
    assert deployed_privacy() == Privacy(memory=False, reminders=False)


def test_skill_json_is_true_to_the_deployed_configuration(manifest):
    assert manifest_problems(manifest, deployed_privacy()) == []


@pytest.mark.parametrize("privacy", [Privacy(memory=True), Privacy(reminders=True),
                                     Privacy(memory=True, reminders=True)])
def test_turning_memory_or_reminders_on_without_changing_skill_json_is_caught(manifest, privacy):
    problems = manifest_problems(manifest, privacy)
    assert any("usesHealthInfo" in p for p in problems)
    assert any("privacyPolicyUrl" in p for p in problems)


def test_a_manifest_for_a_hipaa_eligible_clinic_passes(manifest):
    """What a clinic with memory and reminders on changes in skill.json (the README says so)."""
    hipaa = copy.deepcopy(manifest)
    body = hipaa["manifest"]
    # Amazon's HIPAA-eligible skills are a US programme: such a clinic publishes en-US alone.
    publishing = body["publishingInformation"]
    publishing["locales"] = {"en-US": publishing["locales"]["en-US"]}
    publishing["distributionCountries"] = ["US"]
    body["privacyAndCompliance"].update(usesPersonalInfo=True, usesHealthInfo=True, locales={
        "en-US": {"privacyPolicyUrl": "https://clinic.example/privacy"}})
    body["permissions"] = [{"name": REMINDERS_PERMISSION}]
    body["publishingInformation"]["testingInstructions"] = (
        "Say 'my session was yesterday at three'; the skill asks to remember the time (stored "
        "with consent for 72 hours) and offers a reminder, which needs the reminders permission.")
    assert manifest_problems(hipaa, Privacy(memory=True, reminders=True)) == []
    # ...and the same manifest is not true for the published default.
    assert manifest_problems(hipaa, Privacy()) != []
