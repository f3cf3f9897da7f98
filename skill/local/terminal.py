"""`aftercare ask` and `aftercare chat`: one question, or a conversation, in the terminal
(and the arguments of `aftercare preview`).

Both build real Alexa request envelopes and pass them to the same handler Lambda runs, so what
you see here is what an Echo would say. Standard library only at import (the CLI builds its
parser from `add_ask_arguments` and `add_chat_arguments`): the skill loads when a command runs.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..speech import to_plain


def _system_zone() -> str | None:
    """This machine's IANA time zone, standing in for the Echo's setting."""
    import os

    name = os.environ.get("TZ", "").lstrip(":")
    if not name:
        try:
            name = os.path.realpath("/etc/localtime").split("/zoneinfo/", 1)[1]
        except (IndexError, OSError):
            return None
    return name or None


def _zone_name(args) -> str | None:
    """--timezone, else the fixed offset of --now as an IANA Etc/GMT zone, else this
    machine's zone; None (the skill then counts in UTC and says so) when none is known."""
    if args.timezone:
        return args.timezone
    offset = args.now.utcoffset() if args.now else None
    if offset is None:
        return _system_zone()
    hours, rest = divmod(int(offset.total_seconds()), 3600)
    if rest:
        return None
    return "Etc/UTC" if hours == 0 else f"Etc/GMT{-hours:+d}"  # Etc/GMT+5 is five hours behind


def _skill(args):
    # Imported here so `aftercare --help` stays instant.
    import time
    from datetime import timezone
    from zoneinfo import ZoneInfo

    from ..builder import build_skill_builder, lambda_handler_for
    from ..content import DEFAULT_LOCALE, ContentError, get_content
    from .alexa_api import LocalAlexaApi
    from .conversation import Conversation

    try:
        content = get_content()
    except ContentError as exc:
        sys.exit(f"aftercare: bad content: {exc}")
    zone_name = _zone_name(args)
    try:
        zone = ZoneInfo(zone_name) if zone_name else None
    except (ValueError, KeyError, OSError):
        sys.exit(f"aftercare: unknown time zone {zone_name!r}")
    store = None
    if args.user:
        # Memory across runs is what --user is for; the adapter is chosen as in production.
        from ..stores import persistence_from_environment

        # Expiry is judged on the conversation's clock, so --now plays the future too.
        store = persistence_from_environment(clock=args.now.timestamp if args.now else time.time)
    api = LocalAlexaApi(zone_name, reminders_allowed=not args.no_reminder_permission)
    handler = lambda_handler_for(build_skill_builder(content=content, persistence_adapter=store,
                                  api_client=api))
    locale_content = content.get(args.locale) or content[DEFAULT_LOCALE]
    conversation = Conversation(handler, locale_content, locale=args.locale, user_id=args.user,
                                now=args.now, zone=zone or timezone.utc, screen=args.screen)
    conversation.api = api  # Alexa's voice permission question, played locally, can grant it
    return conversation


def _moment(text: str):
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("use ISO 8601, e.g. 2026-11-27T18:00:00-05:00") from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give an offset, e.g. 2026-11-27T18:00:00-05:00")
    return moment


def render(response: dict, style: str) -> str:
    if style == "json":
        return json.dumps(response, separators=(",", ":"), ensure_ascii=False)
    ssml = ((response.get("response") or {}).get("outputSpeech") or {}).get("ssml", "")
    return ssml if style == "ssml" else to_plain(ssml)


def _style(args) -> str:
    return "json" if args.json else "ssml" if getattr(args, "ssml", False) else "text"


def cmd_ask(args) -> int:
    conversation = _skill(args)
    print(render(conversation.say(" ".join(args.utterance)), _style(args)))
    return 0


def _speaker(args):
    """--speak: each answer through espeak-ng, played, or written where there is no sound device."""
    if not args.speak:
        return lambda response: None
    from .voice import Speaker, VoiceUnavailable

    try:
        speaker = Speaker(args.locale, args.speak_dir)
    except VoiceUnavailable as exc:
        sys.exit(f"aftercare: --speak: {exc}")
    if speaker.player is None:
        print(f"No sound device here: each answer is written as a WAV to {speaker.folder}",
              file=sys.stderr)

    def speak(response: dict) -> None:
        ssml = ((response.get("response") or {}).get("outputSpeech") or {}).get("ssml")
        wav = speaker.say(ssml) if ssml else None
        if wav is not None and speaker.player is None:
            print(f"(spoken into {wav})", file=sys.stderr)
    return speak


def cmd_chat(args) -> int:
    conversation = _skill(args)
    style = _style(args)
    speak = _speaker(args)
    interactive = sys.stdin.isatty()
    if interactive:
        print("Talking to needling aftercare. Type a question; Ctrl-D or 'stop' to quit.",
              file=sys.stderr)
        response = conversation.say("open needling aftercare")
        print(render(response, style))
        speak(response)
    while True:
        try:
            line = input("you> " if interactive else "")
        except EOFError:
            break
        except KeyboardInterrupt:
            print(file=sys.stderr)
            break
        response = conversation.say(line)
        print(render(response, style), flush=True)
        speak(response)
        if interactive and not conversation.session.open:
            break
    return 0


def _add_output_flags(parser, ssml: bool) -> None:
    parser.add_argument("--locale", default="en-US", help="request locale (default en-US)")
    parser.add_argument("--user", help="a user id: what you agree to have remembered is kept "
                        "across runs for this id (AFTERCARE_STORE, AFTERCARE_SQLITE_PATH)")
    parser.add_argument("--now", type=_moment, help="the moment the conversation happens, "
                        "e.g. 2026-11-27T18:00:00-05:00 (default: the real clock)")
    parser.add_argument("--timezone", help="the device's time zone, e.g. America/New_York "
                        "(default: the offset of --now, else this machine's zone)")
    parser.add_argument("--no-reminder-permission", action="store_true",
                        help="act as if reminders were not allowed in the Alexa app")
    parser.add_argument("--screen", action="store_true",
                        help="act as a device with a screen (Echo Show): answers carry APL")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--json", action="store_true", help="print the whole response JSON")
    if ssml:
        group.add_argument("--ssml", action="store_true", help="print the SSML Alexa would speak")


def add_ask_arguments(ask: argparse.ArgumentParser) -> None:
    _add_output_flags(ask, ssml=True)
    ask.add_argument("utterance", nargs="+",
                     help='what you would say, e.g. "how long will I be sore" or '
                          '"ask needling aftercare can I take ibuprofen"')


def add_chat_arguments(chat: argparse.ArgumentParser) -> None:
    _add_output_flags(chat, ssml=True)
    chat.add_argument("--speak", action="store_true", help="speak each answer with espeak-ng; "
                      "without a sound device, write each as a WAV and say where")
    chat.add_argument("--speak-dir", type=Path, help="where --speak writes its WAVs "
                      "(default: a new folder under the system's temporary folder)")


def add_preview_arguments(preview: argparse.ArgumentParser) -> None:
    """`aftercare preview` (skill/local/preview.py, which loads the content at import)."""
    preview.add_argument("--out", type=Path, required=True, help="folder for the WAVs, "
                         "report.md and report.csv")
    preview.add_argument("--locale", default="en-US", help="content locale (default en-US)")
