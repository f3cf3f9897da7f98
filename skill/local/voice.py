"""Speaking SSML on this machine with espeak-ng, for review (`aftercare preview`) and for
`aftercare chat --speak`. Not Alexa's voice, but the same words, pace and order.

espeak-ng (Debian package espeak-ng) speaks an SSML subset; sox (Debian package sox) trims
the silence espeak-ng leaves at the end, so a measured time is time spent speaking.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import wave
from collections import Counter
from pathlib import Path

from ..speech import WORDS_PER_MINUTE

# The SSML elements espeak-ng speaks (its docs/markup.md); Alexa's own (amazon:effect,
# amazon:emotion, amazon:domain), phoneme (Alexa's IPA, which espeak-ng does not read), lang,
# voice (Alexa's voice names) and audio are reduced to the words inside them.
ESPEAK_TAGS = frozenset({"speak", "p", "s", "break", "prosody", "emphasis", "say-as", "sub"})
_TAG = re.compile(r"<(/?)([A-Za-z][\w:.-]*)([^>]*?)(/?)>")
# espeak-ng's voice for each locale the skill could serve.
VOICES = {"en-US": "en-us", "en-CA": "en-us", "en-GB": "en-gb", "en-AU": "en-gb",
          "en-IN": "en-gb", "es-US": "es-419", "es-ES": "es", "es-MX": "es-419"}
_TIMEOUT = 60  # seconds for one answer; espeak-ng takes well under one


class VoiceUnavailable(RuntimeError):
    """espeak-ng or sox is not installed; the message says how to install them."""


def reduce_ssml(ssml: str) -> tuple[str, Counter]:
    """SSML -> what espeak-ng can speak, and how many of each dropped tag were removed."""
    dropped: Counter = Counter()

    def keep_or_drop(tag: re.Match) -> str:
        name = tag.group(2)
        if name in ESPEAK_TAGS:
            return tag.group(0)
        if not tag.group(1):  # count each element once, by its opening tag
            dropped[name] += 1
        return ""
    return _TAG.sub(keep_or_drop, ssml), dropped


def voice_for(locale: str) -> str:
    return VOICES.get(locale, locale.split("-")[0].lower())


def require_tools() -> None:
    missing = [tool for tool in ("espeak-ng", "sox") if shutil.which(tool) is None]
    if missing:
        raise VoiceUnavailable(f"{' and '.join(missing)} not found: install the Debian packages "
                               "with `apt-get install -y espeak-ng sox`")


def synthesize(ssml: str, out: Path, locale: str = "en-US") -> Counter:
    """Speak `ssml` into the WAV file `out`, trailing silence trimmed; returns the dropped tags."""
    require_tools()
    spoken, dropped = reduce_ssml(ssml)
    raw = out.with_suffix(".raw.wav")
    subprocess.run(["espeak-ng", "-m", "-v", voice_for(locale), "-s", str(WORDS_PER_MINUTE),
                    "-w", str(raw), "--stdin"], input=spoken.encode("utf-8"), check=True,
                   timeout=_TIMEOUT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    # reverse, drop leading silence, reverse: the end is trimmed where the voice stops.
    subprocess.run(["sox", str(raw), str(out), "reverse", "silence", "1", "0.02", "1%", "reverse"],
                   check=True, timeout=_TIMEOUT, stderr=subprocess.PIPE)
    raw.unlink()
    return dropped


def seconds(wav: Path) -> float:
    with wave.open(str(wav), "rb") as fh:
        return fh.getnframes() / fh.getframerate()


def sound_player() -> list[str] | None:
    """A command that plays a WAV on a sound device here, or None when there is none."""
    pulse = os.environ.get("PULSE_SERVER") or (
        os.environ.get("XDG_RUNTIME_DIR") and Path(os.environ["XDG_RUNTIME_DIR"], "pulse",
                                                   "native").exists())
    if pulse and shutil.which("paplay"):
        return ["paplay"]
    has_card = any(Path("/dev/snd").glob("pcmC*D*p")) if Path("/dev/snd").is_dir() else False
    if has_card:
        for player in (["aplay", "-q"], ["play", "-q"]):
            if shutil.which(player[0]):
                return player
    return None


def play(wav: Path, player: list[str]) -> None:
    subprocess.run([*player, str(wav)], check=False, timeout=_TIMEOUT,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


class Speaker:
    """Speaks one answer after another: played where a sound device exists, else kept as
    numbered WAVs in `folder` (turn-01.wav, turn-02.wav, ...)."""

    def __init__(self, locale: str, folder: Path | None = None):
        import tempfile

        require_tools()
        self.locale = locale
        self.player = sound_player()
        self.folder = Path(folder) if folder else Path(tempfile.mkdtemp(prefix="aftercare-speech-"))
        self.folder.mkdir(parents=True, exist_ok=True)
        self.turns = 0

    def say(self, ssml: str) -> Path:
        self.turns += 1
        wav = self.folder / f"turn-{self.turns:02d}.wav"
        synthesize(ssml, wav, self.locale)
        if self.player is not None:
            play(wav, self.player)
        return wav
