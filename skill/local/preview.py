"""`aftercare preview`: every answer spoken into a WAV, with a report a clinic can review.

A clinic approving the skill should hear it, not read YAML: each entry of skill/local/catalogue.py
is spoken by espeak-ng into DIR/<topic>.<variant>.<phase>.<part>.wav, and DIR/report.md and
DIR/report.csv list the words, the seconds and the source section of each, flagging an answer
over 20 seconds and an emergency answer whose first sentence is not the instruction.
"""
from __future__ import annotations

import csv
import re
import tempfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import voice
from .catalogue import Entry, entries
from ..content import LocaleContent
from ..speech import to_ssml, word_count

MAX_SECONDS = 20.0  # one or two breaths (DESIGN.md voice rules)
INSTRUCTION_TARGET = 3.0  # seconds until the emergency instruction has been heard
CSV_FIELDS = ("file", "topic", "variant", "phase", "part", "words", "seconds", "source section",
              "flags")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_CLAUSE_END = re.compile(r"[,;:.!?]")


@dataclass
class Row:
    entry: Entry
    file: str
    words: int
    seconds: float
    instruction_seconds: float | None = None  # emergency answers only
    flags: list[str] = field(default_factory=list)


@dataclass
class Preview:
    locale: str
    rows: list[Row]
    dropped: Counter

    @property
    def total(self) -> float:
        return sum(r.seconds for r in self.rows)

    @property
    def longest(self) -> Row:
        return max(self.rows, key=lambda r: r.seconds)

    @property
    def instruction_seconds(self) -> float | None:
        """The slowest of the emergency answers to have said the instruction."""
        times = [r.instruction_seconds for r in self.rows if r.instruction_seconds is not None]
        return max(times) if times else None


def is_emergency_speech(entry: Entry) -> bool:
    return entry.urgency == "emergency" and entry.part == "speech"


def first_sentence(text: str) -> str:
    return _SENTENCE_END.split(text.strip(), 1)[0]


def instruction(text: str, number: str) -> str | None:
    """The words up to the end of the first clause naming the emergency number
    ("Call nine one one now on your phone,"), or None when no clause names it."""
    at = text.find(number)
    if at < 0:
        return None
    end = _CLAUSE_END.search(text, at + len(number))
    return text[:end.end() if end else len(text)]


def flags(entry: Entry, seconds: float, number: str,
          instruction_seconds: float | None = None) -> list[str]:
    found = []
    if seconds > MAX_SECONDS:
        found.append(f"over {MAX_SECONDS:g} s")
    if is_emergency_speech(entry):
        if number not in first_sentence(entry.text):
            found.append("emergency instruction not in the first sentence")
        if instruction_seconds is not None and instruction_seconds > INSTRUCTION_TARGET:
            found.append(f"instruction heard after {INSTRUCTION_TARGET:g} s")
    return found


def _speak(entry: Entry, out: Path, scratch: Path, content: LocaleContent) -> tuple[Row, Counter]:
    wav = out / f"{entry.name}.wav"
    dropped = voice.synthesize(to_ssml(entry.text), wav, content.locale)
    row = Row(entry, wav.name, word_count(entry.text), voice.seconds(wav))
    if is_emergency_speech(entry):
        heard = instruction(entry.text, content.emergency_number)
        if heard is not None:
            part = scratch / f"{entry.name}.instruction.wav"
            voice.synthesize(to_ssml(heard), part, content.locale)
            row.instruction_seconds = voice.seconds(part)
    row.flags = flags(entry, row.seconds, content.emergency_number, row.instruction_seconds)
    return row, dropped


def run(content: LocaleContent, out: Path, workers: int | None = None) -> Preview:
    """Speak every answer of `content` into `out` and write the report there."""
    voice.require_tools()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="aftercare-preview-") as scratch, \
            ThreadPoolExecutor(max_workers=workers) as pool:  # espeak-ng runs one CPU each
        done = list(pool.map(lambda e: _speak(e, out, Path(scratch), content), entries(content)))
    dropped: Counter = Counter()
    for _, tags in done:
        dropped.update(tags)
    preview = Preview(content.locale, [row for row, _ in done], dropped)
    write_csv(preview, out / "report.csv")
    (out / "report.md").write_text(report(preview), encoding="utf-8")
    return preview


def write_csv(preview: Preview, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(CSV_FIELDS)
        for r in preview.rows:
            e = r.entry
            writer.writerow((r.file, e.topic, e.variant, e.phase, e.part, r.words,
                             f"{r.seconds:.2f}", "; ".join(e.answer.source), "; ".join(r.flags)))


def _dropped_line(dropped: Counter) -> str:
    if not dropped:
        return ("SSML tags dropped for espeak-ng: none (every answer's SSML uses only tags "
                f"espeak-ng speaks: {', '.join(sorted(voice.ESPEAK_TAGS))}).")
    listed = ", ".join(f"<{name}> x{count}" for name, count in sorted(dropped.items()))
    return (f"SSML tags dropped for espeak-ng (their words kept, their effect not heard "
            f"here): {listed}.")


def report(preview: Preview) -> str:
    longest = preview.longest
    flagged = [r for r in preview.rows if r.flags]
    heard = preview.instruction_seconds
    lines = [
        f"# Audio preview: {preview.locale}",
        "",
        f"Spoken by espeak-ng (voice `{voice.voice_for(preview.locale)}`, "
        f"{voice.WORDS_PER_MINUTE} words a minute), not Alexa's voice: the words, their order "
        "and their length are the skill's; the sound is not.",
        "",
        f"- Answers: {len(preview.rows)}",
        f"- Total: {preview.total:.1f} s; longest: {longest.seconds:.1f} s (`{longest.file}`)",
        "- Emergency instruction heard after: "
        + (f"{heard:.1f} s (target at most {INSTRUCTION_TARGET:g} s)" if heard is not None
           else "no emergency answer names the number"),
        f"- Flagged: {len(flagged)}",
        f"- {_dropped_line(preview.dropped)}",
        "",
        "| file | topic | variant | phase | part | words | seconds | source section | flags |",
        "| --- | --- | --- | --- | --- | ---: | ---: | --- | --- |",
    ]
    for r in preview.rows:
        e = r.entry
        lines.append(f"| `{r.file}` | {e.topic} | {e.variant} | {e.phase} | {e.part} | {r.words} "
                     f"| {r.seconds:.1f} | {'; '.join(e.answer.source)} | "
                     f"{'**' + '; '.join(r.flags) + '**' if r.flags else ''} |")
    return "\n".join(lines) + "\n"


def command(args) -> int:
    """`aftercare preview --out DIR [--locale L]`."""
    import sys

    from ..content import ContentError, get_content

    try:
        content = get_content()
    except ContentError as exc:
        sys.exit(f"aftercare: bad content: {exc}")
    if args.locale not in content:
        sys.exit(f"aftercare: no content for {args.locale} (have: {', '.join(sorted(content))})")
    try:
        preview = run(content[args.locale], args.out)
    except voice.VoiceUnavailable as exc:
        sys.exit(f"aftercare: {exc}")
    heard = preview.instruction_seconds
    print(f"{len(preview.rows)} answers, {preview.total:.1f} s in all, longest "
          f"{preview.longest.seconds:.1f} s; emergency instruction heard after "
          f"{'-' if heard is None else f'{heard:.1f} s'}; "
          f"{sum(1 for r in preview.rows if r.flags)} flagged. Report: {args.out / 'report.md'}")
    return 0
