"""A store that fails never silences an answer: urgent and time-aware answers are spoken
without the stored part, whatever the store does (corrupt, read-only, full, locked, raising)."""
from __future__ import annotations

import sqlite3
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException

from skill.local.alexa_api import LocalAlexaApi
from skill.builder import build_skill_builder, lambda_handler_for
from skill.local.conversation import Conversation
from skill.stores.sqlite import SqlitePersistenceAdapter
from tests.helpers import answered_topic, spoken

NY = ZoneInfo("America/New_York")
EVENING = datetime(2026, 11, 27, 18, 0, tzinfo=NY)
USER = "amzn1.ask.account.faults"

URGENT = ["i can't breathe", "my chest hurts", "i think it's infected"]
TIME_AWARE = {  # question -> the topic that must answer it
    "should i use heat or ice": "heat_ice",
    "when can i go back to the gym": "activity",
    "is it normal to be sore": "soreness",
    "is it infected": "infection",
    "what should i do after dry needling": "overview",
}


class _FullDisk(SqlitePersistenceAdapter):
    """SQLite's own error for a full disk, raised where SQLite raises it: on a write."""

    def save_attributes(self, request_envelope, attributes):
        with self._errors("save"):
            raise sqlite3.OperationalError("database or disk is full")


class _Raising(AbstractPersistenceAdapter):
    """An adapter that breaks its contract: not even a PersistenceException."""

    def get_attributes(self, request_envelope):
        raise RuntimeError("boom")

    def save_attributes(self, request_envelope, attributes):
        raise RuntimeError("boom")

    def delete_attributes(self, request_envelope):
        raise RuntimeError("boom")


def _corrupt(tmp_path):
    path = tmp_path / "store.sqlite3"
    path.write_bytes(b"this is not a database, it is a cat walking on a keyboard " * 200)
    return SqlitePersistenceAdapter(path)


def _read_only(tmp_path):
    # /sys refuses new files even to root: a real read-only file system for the store.
    return SqlitePersistenceAdapter("/sys/needling-aftercare-test/store.sqlite3")


def _full(tmp_path):
    return _FullDisk(tmp_path / "store.sqlite3")


def _locked(tmp_path, holders=[]):
    path = tmp_path / "store.sqlite3"
    maker = SqlitePersistenceAdapter(path)
    maker.delete_attributes(_Envelope())  # create it, in WAL mode
    maker.close()
    holder = sqlite3.connect(path, isolation_level=None)
    # Exclusive locking mode: in WAL, only this keeps readers out as well as writers.
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")  # held for the whole test: every other access waits
    holders.append(holder)
    return SqlitePersistenceAdapter(path, busy_timeout=0.01)


def _raising(tmp_path):
    return _Raising()


class _Envelope:
    class context:
        class system:
            class user:
                user_id = USER


FAULTS = {"corrupt": _corrupt, "read-only": _read_only, "full": _full, "locked": _locked,
          "raising": _raising}


def test_the_faults_are_real_faults(tmp_path):
    """Each injected store does fail, so the tests below test something."""
    for name in ("corrupt", "read-only", "locked"):
        (tmp_path / name).mkdir()
        store = FAULTS[name](tmp_path / name)
        with pytest.raises(PersistenceException):
            store.get_attributes(_Envelope())
    with pytest.raises(PersistenceException):
        _full(tmp_path).save_attributes(_Envelope(), {"a": 1})


def _conversation(store, content, en, resolver):
    handler = lambda_handler_for(build_skill_builder(
        content=content, persistence_adapter=store,
        api_client=LocalAlexaApi("America/New_York", report=None)))
    return Conversation(handler, en, user_id=USER, resolver=resolver, now=EVENING, zone=NY)


def _silenced(response, en) -> str | None:
    """Why `response` is not a spoken answer (no speech, or the apology), else None."""
    text = spoken(response)
    if not text:
        return "nothing spoken"
    if en.phrase("error").speech.split(".")[0] in text:
        return f"the apology: {text}"
    return None


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_urgent_answers_are_spoken_whatever_the_store_does(fault, tmp_path, content, en, resolver,
                                                          report):
    store = FAULTS[fault](tmp_path)
    missed = {}
    for question in URGENT:
        response = _conversation(store, content, en, resolver).say(question)
        why = _silenced(response, en)
        if why is None and "call" not in spoken(response).lower():
            why = f"no one to call: {spoken(response)}"
        if why:
            missed[question] = why
    report(f"{fault} store: urgent answers spoken {len(URGENT) - len(missed)}/{len(URGENT)}")
    assert not missed


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_time_aware_answers_are_spoken_whatever_the_store_does(fault, tmp_path, content, en,
                                                               resolver, report):
    store = FAULTS[fault](tmp_path)
    missed = {}
    for question, topic in TIME_AWARE.items():
        conversation = _conversation(store, content, en, resolver)
        first = conversation.say(question)
        why = _silenced(first, en)
        if why is None and answered_topic(first)[0] != topic:  # it asked when the session was
            answer = conversation.say("my session was yesterday at three")
            text = spoken(answer)
            why = (_silenced(answer, en)
                   or (answered_topic(answer)[0] != topic and f"not {topic}: {text}")
                   or ("It's been about a day" not in text and f"not for the time: {text}")
                   # The store cannot keep it, so it does not offer to.
                   or ("remember" in text.lower() and fault != "full" and f"offers: {text}")
                   or None)
        if why:
            missed[question] = why
    report(f"{fault} store: time-aware answers spoken "
           f"{len(TIME_AWARE) - len(missed)}/{len(TIME_AWARE)}")
    assert not missed


def test_a_full_disk_says_it_could_not_remember(tmp_path, content, en, resolver):
    conversation = _conversation(_full(tmp_path), content, en, resolver)
    conversation.say("should i use heat or ice")
    offer = spoken(conversation.say("my session was yesterday at three"))
    assert "remember" in offer.lower(), offer
    assert spoken(conversation.say("yes")) == en.phrase("remember_failed").speech
