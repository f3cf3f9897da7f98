"""Loads and validates the spoken guidance in content/ once, at start-up.

A bad file fails here, naming the file and the key, so a clinic that edits the
YAML finds out when the skill starts, never in the middle of a conversation.

Layout:
  content/clinic.yaml                  the clinic's name and phone (env vars override)
  content/<locale>/locale.yaml         emergency number, words and conversation phrases
  content/<locale>/topics/<id>.yaml    one guidance topic; the file name is its id
  content/<locale>/red_flags.yaml      the red-flag grammar (skill/understanding/red_flags.py)

A locale folder (en-GB) may name a `base` in its locale.yaml (en: the English all English
locales share). Its files are then the base's files with the locale's own laid over them:
a mapping merges key by key, anything else replaces, and a key written `name+` adds to the
base's list instead ("fillers+: [arvo]"). So an overlay holds only what differs: numbers,
services, medicine names and words (`words:`, said through placeholders like
{acetaminophen}), and any topic a clinic adds or rewrites.

An installed package carries the same tree as skill/data/content (pyproject.toml maps it).

The Lambda bundle carries the same files as JSON (skill/build/lambda_bundle.py converts them),
because parsing JSON needs no YAML library at cold start; either form loads here.

Paths here are plain strings joined with os.path (any os.PathLike is taken): importing pathlib
would cost the Lambda cold start 3 ms, a tenth of everything the skill adds to the SDK's.
"""
from __future__ import annotations

import functools
import json
import os
import re
import string
from typing import TYPE_CHECKING, Any, Callable, Mapping, NamedTuple

if TYPE_CHECKING:  # the grammar is built on first use: a launch never needs it
    from .understanding.red_flags import RedFlagGrammar

from .language import language_of
from .time_aware.session_time import PHASES


URGENCIES = ("routine", "urgent", "emergency")
ELAPSED = "{elapsed}"  # filled when spoken, not when loaded
WHEN = "{when}"  # the reminder's day and time, filled when spoken
DEFAULT_LOCALE = "en-US"
EXTEND = "+"  # "fillers+:" in an overlay adds to the base's list
UNRECOGNISED = "unrecognised"  # variant spoken when a slot holds a value we have no guidance for


StrPath = str | os.PathLike


def is_locale_name(name: str) -> bool:
    """en-GB is a locale; en, a base, is not (a string test: no pattern to compile at cold start)."""
    return (len(name) == 5 and name[2] == "-" and name[:2].isascii() and name[:2].isalpha()
            and name[:2].islower() and name[3:].isascii() and name[3:].isalpha()
            and name[3:].isupper())


class ContentError(ValueError):
    """A content file is missing, unreadable or breaks the schema."""

    def __init__(self, path: StrPath, key: str, problem: str):
        super().__init__(f"{path}: key '{key}': {problem}")
        self.path = path
        self.key = key


# Answer and Topic are named tuples, LocaleContent a plain class: each dataclass costs the
# Lambda cold start about a millisecond to create, a named tuple a fifth of that, and these
# still compare by value and cannot be changed by a handler that shares them.

class Answer(NamedTuple):
    """One spoken answer with its card, and what "yes" or "more" leads to."""

    speech: str
    card_title: str
    card_text: str
    source: tuple[str, ...]
    reprompt: str | None = None
    more: "Answer | None" = None
    more_topic: str | None = None
    # Answers for the time since the session (early < 24 h <= middle < 48 h <= late),
    # spoken instead of this one when the session time is known.
    phases: "Mapping[str, Answer] | None" = None

    def after(self, phase: str, elapsed: str) -> "Answer":
        """The answer for this phase, with "{elapsed}" said ("about a day and a half")."""
        return self.phases[phase].saying(elapsed)

    def saying(self, elapsed: str) -> "Answer":
        return self._replace(speech=self.speech.replace(ELAPSED, elapsed))

    def filling(self, name: str, words: str) -> "Answer":
        """A placeholder known only when spoken ({when}: "Saturday at three p.m.") said."""
        return self._replace(speech=self.speech.replace("{" + name + "}", words))

    @property
    def asks(self) -> bool:
        return self.speech.rstrip().endswith("?")

    @property
    def offers(self) -> bool:
        return self.more is not None or self.more_topic is not None


