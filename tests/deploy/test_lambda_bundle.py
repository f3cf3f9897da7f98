"""The Lambda bundle: what it holds, and that it answers Alexa with only itself on the path."""
from __future__ import annotations

import importlib.util
import json
import os
import re
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from skill.build.lambda_bundle import (NOT_ON_LAMBDA, BundleError, Target, binaries_load_on,
                                       build_lambda_bundle, cached_name, lambda_requirements,
                                       plan_bundle, scan_lambda_path, unchecked_pyc)
from skill.content import ContentError, load_content

REPO_ROOT = Path(__file__).resolve().parents[2]
SKILL_ID = "amzn1.ask.skill.11111111-2222-3333-4444-555555555555"
OTHER_SKILL_ID = "amzn1.ask.skill.99999999-8888-7777-6666-555555555555"
MAX_BUNDLE_BYTES = 8 * 1024 * 1024
# Must never reach Lambda: the web service's, the local ways in's and the tests' libraries,
# PyYAML (the bundle's content is JSON), and what Lambda's runtime already has.
FORBIDDEN_TOP_LEVEL = {
    "flask", "flask_ask_sdk", "werkzeug", "jinja2", "gunicorn", "cryptography", "cffi",
    "oscrypto", "certvalidator", "asn1crypto", "ask_sdk_webservice_support", "rapidfuzz",
    "pytest", "_pytest", "cfnlint", "freezegun", "boto3", "botocore", "interaction_model",
    "yaml", "_yaml", "pyyaml",
}
# Parts of the skill package the Lambda path never runs: the other ways in, the build, and
# the SQLite store (refused on Lambda at start-up).
NOT_IN_THE_BUNDLE = re.compile(
    r"skill/(local|web|build)/|skill/(__pycache__/)?cli\.|skill/stores/(__pycache__/)?sqlite\.")

# Runs inside the bare interpreter: no site-packages, no virtualenv, only the bundle folder.
RUNNER = r"""
import json, sys
folder, events_path = sys.argv[1], sys.argv[2]
sys.path.insert(0, folder)
from skill.lambda_function import lambda_handler
from skill.content import get_content  # the same call lambda_function makes, so the same object
at_init = sorted(get_content(check_patterns=False, on_demand=True)._loaded)
results = []
for event in json.load(open(events_path)):
    try:
        results.append({"response": lambda_handler(event, None)})
    except Exception as exc:
        results.append({"error": type(exc).__name__})
print(json.dumps({"results": results, "path": sys.path, "modules": sorted(sys.modules),
                  "locales_at_init": at_init}))
"""


def envelope(request: dict, application_id: str = SKILL_ID, new: bool = True) -> dict:
    """An Alexa request envelope as the Alexa service sends it to a Lambda function."""
    application = {"applicationId": application_id}
    user = {"userId": "amzn1.ask.account.TESTUSER"}
    return {
        "version": "1.0",
        "session": {"new": new, "sessionId": "amzn1.echo-api.session.TEST",
                    "application": application, "user": user, "attributes": {}},
        "context": {"System": {"application": application, "user": user,
                               "device": {"deviceId": "amzn1.ask.device.TEST",
                                          "supportedInterfaces": {}},
                               "apiEndpoint": "https://api.amazonalexa.com"}},
        "request": {"requestId": "amzn1.echo-api.request.TEST", "timestamp": "2025-01-01T12:00:00Z",
                    "locale": "en-US", **request},
    }


LAUNCH = {"type": "LaunchRequest"}
EMERGENCY = {"type": "IntentRequest", "dialogState": "COMPLETED",
             "intent": {"name": "EmergencyIntent", "confirmationStatus": "NONE", "slots": {}}}


def free_speech(text: str) -> dict:
    return {"type": "IntentRequest", "dialogState": "COMPLETED",
            "intent": {"name": "StatementIntent", "confirmationStatus": "NONE",
                       "slots": {"text": {"name": "text", "value": text,
                                          "confirmationStatus": "NONE"}}}}


def in_locale(locale: str, event: dict) -> dict:
    event["request"]["locale"] = locale
    return event


