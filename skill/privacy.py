"""What the skill may keep about a person: nothing, unless the clinic turns it on.

Amazon's policy rejects a skill that collects information about a person's health care
unless it is a HIPAA-eligible skill of a covered entity or business associate (Amazon's
BAA, `usesHealthInfo` true, a privacy policy). When someone had a treatment is such
information, and so is a reminder about it. So the published default keeps neither:

  AFTERCARE_MEMORY     off (default) | on   offer to remember the session time for 72 hours
                                            (needs a store: AFTERCARE_STORE)
  AFTERCARE_REMINDERS  off (default) | on   offer the 48-hour check-in reminder

`manifest_problems` says where skill.json does not tell Amazon the truth about them.
Standard library only: read on the Lambda path and by the deploy tests.
"""
from __future__ import annotations

import os
from typing import Any, Mapping, NamedTuple

MEMORY_ENV = "AFTERCARE_MEMORY"
REMINDERS_ENV = "AFTERCARE_REMINDERS"
REMINDERS_PERMISSION = "alexa::alerts:reminders:skill:readwrite"
_ON = {"on", "1", "true", "yes"}
_OFF = {"off", "0", "false", "no", ""}


def _switch(environ: Mapping[str, str], name: str) -> bool:
    value = environ.get(name, "").strip().lower()
    if value in _ON:
        return True
    if value in _OFF:
        return False
    raise ValueError(f"{name}={environ[name]!r} is neither on nor off")


class Privacy(NamedTuple):  # not a dataclass: a millisecond less of cold start
    memory: bool = False
    reminders: bool = False

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ) -> "Privacy":
        return cls(memory=_switch(environ, MEMORY_ENV), reminders=_switch(environ, REMINDERS_ENV))

    @property
    def keeps_health_information(self) -> bool:
        return self.memory or self.reminders


def reminders_enabled(environ: Mapping[str, str] = os.environ) -> bool:
    """Read per call: a dictionary lookup, and tests and the CLI can change it."""
    try:
        return Privacy.from_env(environ).reminders
    except ValueError:
        return False  # the start-up check names the bad value; here, fail closed


def manifest_problems(manifest: Mapping[str, Any], privacy: Privacy) -> list[str]:
    """Where skill.json's privacy answers, permissions and testing instructions are not true
    to the configuration (an empty list when they are)."""
    problems = []
    body = manifest.get("manifest", {})
    compliance = body.get("privacyAndCompliance", {})
    publishing = body.get("publishingInformation", {})
    keeps = privacy.keeps_health_information
    for flag in ("usesPersonalInfo", "usesHealthInfo"):
        if compliance.get(flag) is not keeps:
            problems.append(f"privacyAndCompliance.{flag} must be {str(keeps).lower()}")
    locales = compliance.get("locales", {})
    for locale in publishing.get("locales", {}):
        url = locales.get(locale, {}).get("privacyPolicyUrl", "")
        if keeps and not str(url).startswith("https://"):
            problems.append(f"privacyAndCompliance.locales.{locale}.privacyPolicyUrl: an https "
                            "privacy policy is required when the skill keeps anything")
    permissions = {p.get("name") for p in body.get("permissions", [])}
    if (REMINDERS_PERMISSION in permissions) is not privacy.reminders:
        problems.append(f"permissions must {'' if privacy.reminders else 'not '}list "
                        f"{REMINDERS_PERMISSION}")
    instructions = publishing.get("testingInstructions", "").lower()
    said = {"memory": "remember" in instructions, "reminders": "reminder" in instructions}
    for name, on in (("memory", privacy.memory), ("reminders", privacy.reminders)):
        if on and not said[name]:
            problems.append(f"testingInstructions must explain the {name} the skill offers")
    if not keeps and "stores nothing" not in instructions:
        problems.append("testingInstructions must say the skill stores nothing about anyone")
    if not privacy.reminders and said["reminders"] and "no reminder" not in instructions:
        problems.append("testingInstructions mention reminders the skill does not offer")
    descriptions = " ".join(v.get("description", "") for v in publishing.get("locales", {}).values())
    if not privacy.memory and "remembers" in descriptions.lower():
        problems.append("a description says the skill remembers; memory is off")
    return problems
