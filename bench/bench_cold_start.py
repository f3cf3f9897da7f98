"""Cold start of the Lambda bundle against an ask-sdk-core hello-world skill, in the same run.

Each sample is a fresh interpreter that sees only one unpacked bundle (no site-packages, as on
Lambda) and times importing the handler module (Lambda's init phase), then the first
LaunchRequest. Then, in the same process, a warm request repeated: the hello world's
LaunchRequest against a free-speech request of ours (StatementIntent, read by the skill's own
resolver from the index the bundle ships), the first of which also loads that index. Both
skills run from the same dependency files with the same bytecode, taking turns, so drift on
the machine hits both alike. Writes its table to bench/README.md between
its own markers and leaves the rest of that file alone.

    python bench/bench_cold_start.py [--runs 25] [--bundle PATH.zip] [--no-write]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT))

from skill.build.lambda_bundle import build_lambda_bundle, unchecked_pyc  # noqa: E402

README = REPO_ROOT / "bench" / "README.md"
BEGIN = "<!-- cold-start: begin (written by bench/bench_cold_start.py) -->"
END = "<!-- cold-start: end -->"
TARGET_RATIO = 1.2

# The ask-sdk-core hello-world skill, as the Alexa-hosted Python template has it.
HELLO_WORLD = '''\
import logging

import ask_sdk_core.utils as ask_utils
from ask_sdk_core.dispatch_components import AbstractExceptionHandler, AbstractRequestHandler
from ask_sdk_core.skill_builder import SkillBuilder

logger = logging.getLogger(__name__)
logger.setLevel(logging.INFO)


class LaunchRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return ask_utils.is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input):
        speak_output = "Welcome, you can say Hello or Help. Which would you like to try?"
        return handler_input.response_builder.speak(speak_output).ask(speak_output).response


class HelloWorldIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return ask_utils.is_intent_name("HelloWorldIntent")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.speak("Hello World!").response


class HelpIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return ask_utils.is_intent_name("AMAZON.HelpIntent")(handler_input)

    def handle(self, handler_input):
        speak_output = "You can say hello to me! How can I help?"
        return handler_input.response_builder.speak(speak_output).ask(speak_output).response


class CancelOrStopIntentHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return (ask_utils.is_intent_name("AMAZON.CancelIntent")(handler_input)
                or ask_utils.is_intent_name("AMAZON.StopIntent")(handler_input))

    def handle(self, handler_input):
        return handler_input.response_builder.speak("Goodbye!").response


class SessionEndedRequestHandler(AbstractRequestHandler):
    def can_handle(self, handler_input):
        return ask_utils.is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input):
        return handler_input.response_builder.response


class CatchAllExceptionHandler(AbstractExceptionHandler):
    def can_handle(self, handler_input, exception):
        return True

    def handle(self, handler_input, exception):
        logger.error(exception, exc_info=True)
        speak_output = "Sorry, I had trouble doing what you asked. Please try again."
        return handler_input.response_builder.speak(speak_output).ask(speak_output).response


sb = SkillBuilder()
sb.add_request_handler(LaunchRequestHandler())
sb.add_request_handler(HelloWorldIntentHandler())
sb.add_request_handler(HelpIntentHandler())
sb.add_request_handler(CancelOrStopIntentHandler())
sb.add_request_handler(SessionEndedRequestHandler())
sb.add_exception_handler(CatchAllExceptionHandler())

lambda_handler = sb.lambda_handler()
'''

# One sample, run by a bare interpreter: argv = folder, handler module, launch event, warm
# event (JSON), how many warm requests.
PROBE = r"""
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, sys.argv[1])
import importlib, json, statistics
module = importlib.import_module(sys.argv[2])
t1 = time.perf_counter()
response = module.lambda_handler(json.loads(sys.argv[3]), None)
t2 = time.perf_counter()
assert response["response"]["outputSpeech"]["ssml"]
warm, times = json.loads(sys.argv[4]), []
for _ in range(int(sys.argv[5]) + 1):
    started = time.perf_counter()
    assert module.lambda_handler(json.loads(json.dumps(warm)), None)["response"]["outputSpeech"]
    times.append((time.perf_counter() - started) * 1e3)
print(json.dumps({"init_ms": (t1 - t0) * 1e3, "first_request_ms": (t2 - t1) * 1e3,
                  "first_warm_ms": times[0], "warm_ms": statistics.median(times[1:])}))