class Topic(NamedTuple):
    id: str
    intent: str
    urgency: str
    answers: Mapping[str, Answer]  # "default" plus one per slot value id
    path: str
    slot: str | None = None
    symptoms: tuple[str, ...] = ()
    escalate_body_areas: tuple[str, ...] = ()
    escalate_symptoms: tuple[str, ...] = ()

    def answer(self, variant: str | None = None) -> Answer:
        return self.answers.get(variant or "default", self.answers["default"])


class LocaleContent:
    """Everything one locale speaks, and the red-flag grammar built from its data on first use."""

    def __init__(self, locale: str, emergency_number: str, phrases: Mapping[str, Answer],
                 topics: Mapping[str, Topic], by_intent: Mapping[str, Topic] | None = None,
                 by_symptom: Mapping[str, Topic] | None = None,
                 red_flag_data: Mapping[str, Any] | None = None, red_flag_path: str | None = None,
                 openings: Mapping[str, str] | None = None, language: str = "en",
                 emergency_numbers: tuple[str, ...] = (), emergency_number_written: str = ""):
        self.locale = locale
        self.emergency_number = emergency_number
        self.phrases = phrases
        self.topics = topics
        self.by_intent = by_intent or {}
        self.by_symptom = by_symptom or {}
        self.red_flag_data = red_flag_data or {}
        self.red_flag_path = red_flag_path
        # Free-speech intent -> the opening words its carrier phrases stand for (what Alexa
        # leaves out of the AMAZON.SearchQuery value: "i can't | get a full breath in").
        self.openings = openings or {}
        self.language = language
        # Every emergency number this locale's callers may be told (a test checks no other).
        self.emergency_numbers = emergency_numbers
        self.emergency_number_written = emergency_number_written

    def __repr__(self) -> str:
        return f"LocaleContent({self.locale!r}, {len(self.topics)} topics)"

    @functools.cached_property
    def red_flags(self) -> "RedFlagGrammar":
        """The red-flag grammar, built on first use: a launch or a matched intent never needs it."""
        from .understanding.red_flags import load_grammar

        return load_grammar(self.red_flag_data, self.red_flag_path, ContentError, self.language)

    def phrase(self, name: str) -> Answer:
        return self.phrases[name]

    def escalation_for(self, symptom: str | None, body_area: str | None) -> Topic | None:
        """The topic a symptom in a body area escalates to (chest soreness -> emergency)."""
        for topic in self.topics.values():
            if body_area in topic.escalate_body_areas and symptom in topic.escalate_symptoms:
                return topic
        return None


# Phrases every locale must provide; the handlers speak them by these names.
REQUIRED_PHRASES = (
    "launch", "help", "fallback", "goodbye", "no", "yes_without_offer", "nothing_to_repeat",
    "follow_up", "error", "unsupported_locale", "denied_emergency",
    # the time-aware layer
    "ask_when", "when_not_understood", "time_unclear", "session_in_future", "time_noted", "utc_caveat",
    "offer_remember", "remembered", "remember_failed", "not_remembered", "offer_reminder",
    "reminder_text", "reminder_set", "reminder_permission", "reminder_failed", "no_reminder",
    "forgotten", "nothing_to_forget",
    # issue 9: answer first, replies to the time question, offers one at a time
    "time_unknown", "part_of_day_ahead", "when_yes", "no_more", "okay", "fallback_again", "fallback_health",
    "reminder_when_unknown", "reminder_permission_denied", "reminder_kept", "reminder_kept_known",
)


# ---------------------------------------------------------------- locating files

