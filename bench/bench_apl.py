"""In-process cost of an answer with its APL screen against the same answer without, same run.

The same requests (a topic answer, the emergency, a launch) go through the handler Lambda
runs (envelope dict in, response JSON out: deserialise, handlers, serialise), three ways,
taking turns call by call so drift on the machine hits all alike: as a voice-only Echo asks,
as an Echo Show asks, and as an Echo Show asks with the skill's screen turned off. The figure
is the ratio of median calls, with APL against the same request without (target at most
1.3x); absolute times are printed for reading, never asserted. Writes its table to bench/README.md between its own
markers and leaves the rest of that file alone.

    python bench/bench_apl.py [--calls 3000] [--no-write]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from skill import responses  # noqa: E402
from skill.builder import build_skill_builder, lambda_handler_for  # noqa: E402
from skill.content import get_content  # noqa: E402
from skill.local.conversation import Conversation  # noqa: E402

README = REPO_ROOT / "bench" / "README.md"
BEGIN = "<!-- apl-cost: begin (written by bench/bench_apl.py) -->"
END = "<!-- apl-cost: end -->"
TARGET_RATIO = 1.3
SAID = {"topic answer": "how long will I be sore", "emergency": "I can't breathe",
        "launch": "open needling aftercare"}


def requests(content, handler, screen: bool) -> dict[str, dict]:
    """The envelope each sentence becomes, as that device would send it."""
    out = {}
    for name, said in SAID.items():
        talk = Conversation(handler, content["en-US"], screen=screen)
        out[name] = talk.request_for(said)
    return out


def one_call(handler, envelope: dict) -> tuple[float, int]:
    """Seconds for one answer, envelope in, response bytes out (as Lambda returns it)."""
    start = time.perf_counter()
    body = json.dumps(handler(envelope, None), separators=(",", ":"))
    return time.perf_counter() - start, len(body.encode())


def measure(calls: int) -> list[dict]:
    """Per answer, three ways, taking turns call by call; the median call of each."""
    content = get_content()
    handler = lambda_handler_for(build_skill_builder(content=content))
    plain, shown = requests(content, handler, False), requests(content, handler, True)
    with_screen = responses._has_screen
    rows = []
    for name in SAID:
        times = {"voice": [], "show": [], "show_off": []}
        sizes = {}
        for i in range(calls + 20):  # the first 20 load what first use loads, and are dropped
            for way in times:
                responses._has_screen = with_screen if way == "show" else (lambda _: False)
                spent, sizes[way] = one_call(handler, plain[name] if way == "voice" else shown[name])
                if i >= 20:
                    times[way].append(spent)
        responses._has_screen = with_screen
        median = {way: statistics.median(t) * 1e6 for way, t in times.items()}
        rows.append({"answer": name, **median, "bytes": sizes["show"],
                     "device_ratio": median["show"] / median["voice"],
                     "answer_ratio": median["show"] / median["show_off"]})
    return rows


def table(rows: list[dict], calls: int) -> str:
    import platform

    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Measured {stamp} by `bench/bench_apl.py`: {calls} calls of each kind per answer, "
             "taking turns call by call; median call, envelope dict in, response JSON out; "
             f"Python {platform.python_version()}, {platform.machine()}.",
             "",
             "| answer | voice-only Echo µs | Echo Show, no screen sent µs | Echo Show with APL µs "
             "| APL vs same request without | Show vs voice-only request | response with APL |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for r in rows:
        lines.append(f"| {r['answer']} | {r['voice']:.0f} | {r['show_off']:.0f} | {r['show']:.0f} "
                     f"| {r['answer_ratio']:.2f}x | {r['device_ratio']:.2f}x "
                     f"| {r['bytes'] / 1024:.1f} KB |")
    worst = max(r["answer_ratio"] for r in rows)
    worst_device = max(r["device_ratio"] for r in rows)
    lines += ["",
              f"The answer with its screen against the same Echo Show request answered without "
              f"one: worst {worst:.2f}x (target at most {TARGET_RATIO}x: "
              f"{'met' if worst <= TARGET_RATIO else 'missed'}). Against a voice-only Echo's "
              f"request the worst is {worst_device:.2f}x: an Echo Show's request is larger "
              "(its `Viewport` and APL interface), and the SDK spends the difference "
              "deserialising it before any handler runs, screen or not."]
    return "\n".join(lines)


def write_readme(text: str) -> None:
    old = README.read_text(encoding="utf-8")
    block = f"{BEGIN}\n{text}\n{END}"
    if BEGIN in old and END in old:
        new = old[:old.index(BEGIN)] + block + old[old.index(END) + len(END):]
    else:
        new = old.rstrip() + "\n\n## Screens (APL)\n\n" + __doc__.split("\n\n")[1].replace(
            "\n", " ") + "\n\n```sh\n.venv/bin/python bench/bench_apl.py\n```\n\n" + block + "\n"
    README.write_text(new, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    text = table(measure(args.calls), args.calls)
    print(text)
    if not args.no_write:
        write_readme(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
