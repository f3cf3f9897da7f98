"""Speed work must not change what the skill says: record every reading, compare two trees.

For every phrasing of tests/data/heldout/*.yaml (each in its own locale) and
tests/data/heldout_en-US.yaml, every sample of each interaction model and a few noisy inputs,
records, with that locale's content and resolver:
  - the red-flag grammar's reading (clean() both ways, raised, denied and asked-about flags,
    every mention, names_trouble);
  - the resolver's Match (intent, how, slots, score, denied), and sample_match();
  - the whole response through tests/heldout.py's two ways of hearing (`free`: as `aftercare
    ask` does; `exact`: an exact-sample device), with the topic, variant and spoken words;
  - the whole response when the sentence reaches the Lambda handler as free speech
    (StatementIntent), as in bench/bench_cold_start.py.
Every request is made at one fixed moment, so two runs of one tree give identical files.

    python bench/behaviour_identity.py --base main      # this tree against `main`
    python bench/behaviour_identity.py --record out.json [--repo DIR]
    python bench/behaviour_identity.py --compare a.json b.json

--base checks REV out into a temporary git worktree, records there with this script, records
here, and compares: exit status 1 and the first differences when anything differs.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
MOMENT = datetime(2026, 11, 27, 15, 30, tzinfo=timezone.utc)
NOISE = ["", " ", "um", "um like so yeah", "asdf qwer zxcv", "¿puedo tomar café?",
         "ich habe Schmerzen in der Brust", "pain " * 1000, "chest " * 300,
         "no no no no", "not not sure", "'s 's", "it's it's it's", "I’m not short of breath",
         "kind of worn out is it okay to have a coffee this afternoon"]


def phrasings(root: Path) -> list[tuple[str, str]]:
    """(locale, sentence): each held-out file in its own locale (named by its first part),
    every sample of each interaction model, and the noisy inputs in each of those locales."""
    import yaml

    said: list[tuple[str, str]] = []
    for path in sorted((root / "tests" / "data" / "heldout").glob("*.yaml")):
        locale = path.name.split(".")[0]
        said += [(locale, item["say"]) for item in yaml.safe_load(path.read_text(encoding="utf-8"))]
    old = yaml.safe_load((root / "tests" / "data" / "heldout_en-US.yaml").read_text(encoding="utf-8"))
    for name in sorted(old):
        value = old[name]
        said += [("en-US", p) for p in
                 ([p for t in sorted(value) for p in value[t]] if isinstance(value, dict) else value)]
    for path in sorted((root / "interaction_model").glob("*.json")):
        model = json.loads(path.read_text(encoding="utf-8"))
        for intent in model["interactionModel"]["languageModel"]["intents"]:
            said += [(path.stem, sample) for sample in intent.get("samples", [])]
    locales = sorted({locale for locale, _ in said})
    return said + [(locale, noise) for locale in locales for noise in NOISE]


def _plain(value):
    """JSON-ready form of readings and matches (dataclasses and named tuples alike, tuples,
    sets)."""
    from collections.abc import Mapping
    from dataclasses import fields, is_dataclass

    if is_dataclass(value):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        return {name: _plain(getattr(value, name)) for name in value._fields}
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    return value


def _digest(value) -> str:
    """A whole response compared by its SHA-256: the file stays small, a difference shows."""
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def record(root: Path) -> dict:
    sys.path.insert(0, str(root))
    os.chdir(root)
    from skill.builder import build_skill_builder, lambda_handler_for
    from skill.content import get_content
    from skill.local.conversation import Conversation
    from skill.understanding.resolver import normalise
    from tests.heldout import carrier_phrases, hear_exactly
    from tests.helpers import answered_topic, spoken

    content = get_content()
    handler = lambda_handler_for(build_skill_builder(content=content))
    per_locale: dict[str, tuple] = {}

    def for_locale(locale):
        # One resolver per locale, as tests/heldout.py builds it, and that locale's carriers.
        if locale not in per_locale:
            loaded = content[locale]
            first = Conversation(handler, loaded, locale=locale, now=MOMENT)
            per_locale[locale] = (loaded, first.resolver, carrier_phrases(locale))
        return per_locale[locale]

    def heard(response):
        topic, variant = answered_topic(response)
        return {"topic": topic, "variant": variant, "speech": spoken(response),
                "response": _digest(response)}

    out = {}
    for locale, said in phrasings(root):
        key = f"{locale}|{said}"
        if key in out or locale not in content:
            continue
        loaded, resolver, carriers = for_locale(locale)
        grammar = loaded.red_flags

        def talk():
            return Conversation(handler, loaded, locale=locale, now=MOMENT, resolver=resolver,
                                user_id="amzn1.ask.account.identity")
        language = getattr(resolver, "language", None)
        text = normalise(said, language) if language else normalise(said)
        reading = grammar.read(text)
        entry = {
            "clean": list(grammar.clean(text)),
            "clean_not_harmless": list(grammar.clean(text, harmless=False)),
            "reading": {"tokens": list(reading.tokens),
                        "mentions": [[m.flag.id, m.start, m.end, m.denied, m.cut_from]
                                     for m in reading.mentions],
                        "raised": reading.raised and reading.raised.id,
                        "denied": [f.id for f in reading.denied],
                        "asked_about": [f.id for f in reading.asked_about],
                        "remainder": reading.remainder(),
                        "names_trouble": grammar.names_trouble(reading)},
            "resolve": _plain(resolver.resolve(said)),
            "sample_match": _plain(resolver.sample_match(text)),
        }
        conversation = talk()
        entry["free"] = heard(conversation.say(said))
        conversation = talk()
        entry["exact"] = heard(conversation.handler(hear_exactly(conversation, said, carriers), None))
        conversation = talk()
        statement = conversation.session.intent("StatementIntent", {
            "text": {"name": "text", "value": said, "confirmationStatus": "NONE"}})
        entry["lambda_free_speech"] = heard(handler(statement, None))
        out[key] = entry
    return out


def compare(before: dict, after: dict, most: int = 10) -> list[str]:
    problems = []
    for said in sorted(set(before) | set(after)):
        if said not in before or said not in after:
            problems.append(f"{said!r}: only in {'after' if said in after else 'before'}")
            continue
        for key in before[said]:
            if before[said][key] != after[said].get(key):
                problems.append(f"{said!r} {key}:\n  before {json.dumps(before[said][key])[:300]}"
                                f"\n  after  {json.dumps(after[said].get(key))[:300]}")
    return problems[:most] + ([f"... {len(problems) - most} more"] if len(problems) > most else [])


def _record_in(root: Path, path: Path, seed: str) -> dict:
    # The hash seed fixed: trees before the exact sums added float evidence over sets of
    # strings, whose order (and so the last digit of a score) followed string hashing.
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--record", str(path),
                    "--repo", str(root)], check=True, cwd=root,
                   env={**os.environ, "PYTHONHASHSEED": seed})
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", help="a git revision to compare this tree against")
    parser.add_argument("--record", type=Path, help="write this tree's readings here")
    parser.add_argument("--repo", type=Path, default=HERE, help="the tree to record (default: this)")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--seeds", default="0,1", help="PYTHONHASHSEED values for --base (0,1)")
    args = parser.parse_args(argv)
    if args.record:
        data = record(args.repo.resolve())
        args.record.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        import skill

        print(f"recorded {len(data)} phrasings from {Path(skill.__file__).parent}")
        return 0
    if args.compare:
        before, after = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        return _report(before, after, "")
    if not args.base:
        parser.error("give --base, --record or --compare")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="identity-") as tmp:
        base = Path(tmp) / "base"
        subprocess.run(["git", "worktree", "add", "--detach", str(base), args.base],
                       check=True, cwd=HERE, capture_output=True)
        try:
            for seed in args.seeds.split(","):
                before = _record_in(base, Path(tmp) / "before.json", seed)
                after = _record_in(HERE, Path(tmp) / "after.json", seed)
                failed |= _report(before, after, f"PYTHONHASHSEED={seed}, {args.base} against this tree: ")
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(base)], check=True, cwd=HERE)
    return failed


def differing(before: dict, after: dict) -> dict[str, int]:
    """How many phrasings differ in each recorded reading ("free", "resolve", ...)."""
    counts: dict[str, int] = {}
    for said in set(before) & set(after):
        for key in set(before[said]) | set(after[said]):
            if before[said].get(key) != after[said].get(key):
                counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items()))


def _report(before: dict, after: dict, label: str) -> int:
    problems = compare(before, after)
    for line in problems:
        print(line)
    where = ", ".join(f"{key} {n}" for key, n in differing(before, after).items())
    print(f"{label}{len(before)} phrasings: "
          f"{f'DIFFERENT ({where}; every other reading identical)' if problems else 'identical'} "
          "(red-flag readings, resolver matches, responses through every way in)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