def on_a_screen(event: dict) -> dict:
    """The same request from an Echo Show: it renders APL."""
    event["context"]["System"]["device"]["supportedInterfaces"] = {
        "Alexa.Presentation.APL": {"runtime": {"maxVersion": "2023.3"}}}
    return event


FREE_SPEECH_EMERGENCY = free_speech("feels like somebody is sitting on my chest")
FREE_SPEECH_DENIAL = free_speech("my breathing is fine can i take advil")


def _snapshot(folder: Path) -> dict[str, int]:
    return {str(p.relative_to(folder)): p.stat().st_mtime_ns for p in folder.rglob("*")}


@pytest.fixture(scope="module")
def bundle_run(unpacked_bundle, plain_python, tmp_path_factory):
    events = [envelope(LAUNCH), envelope(EMERGENCY, new=False),
              envelope(LAUNCH, application_id=OTHER_SKILL_ID),
              envelope(FREE_SPEECH_EMERGENCY), envelope(FREE_SPEECH_DENIAL),
              on_a_screen(envelope(EMERGENCY)),
              in_locale("en-GB", envelope(LAUNCH, application_id=OTHER_SKILL_ID))]
    events_path = tmp_path_factory.mktemp("events") / "events.json"
    events_path.write_text(json.dumps(events))
    before = _snapshot(unpacked_bundle)
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "AFTERCARE_SKILL_ID": SKILL_ID,  # what the template sets; nothing else leaks in
           "AFTERCARE_STORE": "dynamodb", "AFTERCARE_DYNAMODB_TABLE": "aftercare",
           "AWS_REGION": "us-east-1"}  # boto3 is not in the bundle: nothing here may need it
    done = subprocess.run(
        [plain_python, "-I", "-S", "-c", RUNNER, str(unpacked_bundle), str(events_path)],
        cwd=tmp_path_factory.mktemp("cwd"), env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    out["changed"] = _snapshot(unpacked_bundle) != before
    return out


def _speech(result: dict) -> tuple[str, dict]:
    response = result["response"]["response"]
    ssml = response["outputSpeech"]["ssml"]
    ET.fromstring(ssml)  # Alexa rejects invalid SSML
    return "".join(ET.fromstring(ssml).itertext()), response


def test_only_the_bundle_is_importable(bundle_run, unpacked_bundle):
    extra = [p for p in bundle_run["path"] if p != str(unpacked_bundle)]
    assert all("site-packages" not in p and ".venv" not in p for p in extra), extra
    leaked = {m.split(".")[0] for m in bundle_run["modules"]} & FORBIDDEN_TOP_LEVEL
    assert not leaked
    ran = [m.replace(".", "/") + "." for m in bundle_run["modules"]]
    assert not [m for m in ran if NOT_IN_THE_BUNDLE.match(m)]


def test_bundle_answers_a_launch_request(bundle_run):
    text, response = _speech(bundle_run["results"][0])
    assert text.strip()
    if text.rstrip().endswith("?"):  # a question keeps the session open, with a reprompt
        assert response["shouldEndSession"] is False
        assert response["reprompt"]["outputSpeech"]["ssml"]


def test_bundle_answers_the_emergency_intent_with_the_number_first(bundle_run):
    number = load_content(REPO_ROOT / "content")["en-US"].emergency_number
    text, response = _speech(bundle_run["results"][1])
    first_sentence = text.split(".")[0]
    assert number in first_sentence, text
    assert response["shouldEndSession"] is True  # asks nothing back
    assert response["card"].get("content") or response["card"].get("text")  # also on a card


def test_bundle_shows_the_emergency_screen_on_a_device_with_one(bundle_run):
    _, voice_only = _speech(bundle_run["results"][1])
    _, shown = _speech(bundle_run["results"][5])
    assert not voice_only.get("directives")
    (render,) = shown["directives"]
    assert render["type"] == "Alexa.Presentation.APL.RenderDocument"
    assert render["document"]["version"] == "2023.3"  # from the bundle's content/apl JSON
    assert render["datasources"]["emergency"]["headline"] == "Call 911 now"


def test_bundle_refuses_requests_for_another_skill(bundle_run):
    # AFTERCARE_SKILL_ID, set by the template, makes the SDK check the application id; the
    # handler answers the refusal with the apology instead of raising (Alexa would then say
    # the skill failed), and the skill's own launch answer is not given.
    text, response = _speech(bundle_run["results"][2])
    assert "something went wrong" in text.lower() and "nine one one" in text, text
    launch, _ = _speech(bundle_run["results"][0])
    assert text != launch


def test_the_cold_start_loads_only_the_default_locale(bundle_run):
    # Each other locale is loaded when a request first asks for it, the apology's included.
    assert bundle_run["locales_at_init"] == ["en-US"]
    text, _ = _speech(bundle_run["results"][6])
    assert "something went wrong" in text.lower() and "nine nine nine" in text, text


def test_bundle_understands_free_speech_from_its_shipped_index(bundle_run, lambda_bundle):
    """The resolver's index is computed at build time: Lambda carries no interaction model."""
    number = load_content(REPO_ROOT / "content")["en-US"].emergency_number
    text, response = _speech(bundle_run["results"][3])
    assert text.startswith(f"Call {number}"), text
    assert response["shouldEndSession"] is True
    text, _ = _speech(bundle_run["results"][4])
    assert "ibuprofen" in text.lower() or "anti-inflammator" in text.lower(), text
    assert number in text.split(".")[-2], text  # the denial's safety line closes the answer
    with zipfile.ZipFile(lambda_bundle) as zf:
        assert "content/en-US/resolver_index.json" in zf.namelist()


def test_bundled_bytecode_is_used_as_is(bundle_run):
    # Lambda's disk is read-only: stale bytecode would be recompiled on every cold start.
    # Python rewrites a stale .pyc when it can, so an unchanged folder means none was stale.
    assert not bundle_run["changed"]


def test_bundle_is_within_size_limit(lambda_bundle):
    assert lambda_bundle.stat().st_size <= MAX_BUNDLE_BYTES


def test_bundle_layout(lambda_bundle):
    with zipfile.ZipFile(lambda_bundle) as zf:
        infos = zf.infolist()
    names = [i.filename for i in infos]
    tops = {n.split("/")[0] for n in names}
    assert {"skill", "content"} <= tops
    assert "skill/lambda_function.py" in names
    # content travels as JSON so the cold start parses it without PyYAML
    # each locale as one file, already laid over the shared English: one read at cold start
    assert "content/en-US/packed.json" in names and "content/es-US/packed.json" in names
    assert not any(n.startswith(("content/en/", "content/en-US/topics/")) for n in names)
    assert not any(n.startswith("content/") and n.endswith(".yaml") for n in names)
    assert not {t.split("-")[0].lower() for t in tops} & FORBIDDEN_TOP_LEVEL
    # only the Lambda path of the skill package: no CLI, web service, local NLU or build code
    assert not {"skill/cli.py", "skill/web/app.py", "skill/build/lambda_bundle.py"} & set(names)
    assert names == sorted(names)  # deterministic order
    for info in infos:
        assert (info.external_attr >> 16) & 0o444 == 0o444, info.filename  # readable by Lambda


def test_the_bundle_holds_only_what_the_lambda_path_runs(lambda_bundle):
    with zipfile.ZipFile(lambda_bundle) as zf:
        names = zf.namelist()
    # PyYAML in any form (package, C extension, metadata): the content is JSON here
    assert not [n for n in names if re.match(r"(_?yaml|pyyaml)\b", n, re.IGNORECASE)]
    assert not [n for n in names if NOT_IN_THE_BUNDLE.match(n)]
    assert "skill/stores/dynamodb.py" in names  # the store Lambda does use


def test_what_the_bundle_leaves_out_is_only_what_lambda_never_runs():
    modules, others = scan_lambda_path()
    everything, every_other = scan_lambda_path(not_on_lambda={})
    assert set(everything) - set(modules) == {"skill/stores/sqlite.py"}
    assert set(every_other) - set(others) == {"yaml"}
    assert set(NOT_ON_LAMBDA) <= set(modules)  # each importer named is on the Lambda path


LAMBDA_START = r"""
import sys
sys.path.insert(0, sys.argv[1])
try:
    import skill.lambda_function
except Exception as exc:
    print(f"{type(exc).__name__}: {exc}")
else:
    # the red-flag grammar and the resolver wait for the first sentence that needs them
    unwanted = ("skill.stores.sqlite", "sqlite3", "yaml", "_yaml", "boto3",
                "skill.understanding.red_flags", "skill.understanding.resolver", "snowballstemmer")
    print("started with", sorted(m for m in sys.modules if m.startswith(unwanted)))
"""


@pytest.mark.parametrize("store, started", [
    ("dynamodb", "started with []"),  # the table is opened on first use, not at cold start
    ("none", "started with []"),
    ("sqlite", "ValueError: AFTERCARE_STORE=sqlite is not available on AWS Lambda"),
    ("", "ValueError: the default store, SQLite, is not available on AWS Lambda"),
])
def test_the_bundle_starts_with_memory_on_and_refuses_sqlite(store, started, unpacked_bundle,
                                                             plain_python, tmp_path):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8",
           "AWS_LAMBDA_FUNCTION_NAME": "aftercare", "AWS_REGION": "us-east-1",
           "AFTERCARE_MEMORY": "on", "AFTERCARE_STORE": store,
           "AFTERCARE_DYNAMODB_TABLE": "aftercare", "AFTERCARE_SQLITE_PATH": str(tmp_path / "s.db")}
    done = subprocess.run([plain_python, "-I", "-S", "-c", LAMBDA_START, str(unpacked_bundle)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(started), done.stdout  # an error naming the setting, never
    assert not (tmp_path / "s.db").exists()              # a missing module or a file on disk


def test_every_module_has_unchecked_bytecode_for_the_lambda_runtime(lambda_bundle, target,
                                                                  plain_python):
    with zipfile.ZipFile(lambda_bundle) as zf:
        names = set(zf.namelist())
        sources = [n for n in names if n.endswith(".py")]
        missing = [n for n in sources if cached_name(n, target) not in names]
        assert len(missing) <= len(sources) // 100, missing[:10]  # only other-Python-only files
        pyc = zf.read(cached_name("skill/lambda_function.py", target))
    magic = subprocess.run([plain_python, "-I", "-S", "-c",
                            "import importlib.util, sys; sys.stdout.write(importlib.util.MAGIC_NUMBER.hex())"],
                           capture_output=True, text=True, check=True).stdout
    assert pyc[:4].hex() == magic  # compiled by the runtime's own Python
    assert int.from_bytes(pyc[4:8], "little") == 0b01  # hash-based, never checked against source


def test_unchecked_pyc_is_pep_552_bytecode():
    source = b"x = 1\n"
    pyc = unchecked_pyc(source, "m.py")
    assert pyc[:4] == importlib.util.MAGIC_NUMBER
    assert pyc[8:16] == importlib.util.source_hash(source)


def test_the_default_runtime_is_python3_13(target):
    assert target.runtime == "python3.13"  # Amazon Linux 2023, not python3.11's Amazon Linux 2


def test_the_bundle_is_for_the_runtime_whatever_python_builds_it(lambda_bundle, target):
    with zipfile.ZipFile(lambda_bundle) as zf:
        binaries = [n for n in zf.namelist() if n.endswith(".so")]
    tag = "cpython-" + target.python_version.replace(".", "")
    assert binaries and all(tag in n or ".abi3." in n for n in binaries), binaries


def test_bundle_is_reproducible(lambda_bundle, tmp_path):
    again = tmp_path / "again.zip"
    build_lambda_bundle(again, content_dir=REPO_ROOT / "content")
    with zipfile.ZipFile(lambda_bundle) as first, zipfile.ZipFile(again) as second:
        assert first.namelist() == second.namelist()
        differ = [n for n in first.namelist() if first.read(n) != second.read(n)]
    assert not differ


def test_plan_has_no_dev_tools():
    tops = {name.split("/")[0] for name in plan_bundle(REPO_ROOT / "content")}
    assert not tops & FORBIDDEN_TOP_LEVEL


def test_broken_content_fails_the_build(tmp_path):
    broken = tmp_path / "content"
    (broken / "en-US").mkdir(parents=True)
    (broken / "en-US" / "locale.yaml").write_text("phrases: [unclosed\n")
    with pytest.raises(ContentError):
        build_lambda_bundle(tmp_path / "out.zip", content_dir=broken)
    assert not (tmp_path / "out.zip").exists()


def test_missing_content_folder_is_a_bundle_error(tmp_path):
    with pytest.raises((BundleError, ContentError)):
        build_lambda_bundle(tmp_path / "out.zip", content_dir=tmp_path / "nowhere")


def test_lambda_path_is_read_from_the_imports(tmp_path):
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "entry.py").write_text(
        "import json\nfrom . import helper\nfrom .sub import leaf\n"
        "try:\n    import ujson\nexcept ImportError:\n    ujson = None\n"
        "def later():\n    from .lazy import thing\n    import yaml\n"
        "async def never():\n    from .store import Store\n    import toml\n")
    (pkg / "helper.py").write_text("from pkg.sub.leaf import x\n")
    (pkg / "sub" / "leaf.py").write_text("x = 1\n")
    (pkg / "lazy.py").write_text("thing = 1\n")
    (pkg / "store.py").write_text("import sqlite3\n")
    (pkg / "cli.py").write_text("import rapidfuzz\n")  # never imported from the entry
    never = {"pkg/entry.py": {"pkg.store": "not here", "toml": "not here"}}
    modules, others = scan_lambda_path(pkg / "entry.py", never)
    assert list(modules) == ["pkg/__init__.py", "pkg/entry.py", "pkg/helper.py", "pkg/lazy.py",
                             "pkg/sub/__init__.py", "pkg/sub/leaf.py"]
    assert others == {"ujson": True, "yaml": False}  # json is the standard library's
    assert "pkg/store.py" in scan_lambda_path(pkg / "entry.py", {})[0]
    # left out, but imported when the module is: the cold start would fail, so the build does
    (pkg / "entry.py").write_text("import toml\n")
    with pytest.raises(BundleError, match="pkg/entry.py imports toml on import"):
        scan_lambda_path(pkg / "entry.py", never)


def test_lambda_requirements_leave_out_what_only_the_cli_uses():
    names = {re.split(r"[<>=!~; \[]", r)[0].lower() for r in lambda_requirements()}
    assert {"ask-sdk-core", "ask-sdk-model", "snowballstemmer"} <= names
    assert not {"rapidfuzz", "pyyaml"} & names  # the bundle's content is JSON


class _Wheel:
    def __init__(self, *tags: str):
        self.text = "Wheel-Version: 1.0\n" + "".join(f"Tag: {t}\n" for t in tags)

    def read_text(self, name):
        return self.text if name == "WHEEL" else None


@pytest.mark.parametrize("tags, runtime, arch, loads", [
    (["cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64"], "python3.11", "x86_64", True),
    (["cp311-cp311-manylinux_2_5_x86_64", "cp311-cp311-manylinux1_x86_64"], "python3.11", "x86_64",
     True),
    # python3.11 runs on Amazon Linux 2 (glibc 2.26), python3.12 on Amazon Linux 2023 (2.34)
    (["cp311-cp311-manylinux_2_28_x86_64"], "python3.11", "x86_64", False),
    (["cp312-cp312-manylinux_2_28_x86_64"], "python3.12", "x86_64", True),
    (["cp311-cp311-manylinux_2_17_aarch64"], "python3.11", "x86_64", False),
    (["cp311-cp311-manylinux_2_17_aarch64"], "python3.11", "arm64", True),
    (["cp311-cp311-linux_x86_64"], "python3.11", "x86_64", False),            # built here
    (["cp311-cp311-macosx_11_0_arm64"], "python3.11", "arm64", False),
    (["cp311-cp311-musllinux_1_1_x86_64"], "python3.11", "x86_64", False),
])
def test_compiled_modules_are_kept_only_when_lambda_can_load_them(tags, runtime, arch, loads):
    assert binaries_load_on(_Wheel(*tags), Target(runtime, arch)) is loads