def data_dir(name: str) -> str:
    """content/ or interaction_model/ as the package ships them (skill/data/<name>, found with
    importlib.resources, so `pip install .` and `pip install --user .` carry them), else the
    folder beside the package: a checkout, where clinics edit it, or the Lambda bundle."""
    here = os.path.dirname(os.path.realpath(__file__))
    beside = os.path.join(os.path.dirname(here), name)
    if os.path.isdir(beside) and not os.path.isdir(os.path.join(here, "data")):
        # A checkout or the Lambda bundle: importlib.resources would cost Lambda's cold start
        # 12 ms of imports to find the same folder.
        return beside
    from importlib.resources import files
    from pathlib import Path

    packaged = files(__package__) / "data" / name
    if isinstance(packaged, Path) and packaged.is_dir():
        return str(packaged)
    return beside


def default_content_dir() -> str:
    return os.environ.get("AFTERCARE_CONTENT_DIR") or data_dir("content")


DATA_SUFFIXES = (".yaml", ".json")


def data_file(folder: StrPath, stem: str) -> str:
    """folder/stem.yaml, or the .json the Lambda bundle carries instead."""
    for suffix in DATA_SUFFIXES:
        path = os.path.join(folder, stem + suffix)
        if os.path.isfile(path):
            return path
    return os.path.join(folder, stem + DATA_SUFFIXES[0])


