"""Hearing the skill: `aftercare preview` speaks every answer through espeak-ng for clinical
review, and `aftercare chat --speak` speaks a conversation."""
from __future__ import annotations

import csv
import io
import wave
import xml.etree.ElementTree as ET

import pytest

from skill import cli
from skill.local import preview, voice
from skill.local.catalogue import PHRASES, Entry, entries
from skill.content import Answer

from .tools import need

FIGURES: list[str] = []


@pytest.fixture(scope="module")
def spoken(en, tmp_path_factory):
    need("espeak-ng", "espeak-ng")
    need("sox", "sox")
    out = tmp_path_factory.mktemp("preview")
    return out, preview.run(en, out)


def test_every_answer_is_spoken_into_a_wav_named_for_its_source(spoken, en):
    out, result = spoken
    expected = list(entries(en))
    names = {f"{e.topic}.{e.variant}.{e.phase}.{e.part}.wav" for e in expected}
    assert {p.name for p in out.glob("*.wav")} == names
    # Every topic, variant and time phase, and the conversation phrases, are there.
    for topic in en.topics.values():
        for variant, answer in topic.answers.items():
            assert f"{topic.id}.{variant}.any.speech.wav" in names
            for phase in answer.phases or ():
                assert f"{topic.id}.{variant}.{phase}.speech.wav" in names
    assert {f"{PHRASES}.{name}.any.speech.wav" for name in en.phrases} <= names
    for row in result.rows:
        with wave.open(str(out / row.file)) as fh:
            assert fh.getnframes() > 0
        # Really the words: espeak-ng at 175 a minute takes roughly a third of a second each.
        assert 0.15 < row.seconds / row.words < 0.8, row.file


def test_the_report_lists_every_answer_with_its_words_seconds_and_source(spoken, en):
    out, result = spoken
    with (out / "report.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert list(rows[0]) == list(preview.CSV_FIELDS)
    assert len(rows) == len(result.rows) == len(list(entries(en)))
    heat = next(r for r in rows if r["file"] == "heat_ice.ice.early.speech.wav")
    assert (heat["topic"], heat["variant"], heat["phase"]) == ("heat_ice", "ice", "early")
    assert heat["source section"] == "Managing Expected Soreness and Immediate Reactions, paragraph 3"
    assert float(heat["seconds"]) > 1 and int(heat["words"]) > 10
    report = (out / "report.md").read_text(encoding="utf-8")
    assert f"- Answers: {len(result.rows)}" in report
    assert "SSML tags dropped for espeak-ng: none" in report
    heard = result.instruction_seconds
    FIGURES.append(f"preview ({en.locale}): {len(result.rows)} answers, {result.total:.1f} s in "
                   f"all, longest {result.longest.seconds:.1f} s ({result.longest.file}); "
                   f"emergency instruction heard after {heard:.2f} s (target 3 s)")


def test_no_answer_is_too_long_and_the_emergency_instruction_comes_at_once(spoken):
    _, result = spoken
    assert [(r.file, r.flags) for r in result.rows if r.flags] == []
    assert result.instruction_seconds is not None
    assert result.instruction_seconds <= preview.INSTRUCTION_TARGET


def _entry(text, urgency="routine"):
    answer = Answer(speech=text, card_title="t", card_text="t", source=("Introduction",))
    return Entry("emergency", "default", "any", "speech", text, answer, urgency)


def test_long_answers_and_a_late_emergency_instruction_are_flagged():
    number = "nine one one"
    assert preview.flags(_entry("Drink water."), 21.0, number) == ["over 20 s"]
    late = _entry("This can be a collapsed lung. Call nine one one now.", "emergency")
    assert preview.flags(late, 4.0, number) == ["emergency instruction not in the first sentence"]
    first = _entry("Call nine one one now, or get emergency care. It can be serious.", "emergency")
    assert preview.flags(first, 4.0, number, instruction_seconds=2.0) == []
    assert preview.flags(first, 4.0, number, instruction_seconds=3.5) == ["instruction heard after 3 s"]
    assert preview.instruction(first.text, number) == "Call nine one one now,"


def test_ssml_espeak_ng_cannot_speak_is_reduced_to_its_words_and_reported(tmp_path):
    ssml = ('<speak><amazon:emotion name="excited" intensity="low">Drink '
            '<phoneme alphabet="ipa" ph="w">water</phoneme>.</amazon:emotion>'
            '<break time="500ms"/> <emphasis>Rest</emphasis> today.</speak>')
    reduced, dropped = voice.reduce_ssml(ssml)
    assert reduced == '<speak>Drink water.<break time="500ms"/> <emphasis>Rest</emphasis> today.</speak>'
    ET.fromstring(reduced)  # still SSML espeak-ng reads as markup
    assert dropped == {"amazon:emotion": 1, "phoneme": 1}
    report = preview._dropped_line(dropped)
    assert "<amazon:emotion> x1" in report and "<phoneme> x1" in report
    need("espeak-ng", "espeak-ng")
    need("sox", "sox")
    assert voice.synthesize(ssml, tmp_path / "tagged.wav") == dropped
    assert voice.seconds(tmp_path / "tagged.wav") > 1


def test_chat_speak_without_a_sound_device_writes_wavs_and_says_where(monkeypatch, tmp_path,
                                                                      capsys):
    need("espeak-ng", "espeak-ng")
    need("sox", "sox")
    monkeypatch.setattr(voice, "sound_player", lambda: None)
    monkeypatch.setattr("sys.stdin", io.StringIO("open needling aftercare\nI can't breathe\n"))
    assert cli.main(["chat", "--speak", "--speak-dir", str(tmp_path)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[1].startswith("Call nine one one now")
    assert f"No sound device here: each answer is written as a WAV to {tmp_path}" in err
    assert f"(spoken into {tmp_path / 'turn-02.wav'})" in err
    assert sorted(p.name for p in tmp_path.glob("*.wav")) == ["turn-01.wav", "turn-02.wav"]
    assert voice.seconds(tmp_path / "turn-02.wav") > 3  # the whole emergency answer


def test_chat_speak_plays_each_answer_where_there_is_a_sound_device(monkeypatch, tmp_path,
                                                                    capsys):
    need("espeak-ng", "espeak-ng")
    need("sox", "sox")
    played = []
    monkeypatch.setattr(voice, "sound_player", lambda: ["a-player"])
    monkeypatch.setattr(voice, "play", lambda wav, player: played.append((player, wav.name)))
    monkeypatch.setattr("sys.stdin", io.StringIO("open needling aftercare\nstop\n"))
    assert cli.main(["chat", "--speak", "--speak-dir", str(tmp_path)]) == 0
    assert played == [(["a-player"], "turn-01.wav"), (["a-player"], "turn-02.wav")]
    assert "No sound device" not in capsys.readouterr().err


def test_aftercare_preview_from_the_command_line(tmp_path):
    need("espeak-ng", "espeak-ng")
    need("sox", "sox")
    import subprocess
    import sys

    from .conftest import ROOT

    done = subprocess.run([sys.executable, "-m", "skill.cli", "preview", "--out",
                           str(tmp_path / "out"), "--locale", "en-US"], capture_output=True,
                          text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert "emergency instruction heard after" in done.stdout
    assert (tmp_path / "out" / "report.md").is_file() and (tmp_path / "out" / "report.csv").is_file()
    wrong = subprocess.run([sys.executable, "-m", "skill.cli", "preview", "--out",
                            str(tmp_path / "x"), "--locale", "xx-XX"], capture_output=True,
                           text=True, timeout=60, cwd=ROOT)
    assert wrong.returncode != 0 and "no content for xx-XX" in wrong.stderr
