"""The local way in, as a person runs it: a fresh `aftercare` process, words in, words out."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from skill.local.conversation import split_invocation

from .conftest import ROOT

AFTERCARE = [sys.executable, "-m", "skill.cli"]


def run(*args, stdin=None):
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    return subprocess.run([*AFTERCARE, *args], input=stdin, capture_output=True, text=True,
                          timeout=60, env=env)


def test_ask_prints_what_alexa_would_say():
    done = run("ask", "can I take tylenol")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("The pain reliever usually preferred after dry needling is "
                                  "acetaminophen, such as Tylenol")
    assert done.stderr == ""


def test_ask_ssml_is_valid_xml():
    done = run("ask", "--ssml", "ask needling aftercare can I take tylenol")
    root = ET.fromstring(done.stdout.strip())
    assert root.tag == "speak" and root.text.startswith("The pain reliever usually preferred")


def test_ask_json_is_the_whole_response():
    done = run("ask", "--json", "open needling aftercare")
    response = json.loads(done.stdout)
    assert response["response"]["shouldEndSession"] is False
    assert response["sessionAttributes"]["mode"] == "conversation"


def test_chat_from_a_pipe_prints_one_answer_per_line():
    lines = ["open needling aftercare", "what can I take for the pain", "yes", "", "repeat", "stop"]
    done = run("chat", stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert len(out) == len(lines)
    assert out[0].startswith("Welcome")
    assert out[2].startswith("Some practitioners believe")
    assert out[3] == "You can ask about heat or ice, drinks, or the warning signs. Or say stop."
    assert out[4] == out[2]
    assert out[5] == "Take care, and rest well."


def test_chat_json_prints_one_response_per_line_and_survives_garbage():
    lines = ["\x00\x01 ???", "my chest feels tight", "", "ñandú 💥 ###"]
    done = run("chat", "--json", stdin="\n".join(lines) + "\n")
    assert done.returncode == 0, done.stderr
    responses = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(responses) == len(lines)
    assert "Traceback" not in done.stdout + done.stderr
    speech = [r["response"]["outputSpeech"]["ssml"] for r in responses]
    assert "I don't have guidance on that" in speech[0]
    assert "Call nine one one now" in speech[1]
    assert "Welcome" in speech[2]  # the emergency closed the session; a blank line reopens it
    assert "I don't have guidance on that" in speech[3]


def test_an_unsupported_locale_is_answered_not_crashed():
    done = run("ask", "--locale", "de-DE", "how long will I be sore")
    assert done.returncode == 0
    assert "isn't available in this language yet" in done.stdout


def test_a_bad_content_folder_fails_at_start_naming_it(tmp_path):
    (tmp_path / "en-US" / "topics").mkdir(parents=True)
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "locale.yaml").write_text((ROOT / "content" / "en" / "locale.yaml").read_text())
    locale = (ROOT / "content" / "en-US" / "locale.yaml").read_text()
    (tmp_path / "en-US" / "locale.yaml").write_text(locale.replace('  written: "911"\n', ""))
    env = {**os.environ, "AFTERCARE_CONTENT_DIR": str(tmp_path)}
    done = subprocess.run([*AFTERCARE, "ask", "hello"], capture_output=True, text=True, env=env,
                          timeout=60)
    assert done.returncode != 0
    assert "locale.yaml: key 'emergency_number.written'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("said, expected", [
    ("Alexa, ask needling aftercare how long will I be sore", (False, "how long will i be sore")),
    ("ask needling aftercare about ice", (False, "ice")),
    ("tell needling aftercare to repeat that", (False, "repeat that")),
    ("open needling aftercare", (True, "")),
    ("Alexa, launch needling aftercare", (True, "")),
    ("ask needling aftercare", (True, "")),
    ("can I take advil", (False, "can i take advil")),
    ("", (True, "")),
])
def test_invocation_phrases(said, expected):
    assert split_invocation(said) == expected


@pytest.mark.parametrize("argv, tz, zone", [
    (["chat", "--timezone", "America/Chicago"], "Asia/Tokyo", "America/Chicago"),
    (["chat", "--now", "2026-11-27T18:00:00-05:00"], "Asia/Tokyo", "Etc/GMT+5"),
    (["chat", "--now", "2026-11-27T18:00:00+00:00"], "Asia/Tokyo", "Etc/UTC"),
    (["chat"], "Asia/Tokyo", "Asia/Tokyo"),  # this machine's zone stands in for the Echo's
])
def test_the_device_time_zone_for_local_conversations(monkeypatch, argv, tz, zone):
    from skill.cli import build_parser
    from skill.local.terminal import _zone_name

    monkeypatch.setenv("TZ", tz)
    assert _zone_name(build_parser().parse_args(argv)) == zone


def test_chat_at_a_chosen_moment_remembers_across_runs(tmp_path):
    # A clinic that publishes as a HIPAA-eligible skill and turned memory and reminders on.
    env = {**os.environ, "AFTERCARE_SQLITE_PATH": str(tmp_path / "store.sqlite3"),
           "AFTERCARE_MEMORY": "on", "AFTERCARE_REMINDERS": "on"}
    first = subprocess.run(
        [*AFTERCARE, "chat", "--user", "u1", "--now", "2026-11-27T18:00:00-05:00"],
        input="should I use heat\nmy session was yesterday at three\nyes\nno\n",
        capture_output=True, text=True, env=env, timeout=60)
    assert first.stdout.splitlines()[2].startswith("Okay, I'll remember it for three days.")
    later = subprocess.run(
        [*AFTERCARE, "ask", "--user", "u1", "--now", "2026-11-29T19:00:00-05:00", "can I lift weights"],
        capture_output=True, text=True, env=env, timeout=60)
    assert later.stdout.startswith("It's been about three days, so you're past the usual rest")
    expired = subprocess.run(  # 72 hours after the consent, the store has let it go
        [*AFTERCARE, "ask", "--user", "u1", "--now", "2026-11-30T18:01:00-05:00", "can I lift weights"],
        capture_output=True, text=True, env=env, timeout=60)
    assert expired.stdout.strip().startswith("Hold off on that for 24 to 48 hours.")
    assert expired.stdout.strip().endswith("When was your session?")