def parse_yaml(text: str, path: StrPath) -> Any:
    import yaml  # only where content is YAML; the Lambda bundle's is JSON

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C loader is faster
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "(file)"
        raise ContentError(path, where, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None


def _read_data(path: StrPath) -> dict[str, Any]:
    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except FileNotFoundError:
        raise ContentError(path, "(file)", "file not found") from None
    if os.fspath(path).endswith(".json"):
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ContentError(path, "(file)", f"not valid JSON: {exc}") from None
    else:
        data = parse_yaml(text, path)
    if not isinstance(data, dict):
        raise ContentError(path, "(top level)", "expected a mapping of keys to values")
    return data


# ---------------------------------------------------------------- base and overlay

def overlay(base: Any, over: Any, path: StrPath, prefix: str = "") -> Any:
    """`over` laid on `base`: mappings merge key by key, `name+` extends the base's list,
    anything else replaces."""
    if not isinstance(over, dict) or not isinstance(base, dict):
        return over
    out = dict(base)
    for key, value in over.items():
        name = str(key)
        where = f"{prefix}.{name}" if prefix else name
        if name.endswith(EXTEND):
            name = name[:-len(EXTEND)]
            have = out.get(name, [])
            if not isinstance(have, list) or not isinstance(value, list):
                raise ContentError(path, where, f"'{EXTEND}' extends a list, and '{name}' is none")
            out[name] = have + [item for item in value if item not in have]
        else:
            out[name] = overlay(out.get(name), value, path, where)
    return out


class Layers:
    """A locale's folders, its base first: where each of its files comes from.

    A plain class, not a dataclass: each dataclass costs the Lambda cold start about 1 ms to
    create, and nothing compares or copies these."""

    __slots__ = ("folders",)

    def __init__(self, folders: tuple[str, ...]):
        self.folders = folders

    def read(self, *parts: str, required: bool = True) -> tuple[dict[str, Any], str]:
        """The file at parts (no suffix) in every layer, laid over each other; the path
        named is the locale's own file where it has one (errors point where to edit)."""
        data: dict[str, Any] | None = None
        named = None
        for folder in self.folders:
            path = data_file(os.path.join(folder, *parts[:-1]), parts[-1])
            if os.path.isfile(path):
                data = _read_data(path) if data is None else overlay(data, _read_data(path), path)
                named = path
        if data is None:
            missing = data_file(os.path.join(self.folders[-1], *parts[:-1]), parts[-1])
            if required:
                raise ContentError(missing, "(file)", "file not found")
            return {}, missing
        return data, named

    def topic_ids(self) -> list[str]:
        found = set()
        for folder in self.folders:
            topics = os.path.join(folder, "topics")
            for name in os.listdir(topics) if os.path.isdir(topics) else ():
                stem, suffix = os.path.splitext(name)
                if suffix in DATA_SUFFIXES:
                    found.add(stem)
        return sorted(found)


PACKED = "packed"  # content/<locale>/packed.json: a locale's files already laid over its base


class Packed(Layers):
    """A locale whose layers were laid over each other when the Lambda bundle was built
    (`pack_locale`): one file to read at cold start instead of two per topic."""

    __slots__ = ("path", "data")

    def __init__(self, path: str):
        super().__init__((os.path.dirname(path),))
        self.path = path
        self.data = _read_data(path)

    def read(self, *parts: str, required: bool = True) -> tuple[dict[str, Any], str]:
        found: Any = self.data
        for part in parts:
            found = found.get(part) if isinstance(found, dict) else None
        if found is None and required:
            raise ContentError(self.path, ".".join(parts), "missing")
        return (found or {}), self.path

    def topic_ids(self) -> list[str]:
        return sorted(self.data.get("topics") or {})


def pack_locale(content_dir: StrPath, locale: str) -> dict[str, Any]:
    """Everything one locale reads, its base already laid under it and its cards already spelt
    its way (so the cold start does neither): what Packed reads."""
    found = layers(content_dir, locale)
    data, path = found.read("locale")
    respell = _spelling(_Fields(data, path, "", {}))
    data = {**data, "phrases": _respelled(data.get("phrases"), respell)}
    for done in ("base", "card_spelling"):
        data.pop(done, None)
    return {"locale": data, "red_flags": found.read("red_flags")[0],
            "topics": {t: _respelled(found.read("topics", t)[0], respell)
                       for t in found.topic_ids()}}


def layers(content_dir: StrPath, locale: str) -> Layers:
    own = os.path.join(content_dir, locale)
    packed = os.path.join(own, f"{PACKED}.json")
    if os.path.isfile(packed):
        return Packed(packed)
    data = _read_data(data_file(own, "locale"))
    base = data.get("base")
    if base is None:
        return Layers((own,))
    path = data_file(own, "locale")
    if not isinstance(base, str) or is_locale_name(base) or not os.path.isfile(data_file(
            os.path.join(content_dir, base), "locale")):
        raise ContentError(path, "base", f"no shared content folder named {base!r}")
    return Layers((os.path.join(content_dir, base), own))


# ---------------------------------------------------------------- validation helpers

class _Fields:
    """Typed access to one YAML mapping that names the file and key path in every error."""

    def __init__(self, data: Any, path: str, prefix: str, values: Mapping[str, str]):
        if not isinstance(data, dict):
            raise ContentError(path, prefix or "(top level)", "expected a mapping")
        self.data, self.path, self.prefix, self.values = data, path, prefix, values

    def key(self, name: str) -> str:
        return f"{self.prefix}.{name}" if self.prefix else name

    def text(self, name: str, required: bool = True) -> str | None:
        raw = self.data.get(name)
        if raw is None:
            if required:
                raise ContentError(self.path, self.key(name), "missing")
            return None
        if not isinstance(raw, str) or not raw.strip():
            raise ContentError(self.path, self.key(name), "must be non-empty text")
        return _fill(" ".join(raw.split()), self.values, self.path, self.key(name))

    def strings(self, name: str) -> tuple[str, ...]:
        raw = self.data.get(name, [])
        if isinstance(raw, str):
            raw = [raw]
        if not isinstance(raw, list) or not all(isinstance(x, str) and x.strip() for x in raw):
            raise ContentError(self.path, self.key(name), "must be a list of text")
        return tuple(raw)

    def sub(self, name: str) -> "_Fields | None":
        raw = self.data.get(name)
        return None if raw is None else _Fields(raw, self.path, self.key(name), self.values)


def _fill(text: str, values: Mapping[str, str], path: str, key: str) -> str:
    """Substitute {emergency_number}, {practitioner}, ...; an unknown name is a content error."""
    if "{" not in text and "}" not in text:
        return text  # most text names nothing: no parse at cold start
    for _, name, _, _ in string.Formatter().parse(text):
        if name is not None and name not in values:
            known = ", ".join(sorted(values))
            raise ContentError(path, key, f"unknown placeholder {{{name}}} (known: {known})")
    return text.format_map(values)


def _answer(f: _Fields, inherit: Answer | None = None, offer_required: bool = True,
            phase_of: Answer | None = None, elapsed_ok: bool = False) -> Answer:
    """One answer. `inherit` supplies a missing card and source; a phase of an answer
    (`phase_of`) that asks a question also takes over its parent's offer."""
    card = f.sub("card")
    if card is None and inherit is None:
        raise ContentError(f.path, f.key("card"), "missing")
    sources = f.strings("source") or (inherit.source if inherit else ())
    if not sources:
        raise ContentError(f.path, f.key("source"), "missing: name the source article section")
    more_text = f.text("more", required=False)
    answer = Answer(
        speech=f.text("speech"),
        reprompt=f.text("reprompt", required=False),
        card_title=card.text("title") if card else inherit.card_title,
        card_text=card.text("text") if card else inherit.card_text,
        source=sources,
        more_topic=f.text("more_topic", required=False),
    )
    if phase_of is not None and answer.asks and not (answer.reprompt or more_text or answer.more_topic):
        answer = answer._replace(reprompt=phase_of.reprompt, more=phase_of.more,
                         more_topic=phase_of.more_topic)
    if more_text:
        answer = answer._replace(more=Answer(
            speech=more_text, card_title=answer.card_title, card_text=answer.card_text,
            source=answer.source))
    # A question keeps the session open, so it must come with a reprompt, and a
    # topic's question is always an offer of more that "yes" can act on.
    if answer.asks and not answer.reprompt:
        raise ContentError(f.path, f.key("reprompt"), "missing: the speech asks a question")
    if answer.reprompt and not answer.asks:
        raise ContentError(f.path, f.key("speech"), "has a reprompt but asks no question")
    if offer_required and answer.asks != answer.offers:
        problem = ("asks a question but offers nothing (add 'more' or 'more_topic')" if answer.asks
                   else "offers more but does not ask (end the speech with a question)")
        raise ContentError(f.path, f.key("speech"), problem)
    if answer.more and answer.more.asks:
        raise ContentError(f.path, f.key("more"), "must not ask a question")
    phases = f.sub("phases")
    if phases is not None:
        if phase_of is not None:
            raise ContentError(f.path, phases.prefix, "a phase cannot have phases")
        missing = [p for p in PHASES if p not in phases.data]
        extra = [str(p) for p in phases.data if p not in PHASES]
        if missing or extra:
            raise ContentError(f.path, phases.prefix, f"needs exactly {', '.join(PHASES)}")
        answer = answer._replace(phases={
            p: _answer(phases.sub(p), inherit=answer, offer_required=offer_required, phase_of=answer)
            for p in PHASES})
    elif ELAPSED in answer.speech and phase_of is None and not elapsed_ok:
        raise ContentError(f.path, f.key("speech"), "{elapsed} is only known inside phases")
    return answer


# ---------------------------------------------------------------- loading

def _clinic(content_dir: StrPath) -> dict[str, str]:
    path = data_file(content_dir, "clinic")
    data = _read_data(path) if os.path.exists(path) else {}
    out = {}
    for key in ("name", "phone"):
        value = os.environ.get(f"AFTERCARE_CLINIC_{key.upper()}", data.get(key) or "")
        if not isinstance(value, str):
            raise ContentError(path, key, "must be text")
        out[key] = " ".join(value.split())
    return out


def _load_topic(topic_id: str, data: dict[str, Any], path: str, values: Mapping[str, str]) -> Topic:
    f = _Fields(data, path, "", values)
    urgency = f.text("urgency")
    if urgency not in URGENCIES:
        raise ContentError(path, "urgency", f"must be one of {', '.join(URGENCIES)}")
    default = _answer(f)
    answers = {"default": default}
    variants = f.sub("variants")
    slot = f.text("slot", required=False)
    if (variants is None) != (slot is None):
        raise ContentError(path, "slot" if variants else "variants", "slot and variants go together")
    for name in (variants.data if variants else {}):
        answers[str(name)] = _answer(variants.sub(str(name)), inherit=default)
    escalate = f.sub("escalate")
    return Topic(
        id=topic_id, intent=f.text("intent"), urgency=urgency, answers=answers, path=path,
        slot=slot, symptoms=f.strings("symptoms"),
        escalate_body_areas=escalate.strings("body_areas") if escalate else (),
        escalate_symptoms=escalate.strings("symptoms") if escalate else (),
    )


def _words(raw: _Fields) -> dict[str, str]:
    """The locale's `words:` ({acetaminophen}: "paracetamol"), each also capitalised for the
    start of a sentence ({Acetaminophen}: "Paracetamol")."""
    words = raw.sub("words")
    out: dict[str, str] = {}
    for name in (words.data if words else {}):
        said = words.text(str(name))
        out[str(name)] = said
        out[str(name)[:1].upper() + str(name)[1:]] = said[:1].upper() + said[1:]
    return out


def load_locale(content_dir: StrPath, locale: str, check_patterns: bool = True) -> LocaleContent:
    clinic = _clinic(content_dir)
    found = layers(content_dir, locale)
    data, locale_path = found.read("locale")
    raw = _Fields(data, locale_path, "", {"clinic": clinic["name"]})
    number = raw.sub("emergency_number")
    if number is None:
        raise ContentError(locale_path, "emergency_number", "missing")
    practitioner = raw.text("practitioner_at_clinic" if clinic["name"] else "practitioner")
    values = {
        **_words(raw),
        "emergency_number": number.text("spoken"),
        "emergency_number_written": number.text("written"),
        "practitioner": practitioner,
        "clinic": clinic["name"] or practitioner,
        "clinic_phone": clinic["phone"] or number.text("no_phone"),
        "elapsed": ELAPSED,
        "when": WHEN,
    }
    spelling = _spelling(raw)
    phrases_f = _Fields(_respelled(raw.data.get("phrases"), spelling), locale_path, "phrases", values)
    phrases = {}
    for name in REQUIRED_PHRASES:
        sub = phrases_f.sub(name)
        if sub is None:
            raise ContentError(locale_path, f"phrases.{name}", "missing")
        phrases[name] = _answer(sub, offer_required=False, elapsed_ok=True)

    topics = {}
    for topic_id in found.topic_ids():
        topic_data, topic_path = found.read("topics", topic_id)
        topics[topic_id] = _load_topic(topic_id, _respelled(topic_data, spelling), topic_path, values)
    if not topics:
        raise ContentError(os.path.join(content_dir, locale, "topics"), "(folder)", "no topic files")
    by_intent: dict[str, Topic] = {}
    by_symptom: dict[str, Topic] = {}
    for topic in topics.values():
        if topic.intent in by_intent:
            raise ContentError(topic.path, "intent", f"{topic.intent} is already used by "
                               f"{os.path.basename(by_intent[topic.intent].path)}")
        by_intent[topic.intent] = topic
        for symptom in topic.symptoms:
            if symptom in by_symptom:
                raise ContentError(topic.path, "symptoms", f"{symptom} is already routed to "
                                   f"{os.path.basename(by_symptom[symptom].path)}")
            by_symptom[symptom] = topic
        for key in ("default", *topic.answers):
            target = topic.answers[key].more_topic
            if target and target not in topics:
                raise ContentError(topic.path, "more_topic", f"no topic named {target}")
    flag_data, flags_path = found.read("red_flags")
    loaded = LocaleContent(locale, values["emergency_number"], phrases, topics, by_intent, by_symptom,
                           red_flag_data=flag_data, red_flag_path=flags_path,
                           openings=_openings(raw), language=language_of(locale),
                           emergency_numbers=number.strings("also") + (
                               values["emergency_number_written"],),
                           emergency_number_written=values["emergency_number_written"])
    if check_patterns:
        for i, flag in enumerate(loaded.red_flags.flags):
            if flag.topic not in topics:
                raise ContentError(flags_path, f"flags[{i}].topic", f"no topic named {flag.topic}")
        asked = loaded.red_flags.asked_about_topic
        if asked is not None and asked not in topics:
            raise ContentError(flags_path, "asked_about_topic", f"no topic named {asked}")
    return loaded


def _spelling(raw: _Fields) -> Callable[[str], str] | None:
    """`card_spelling`: how this locale spells a word the shared cards spell otherwise
    (programme, stabilize), as one respelling made once per locale. Cards are read; speech
    sounds the same either way."""
    spelling = raw.sub("card_spelling")
    if not spelling or not spelling.data:
        return None
    words = {str(k): spelling.text(str(k)) for k in spelling.data}
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b")
    return lambda text: pattern.sub(lambda m: words[m.group(1)], text)


def _respelled(data: Any, respell: Callable[[str], str] | None) -> Any:
    """Raw content with every card's title and text spelt the locale's way."""
    if respell is None or not isinstance(data, (dict, list)):
        return data
    if isinstance(data, list):
        return [_respelled(item, respell) for item in data]
    out = {}
    for key, value in data.items():
        if key == "card" and isinstance(value, dict):
            value = {k: respell(v) if k in ("title", "text") and isinstance(v, str) else v
                     for k, v in value.items()}
        out[key] = _respelled(value, respell)
    return out


def _openings(raw: _Fields) -> dict[str, str]:
    openings = raw.sub("free_speech_openings")
    if openings is None:
        raise ContentError(raw.path, "free_speech_openings", "missing")
    out = {}
    for intent, words in openings.data.items():
        if not isinstance(words, str):
            raise ContentError(raw.path, f"free_speech_openings.{intent}", "must be text")
        out[str(intent)] = " ".join(words.split())
    return out


class LocalesOnDemand(Mapping[str, LocaleContent]):
    """Every locale's content, each loaded the first time a request asks for it.

    For the Lambda bundle, whose content `aftercare build-lambda` has already checked in full:
    one function serves every locale, and loading all of them would cost each cold start about
    15 ms a locale. The default locale is loaded at once, so a broken bundle still fails its
    first invocation loudly."""

    def __init__(self, root: StrPath, names: list[str], check_patterns: bool):
        self._root, self._names, self._check = root, tuple(names), check_patterns
        self._loaded: dict[str, LocaleContent] = {}
        self[DEFAULT_LOCALE]  # noqa: B018 - loaded now, on purpose

    def __getitem__(self, name: str) -> LocaleContent:
        if name not in self._loaded:
            if name not in self._names:
                raise KeyError(name)
            self._loaded[name] = load_locale(self._root, name, self._check)
        return self._loaded[name]

    def __iter__(self):
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def locale_names(root: StrPath) -> list[str]:
    if not os.path.isdir(root):
        raise ContentError(root, "(folder)", "content folder not found; set AFTERCARE_CONTENT_DIR")
    names = sorted(name for name in os.listdir(root) if is_locale_name(name) and (
        os.path.isfile(data_file(os.path.join(root, name), "locale"))
        or os.path.isfile(os.path.join(root, name, f"{PACKED}.json"))))
    if DEFAULT_LOCALE not in names:
        raise ContentError(os.path.join(root, DEFAULT_LOCALE), "(folder)",
                           "the default locale is missing")
    return names


def load_content(content_dir: StrPath | None = None, check_patterns: bool = True
                 ) -> dict[str, LocaleContent]:
    """Every locale folder under content_dir, validated.

    `check_patterns=False` leaves the red-flag grammar to be built on first use: the Lambda
    bundle's content was checked in full when it was built, and a launch or an intent Alexa
    matched never needs the grammar."""
    root = content_dir or default_content_dir()
    return {name: load_locale(root, name, check_patterns) for name in locale_names(root)}


@functools.lru_cache(maxsize=None)
def get_content(check_patterns: bool = True, on_demand: bool = False) -> Mapping[str, LocaleContent]:
    """The content the running skill speaks, loaded once per process: all of it at start-up
    (a bad file stops the skill there), or `on_demand` each locale when first asked for (the
    Lambda bundle, checked when it was built)."""
    if on_demand:
        root = default_content_dir()
        return LocalesOnDemand(root, locale_names(root), check_patterns)
    return load_content(check_patterns=check_patterns)
