"""The interaction models, generated from one source per language.

  interaction_model/source/<language>.yaml   the model every locale of that language shares
                                             (en: intents, samples, slot types, dialog, prompts)
  interaction_model/source/<locale>.yaml     what one locale changes: its invocation name, the
                                             samples and slot values of its own words
  -> interaction_model/<locale>.json         what Alexa builds; never edited by hand

A locale file names its `base` and may hold:
  invocationName: a name            replaces the base's
  samples:  {Intent: [sample, ...]} added to that intent's samples
  values:   {SlotType: {id: [synonym, ...]}}
                                    synonyms added to a value; an id the base lacks is a new
                                    value (its first synonym is its name)
  prompts:  {prompt id: text}       replaces the base's words for that prompt

`generate_models()` builds them all; tests/test_generated_models.py fails when a file on disk
differs from what its source makes, so the source stays the one place to edit.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

SOURCE_DIR_NAME = "source"


class ModelSourceError(ValueError):
    def __init__(self, path: Path, key: str, problem: str):
        super().__init__(f"{path}: key '{key}': {problem}")


def _read(path: Path) -> dict[str, Any]:
    from skill.content import parse_yaml

    data = parse_yaml(path.read_text(encoding="utf-8"), path)
    if not isinstance(data, dict):
        raise ModelSourceError(path, "(top level)", "expected a mapping")
    return data


def locale_sources(model_dir: Path) -> dict[str, Path]:
    """Locale -> its source file (en-GB.yaml), for every locale the source folder has."""
    from skill.content import is_locale_name

    return {p.stem: p for p in sorted((model_dir / SOURCE_DIR_NAME).glob("*.yaml"))
            if is_locale_name(p.stem)}


def _intent(model: dict, name: str, path: Path, key: str) -> dict:
    for intent in model["languageModel"]["intents"]:
        if intent["name"] == name:
            return intent
    raise ModelSourceError(path, key, f"no intent named {name} in the base")


def _slot_type(model: dict, name: str, path: Path, key: str) -> dict:
    for slot_type in model["languageModel"].get("types", []):
        if slot_type["name"] == name:
            return slot_type
    raise ModelSourceError(path, key, f"no slot type named {name} in the base")


def _words(raw: Any, path: Path, key: str) -> list[str]:
    if not isinstance(raw, list) or not all(isinstance(w, str) and w.strip() for w in raw):
        raise ModelSourceError(path, key, "must be a list of text")
    return [" ".join(w.split()) for w in raw]


def _add(have: list[str], more: list[str]) -> None:
    have.extend(w for w in more if w not in have)


def generate_model(source: Path) -> dict[str, Any]:
    """One locale's model: its base with the locale's changes laid over."""
    local = _read(source)
    base_name = local.get("base")
    if not isinstance(base_name, str):
        raise ModelSourceError(source, "base", "missing: name the language's shared model (en)")
    base_path = source.parent / f"{base_name}.yaml"
    if not base_path.is_file():
        raise ModelSourceError(source, "base", f"no {base_path.name} beside it")
    model = copy.deepcopy(_read(base_path))
    if "languageModel" not in model:
        raise ModelSourceError(base_path, "languageModel", "missing")
    known = {"base", "invocationName", "samples", "values", "prompts"}
    for key in local:
        if key not in known:
            raise ModelSourceError(source, str(key), f"unknown key (known: {', '.join(sorted(known))})")
    if "invocationName" in local:
        model["languageModel"]["invocationName"] = local["invocationName"]
    for name, samples in (local.get("samples") or {}).items():
        intent = _intent(model, name, source, f"samples.{name}")
        _add(intent.setdefault("samples", []), _words(samples, source, f"samples.{name}"))
    for type_name, values in (local.get("values") or {}).items():
        slot_type = _slot_type(model, type_name, source, f"values.{type_name}")
        by_id = {v.get("id"): v for v in slot_type["values"]}
        for value_id, synonyms in values.items():
            words = _words(synonyms, source, f"values.{type_name}.{value_id}")
            if value_id in by_id:
                _add(by_id[value_id]["name"].setdefault("synonyms", []), words)
            else:
                slot_type["values"].append({"id": value_id, "name": {
                    "value": words[0], **({"synonyms": words[1:]} if words[1:] else {})}})
    prompts = {p["id"]: p for p in model.get("prompts", [])}
    for prompt_id, text in (local.get("prompts") or {}).items():
        if prompt_id not in prompts:
            raise ModelSourceError(source, f"prompts.{prompt_id}", "no such prompt in the base")
        prompts[prompt_id]["variations"] = [{"type": "PlainText", "value": text}]
    return {"interactionModel": model}


def model_text(model: dict[str, Any]) -> str:
    return json.dumps(model, indent=2, ensure_ascii=False) + "\n"


def generate_models(model_dir: Path) -> dict[Path, str]:
    """interaction_model/<locale>.json -> the text its source makes, for every locale."""
    return {model_dir / f"{locale}.json": model_text(generate_model(path))
            for locale, path in locale_sources(model_dir).items()}


def stale_models(model_dir: Path) -> list[str]:
    """Generated files that differ from their source, or have no source any more."""
    wanted = generate_models(model_dir)
    have = set(model_dir.glob("*.json"))
    return sorted(p.name for p in wanted.keys() | have
                  if p not in wanted or not p.is_file() or p.read_text(encoding="utf-8") != wanted[p])


def write_models(model_dir: Path) -> list[Path]:
    wanted = generate_models(model_dir)
    for old in model_dir.glob("*.json"):
        if old not in wanted:
            old.unlink()
    for path, text in wanted.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return sorted(wanted)