"""
WARM_REQUESTS = 200

LAUNCH = {
    "version": "1.0",
    "session": {"new": True, "sessionId": "amzn1.echo-api.session.BENCH",
                "application": {"applicationId": "amzn1.ask.skill.BENCH"},
                "user": {"userId": "amzn1.ask.account.BENCH"}, "attributes": {}},
    "context": {"System": {"application": {"applicationId": "amzn1.ask.skill.BENCH"},
                           "user": {"userId": "amzn1.ask.account.BENCH"},
                           "device": {"deviceId": "amzn1.ask.device.BENCH",
                                      "supportedInterfaces": {}},
                           "apiEndpoint": "https://api.amazonalexa.com"}},
    "request": {"type": "LaunchRequest", "requestId": "amzn1.echo-api.request.BENCH",
                "timestamp": "2025-01-01T12:00:00Z", "locale": "en-US"},
}


# A sentence no sample says, as Alexa hands it over: "i feel {text}" heard as StatementIntent.
FREE_SPEECH = {**LAUNCH, "session": {**LAUNCH["session"], "new": False},
               "request": {"type": "IntentRequest", "requestId": "amzn1.echo-api.request.BENCH",
                           "timestamp": "2025-01-01T12:00:00Z", "locale": "en-US",
                           "dialogState": "COMPLETED",
                           "intent": {"name": "StatementIntent", "confirmationStatus": "NONE",
                                      "slots": {"text": {
                                          "name": "text", "confirmationStatus": "NONE",
                                          "value": "kind of worn out is it okay to have a "
                                                   "coffee this afternoon"}}}}}


def plain_python() -> str:
    """The Lambda runtime's Python, which the bundle is built for, else the interpreter behind
    this virtualenv: with -I -S it sees only the standard library."""
    from skill.build.lambda_bundle import Target

    return Target.declared().interpreter() or getattr(sys, "_base_executable", None) or sys.executable


def unpack(bundle: Path, workdir: Path) -> tuple[Path, Path]:
    """The aftercare bundle, and the hello-world skill on the very same dependency files."""
    aftercare = workdir / "aftercare"
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(aftercare)
    hello = workdir / "hello"
    shutil.copytree(aftercare, hello, ignore=lambda d, names: (
        {"skill", "content"} if Path(d) == aftercare else set()))
    source = HELLO_WORLD.encode()
    (hello / "lambda_function.py").write_bytes(source)
    pyc = Path(importlib.util.cache_from_source(str(hello / "lambda_function.py")))
    pyc.parent.mkdir(exist_ok=True)
    pyc.write_bytes(unchecked_pyc(source, "lambda_function.py"))  # compiled like the bundle's
    return aftercare, hello


# The function's environment as the deploy template sets it (the store is DynamoDB, created
# on first use); the hello-world skill ignores these.
LAMBDA_ENV = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "AFTERCARE_STORE": "dynamodb",
              "AFTERCARE_DYNAMODB_TABLE": "aftercare", "AWS_REGION": "us-east-1",
              "AFTERCARE_SKILL_ID": "amzn1.ask.skill.BENCH"}


def sample(python: str, folder: Path, module: str, warm: dict) -> dict[str, float]:
    env = LAMBDA_ENV
    done = subprocess.run([python, "-I", "-S", "-c", PROBE, str(folder), module,
                           json.dumps(LAUNCH), json.dumps(warm), str(WARM_REQUESTS)],
                          env=env, cwd=folder.parent,
                          capture_output=True, text=True, timeout=60, check=False)
    if done.returncode:
        raise SystemExit(f"{module} failed in {folder}:\n{done.stderr}")
    return json.loads(done.stdout)


def import_tree(python: str, folder: Path, module: str) -> list[tuple[int, str, int, int]]:
    """One `-X importtime` run: (depth, module, self us, cumulative us), parents first."""
    done = subprocess.run([python, "-I", "-S", "-X", "importtime", "-c",
                           f"import sys; sys.path.insert(0, {str(folder)!r}); import {module}"],
                          env=LAMBDA_ENV, capture_output=True, text=True,
                          check=True)
    rows = []
    for line in done.stderr.splitlines():
        fields = line.removeprefix("import time:").split("|")
        if len(fields) != 3 or not fields[0].strip().isdigit():
            continue
        name = fields[2].rstrip()
        rows.append(((len(name) - len(name.lstrip())) // 2, name.strip(),
                     int(fields[0]), int(fields[1])))
    return rows[::-1]  # Python prints children before their parent


def breakdown(python: str, aftercare: Path, hello: Path) -> str:
    """Where the skill's extra init time goes: its own modules (content loading included), and
    each import subtree the hello-world skill does not have, named with its importer."""
    shared = {name for _, name, _, _ in import_tree(python, hello, "lambda_function")}
    own_us, extra = 0, []
    parents: dict[int, str] = {}
    for depth, name, self_us, cumulative_us in import_tree(python, aftercare,
                                                           "skill.lambda_function"):
        parents[depth] = name
        parent = parents.get(depth - 1, "")
        if name.startswith("skill"):
            own_us += self_us
        elif name not in shared and (parent.startswith("skill") or parent in shared):
            extra.append((cumulative_us, name, parent))
    parts = [f"the skill's own modules, content loading included, {own_us / 1e3:.1f}"]
    parts += [f"`{name}` (from `{parent}`) {us / 1e3:.1f}"
              for us, name, parent in sorted(extra, reverse=True)[:5]]
    return ("Where the difference goes (one `python -X importtime` run, milliseconds, that "
            "tool's overhead included): " + "; ".join(parts) + ".")


def summary(values: list[float]) -> dict[str, float]:
    q1, _, q3 = statistics.quantiles(values, n=4)
    return {"median": statistics.median(values), "min": min(values), "max": max(values),
            "q1": q1, "q3": q3}


def measure(python: str, aftercare: Path, hello: Path, runs: int) -> dict[str, dict[str, list]]:
    skills = {"hello world (ask-sdk-core)": (hello, "lambda_function", LAUNCH),
              "needling aftercare": (aftercare, "skill.lambda_function", FREE_SPEECH)}
    for folder, module, warm in skills.values():  # warm the page cache; not counted
        sample(python, folder, module, warm)
    results: dict[str, dict[str, list]] = {
        name: {"init_ms": [], "first_request_ms": [], "first_warm_ms": [], "warm_ms": []}
        for name in skills}
    names = list(skills)
    for run in range(runs):
        for name in names if run % 2 == 0 else reversed(names):  # take turns going first
            folder, module, warm = skills[name]
            for key, value in sample(python, folder, module, warm).items():
                results[name][key].append(value)
    return results


def table(results: dict, runs: int, bundle_bytes: int, python: str, where: str) -> str:
    version = subprocess.run([python, "-c", "import platform; print(platform.python_version())"],
                             capture_output=True, text=True, check=True).stdout.strip()
    lines = [
        "## Cold start of the Lambda bundle",
        "",
        f"`python bench/bench_cold_start.py`: {runs} fresh `python -I -S` processes per skill "
        f"(CPython {version}), taking turns, each seeing only its unpacked bundle. "
        "*Init* is importing the handler module (Lambda's init phase, content loading included); "
        "*first request* is the first LaunchRequest after it. Milliseconds: median, with the "
        "interquartile range and min to max as the spread. *Warm request*: the median of "
        f"{WARM_REQUESTS} requests in the same process after the first: the hello world's "
        "LaunchRequest, and our free-speech request (StatementIntent); *first free speech* is "
        "the first of ours, which also loads the resolver's index.",
        "",
        "| skill | init median | init IQR | init min-max | first request median | "
        "init + first request median | first free speech | warm request median |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    medians = {}
    for name, values in results.items():
        init, first = summary(values["init_ms"]), summary(values["first_request_ms"])
        total = statistics.median(a + b for a, b in zip(values["init_ms"],
                                                        values["first_request_ms"]))
        warm = statistics.median(values["warm_ms"])
        first_warm = statistics.median(values["first_warm_ms"])
        medians[name] = (init["median"], total, warm)
        lines.append(f"| {name} | {init['median']:.1f} | {init['q1']:.1f}-{init['q3']:.1f} | "
                     f"{init['min']:.1f}-{init['max']:.1f} | {first['median']:.1f} | {total:.1f} | "
                     f"{first_warm:.1f} | {warm:.3f} |")
    (hello_init, hello_total, hello_warm), (ours_init, ours_total, ours_warm) = medians.values()
    ratio = ours_init / hello_init
    # The same ratio run by run (each pair ran back to back), so slow spells on a shared
    # machine, which hit both of a pair, drop out: a check on the ratio of medians above.
    hello_runs, our_runs = (values["init_ms"] for values in results.values())
    paired = summary([ours / hello for ours, hello in zip(our_runs, hello_runs)])
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    warm_ratio = ours_warm / hello_warm
    lines += [
        "",
        f"Init ratio, needling aftercare / hello world: **{ratio:.2f}x** ({verdict} the "
        f"{TARGET_RATIO}x target); a warm free-speech request against the hello world's warm "
        f"request: **{warm_ratio:.2f}x** ({'within' if warm_ratio <= 1 else 'OVER'} the 1x "
        f"target); init + first request: {ours_total / hello_total:.2f}x. Init ratio run by "
        f"run (each pair back to back): median {paired['median']:.2f}x, IQR "
        f"{paired['q1']:.2f}-{paired['q3']:.2f}x. "
        f"Bundle: {bundle_bytes:,} bytes ({bundle_bytes / 2**20:.1f} MiB). Measured on a "
        "workstation, not on Lambda, where both skills' times will differ.",
        "",
        where,
    ]
    return "\n".join(lines)


def write_section(section: str, readme: Path = README) -> None:
    """Replace this benchmark's section of bench/README.md, or append it; nothing else changes."""
    block = f"{BEGIN}\n{section}\n{END}"
    text = readme.read_text(encoding="utf-8") if readme.exists() else "# Benchmarks\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    readme.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=25, help="samples per skill (default 25)")
    parser.add_argument("--bundle", type=Path, help="an existing bundle zip (default: build one)")
    parser.add_argument("--python", default=plain_python(), help="interpreter to sample with")
    parser.add_argument("--no-write", action="store_true", help="print only; leave README alone")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="cold-start-") as tmp:
        workdir = Path(tmp)
        bundle = args.bundle
        if bundle is None:
            bundle = workdir / "aftercare-lambda.zip"
            build_lambda_bundle(bundle)
        aftercare, hello = unpack(bundle, workdir)
        results = measure(args.python, aftercare, hello, args.runs)
        where = breakdown(args.python, aftercare, hello)
        section = table(results, args.runs, bundle.stat().st_size, args.python, where)
    print(section)
    if not args.no_write:
        write_section(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
