"""One sentence, one answer, in every Lambda container: Python's hash seed differs per process,
and the resolver's reading must not depend on it."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from .conftest import ROOT

PROBE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from skill.content import get_content
from skill.understanding.resolver import UtteranceResolver
from tests.heldout import load_half
out = {}
for locale, half in (("en-US", "i.dev"), ("en-US", "h.dev2"), ("es-US", "a.dev")):
    resolver = UtteranceResolver.for_locale(get_content()[locale])
    for item in load_half(locale, half) + [{"say": "sorry wrong thing"}]:
        match = resolver.resolve(item["say"])
        out[f"{locale} {item['say']}"] = [match.intent, match.how, match.score,
                                          sorted(match.slots or {})]
print(json.dumps(out, sort_keys=True))
"""


def test_the_resolver_reads_every_sentence_the_same_under_any_hash_seed():
    readings = []
    for seed in ("0", "1", "12345"):
        done = subprocess.run([sys.executable, "-c", PROBE, str(ROOT)], capture_output=True,
                              text=True, timeout=120, check=True, cwd=ROOT,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        readings.append(json.loads(done.stdout))
    assert len(readings[0]) > 400
    differing = [k for k in readings[0] if len({json.dumps(r[k]) for r in readings}) > 1]
    assert differing == []
