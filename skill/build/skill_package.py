"""The ASK skill package's copy of the interaction model.

  `sync-models`                  interaction_model/source/*.yaml -> interaction_model/<locale>.json
                                 (skill/build/models.py), then those -> the skill package, so
                                 the model has one source of truth
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .lambda_bundle import MODEL_DIR, REPO_ROOT, BundleError

SKILL_PACKAGE_MODEL_DIR = REPO_ROOT / "deploy" / "skill-package" / "interactionModels" / "custom"


def stale_skill_package_models(source: Path = MODEL_DIR,
                               target: Path = SKILL_PACKAGE_MODEL_DIR) -> list[str]:
    """Locale files that differ between interaction_model/ and the skill package."""
    wanted = {p.name: p.read_bytes() for p in source.glob("*.json")}
    have = {p.name: p.read_bytes() for p in target.glob("*.json")} if target.is_dir() else {}
    names = wanted.keys() | have.keys()
    return sorted(name for name in names if wanted.get(name) != have.get(name))


def sync_skill_package_models(source: Path = MODEL_DIR,
                              target: Path = SKILL_PACKAGE_MODEL_DIR) -> list[Path]:
    """Copy interaction_model/<locale>.json into the skill package, removing stale locales.

    Returns the skill package's model files, all now identical to their source.
    """
    models = sorted(source.glob("*.json"))
    if not models:
        raise BundleError(f"no interaction model in {source}")
    for path in models:
        try:
            json.loads(path.read_bytes())
        except ValueError as exc:  # fail here, not halfway through `ask deploy`
            raise BundleError(f"{path}: not valid JSON: {exc}") from None
    target.mkdir(parents=True, exist_ok=True)
    for old in target.glob("*.json"):
        if not (source / old.name).is_file():
            old.unlink()
    written = []
    for path in models:
        dest = target / path.name
        data = path.read_bytes()
        if not dest.is_file() or dest.read_bytes() != data:
            dest.write_bytes(data)
        written.append(dest)
    return written


# ---------------------------------------------------------------- CLI glue

def add_sync_models_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--check", action="store_true",
                        help="change nothing; exit 1 if a generated model or the skill "
                             "package's copy is stale")


def run_sync_models(args: argparse.Namespace) -> int:
    from .models import ModelSourceError, stale_models, write_models

    try:
        if args.check:
            stale = [f"interaction_model/{name}" for name in stale_models(MODEL_DIR)]
            stale += [f"deploy/skill-package/interactionModels/custom/{name}"
                      for name in stale_skill_package_models()]
            for name in stale:
                print(f"stale: {name}", file=sys.stderr)
            return 1 if stale else 0
        written = write_models(MODEL_DIR) + sync_skill_package_models()
    except (BundleError, ModelSourceError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for path in written:
        print(path.relative_to(REPO_ROOT))
    return 0
