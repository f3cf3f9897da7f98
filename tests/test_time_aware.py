"""The time-aware layer: when the session was, answers for the time since, consent, memory,
the 48-hour reminder, and the Alexa APIs it calls."""
from __future__ import annotations

import json
import threading
from datetime import date, datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import pytest

from skill.alexa_api import LazyApiClient
from skill.local.alexa_api import LocalAlexaApi
from skill.builder import build_skill_builder, lambda_handler_for
from skill.understanding.builtin_slots import alexa_value
from skill.local.conversation import Conversation
from skill.stores.sqlite import SqlitePersistenceAdapter
from skill.time_aware.session_time import (InTheFuture, NotUnderstood, elapsed, elapsed_words,
                                phase, session_moment)

from .helpers import ends, spoken

NY = ZoneInfo("America/New_York")
EVENING = datetime(2026, 11, 27, 18, 0, tzinfo=NY)  # a Friday


def asks_when(response: dict) -> bool:
    """The general answer, then the time question sent with Dialog.ElicitSlot."""
    directives = response["response"].get("directives") or []
    return (spoken(response).endswith("I can tell you which applies to you. When was your session?")
            and len(spoken(response).split(".")) > 2
            and any(d["type"] == "Dialog.ElicitSlot" and d["slotToElicit"] == "date"
                    and d["updatedIntent"]["name"] == "SessionTimeIntent" for d in directives)
            and ends(response) is False)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


# ------------------------------------------------------------ slot values -> the session's moment

TIME_CASES = [
    # (now, date, time, duration) -> the session in New York wall time, or the error
    (EVENING, "2026-11-27", "MO", None, "2026-11-27 09:00"),               # this morning
    (EVENING, "2026-11-26", "03:00", None, "2026-11-26 15:00"),            # yesterday at three
    (EVENING, None, None, "PT2H", "2026-11-27 16:00"),                     # two hours ago
    (EVENING, None, None, "PT1H30M", "2026-11-27 16:30"),                  # an hour and a half ago
    (EVENING, None, None, "P2D", "2026-11-25 18:00"),                      # two days ago
    (EVENING, "2026-11-30", None, None, "2026-11-23 12:00"),               # "on Monday", resolved ahead
    (EVENING, "2026-11-23", None, None, "2026-11-23 12:00"),               # last Monday
    (EVENING, "2026-11-26", None, None, "2026-11-26 12:00"),               # yesterday
    (EVENING, "2026-11-27", None, None, "2026-11-27 00:00"),               # today, hour unknown
    (EVENING, None, "NI", None, "2026-11-26 20:00"),                       # last night
    (EVENING, None, "10:00", None, "2026-11-27 10:00"),                    # at ten
    (EVENING, "2026-11-26", "EV", None, "2026-11-26 18:00"),               # yesterday evening
    (at("2026-11-28T00:10:00-05:00"), "2026-11-27", None, None, "2026-11-27 12:00"),  # yesterday, just after midnight
    (at("2026-11-28T00:00:00-05:00"), "2026-11-28", None, None, "2026-11-28 00:00"),  # today, at midnight
    (at("2026-11-27T23:59:00-05:00"), "2026-11-27", "23:30", None, "2026-11-27 23:30"),
    (EVENING, "2026-11-27", "20:00", None, InTheFuture),                    # tonight at eight
    (EVENING, "2026-12-15", None, None, InTheFuture),                       # next month
    (EVENING, "2026-11-28", "10:00", None, InTheFuture),                    # tomorrow at ten
    (EVENING, "2026-W48", None, None, NotUnderstood),                       # "this week"
    (EVENING, "2026-11", None, None, NotUnderstood),                        # "this month"
    (EVENING, "2026-XI", None, None, NotUnderstood),
    (EVENING, None, "25:00", None, NotUnderstood),
    (EVENING, None, None, "PXYZ", NotUnderstood),
    (EVENING, None, None, None, NotUnderstood),
]


@pytest.mark.parametrize("now, day, clock, duration, expected", TIME_CASES)
def test_time_phrases_and_edge_cases(now, day, clock, duration, expected):
    if isinstance(expected, type):
        with pytest.raises(expected):
            session_moment(now, NY, day, clock, duration)
        return
    moment = session_moment(now, NY, day, clock, duration)
    assert moment.at.tzinfo is not None
    assert moment.at.astimezone(NY).strftime("%Y-%m-%d %H:%M") == expected


def test_a_daylight_saving_night_counts_real_hours():
    # 1 November 2026: New York falls back, so that night is 25 hours long.
    session = session_moment(at("2026-11-01T09:00:00-05:00"), NY, "2026-10-31", "09:00")
    since = elapsed(at("2026-11-01T09:00:00-05:00"), session)
    assert since == timedelta(hours=25) and phase(since) == "middle"
    # 8 March 2026: it springs forward; 23 real hours, still the first day.
    spring = session_moment(at("2026-03-08T09:00:00-04:00"), NY, "2026-03-07", "09:00")
    assert elapsed(at("2026-03-08T09:00:00-04:00"), spring) == timedelta(hours=23)
    assert phase(elapsed(at("2026-03-08T09:00:00-04:00"), spring)) == "early"


@pytest.mark.parametrize("hours, words, expected_phase", [
    (0.5, "less than an hour", "early"), (2, "about two hours", "early"),
    (23, "about twenty-three hours", "early"), (23.8, "almost a day", "early"),
    (24, "about a day", "middle"), (36, "about a day and a half", "middle"),
    (45, "almost two days", "middle"), (48, "about two days", "late"),
    (60, "about two and a half days", "late"), (72, "about three days", "late"),
])
def test_elapsed_words_never_cross_a_phase_boundary(hours, words, expected_phase):
    assert elapsed_words(timedelta(hours=hours)) == words
    assert phase(timedelta(hours=hours)) == expected_phase


# Spanish says what follows "Su sesión fue hace": no verb to agree with the number.
@pytest.mark.parametrize("hours, words, date_only", [
    (0.5, "menos de una hora", False), (1.2, "como una hora", False), (2, "unas dos horas", False),
    (21, "unas veintiuna horas", False), (23, "unas veintitrés horas", False),
    (23.8, "casi un día", False), (5, "menos de un día", True), (24, "como un día", False),
    (36, "como un día y medio", False), (45, "casi dos días", False), (48, "unos dos días", False),
    (60, "unos dos días y medio", False), (504, "unos veintiún días", False),
])
def test_elapsed_words_in_spanish(hours, words, date_only):
    assert elapsed_words(timedelta(hours=hours), date_only, language="es") == words


@pytest.mark.parametrize("local, said", [
    ("2026-11-28T15:00", "el sábado a las tres de la tarde"),
    ("2026-11-28T13:30", "el sábado a la una y media de la tarde"),
    ("2026-11-30T12:00", "el lunes al mediodía"),
    ("2026-11-30T12:45", "el lunes a las doce y cuarenta y cinco del mediodía"),
    ("2026-12-02T09:05", "el miércoles a las nueve y cinco de la mañana"),
    ("2026-12-02T21:15", "el miércoles a las nueve y cuarto de la noche"),
    ("2026-12-03T00:00", "el jueves a la medianoche"),
    ("2026-12-03T04:21", "el jueves a las cuatro y veintiuno de la madrugada"),
])
def test_the_reminders_day_and_time_in_spanish(local, said):
    from skill.time_aware.reminders import spoken_when

    due = datetime.fromisoformat(local).replace(tzinfo=NY)
    assert spoken_when(due, "America/New_York", "es") == said
    assert spoken_when(due, None, "es") is None


@pytest.mark.parametrize("slot_type, said, value", [
    ("AMAZON.DATE", "today", "2026-11-27"), ("AMAZON.DATE", "yesterday", "2026-11-26"),
    ("AMAZON.DATE", "the day before yesterday", "2026-11-25"),
    ("AMAZON.DATE", "monday", "2026-11-30"), ("AMAZON.DATE", "last monday", "2026-11-23"),
    ("AMAZON.DATE", "friday", "2026-11-27"),
    ("AMAZON.TIME", "morning", "MO"), ("AMAZON.TIME", "three", "03:00"),
    ("AMAZON.TIME", "three pm", "15:00"), ("AMAZON.TIME", "ten thirty am", "10:30"),
    ("AMAZON.TIME", "noon", "12:00"),
    ("AMAZON.DURATION", "two hours", "PT2H"), ("AMAZON.DURATION", "half an hour", "PT30M"),
    ("AMAZON.DURATION", "an hour and a half", "PT1H30M"), ("AMAZON.DURATION", "three days", "P3D"),
    ("AMAZON.DURATION", "twenty minutes", "PT20M"), ("AMAZON.DURATION", "a couple of hours", "PT2H"),
])
def test_the_local_grammar_gives_alexas_slot_values(slot_type, said, value):
    assert alexa_value(slot_type, said, date(2026, 11, 27)) == value


# ------------------------------------------------------------ conversations at a chosen moment

class Clock:
    """The store judges expiry by the conversation's moment, never by the real clock."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> float:
        return self.now.timestamp()


@pytest.fixture
def clock():
    return Clock(EVENING)


@pytest.fixture
def store(tmp_path, clock):
    return SqlitePersistenceAdapter(tmp_path / "store.sqlite3", clock=clock)


@pytest.fixture
def talk(content, en, resolvers, store, clock, monkeypatch):
    """A conversation as `aftercare chat --user ID --now ... --timezone America/New_York` holds it,
    for a clinic that turned memory and reminders on (skill/privacy.py)."""
    monkeypatch.setenv("AFTERCARE_REMINDERS", "on")

    def make(now=EVENING, user="amzn1.ask.account.tester", api=None, persist=True, locale="en-US"):
        clock.now = now
        api = api or LocalAlexaApi("America/New_York", report=None)
        handler = lambda_handler_for(build_skill_builder(content=content, persistence_adapter=store if persist else None,
                                      api_client=api))
        loaded = content[locale]
        conversation = Conversation(handler, loaded, locale=locale, user_id=user,
                                    resolver=resolvers(loaded), now=now, zone=NY)
        conversation.api = api
        return conversation
    return make


@pytest.mark.parametrize("when, starts", [
    ("two hours ago", "It's been about two hours, so it's still the first day. Use ice only if"),
    ("yesterday at three", "It's been about a day, so you're past the first day. Heat"),
    ("two days ago", "It's been about two days, so heat"),
])
def test_heat_or_ice_depends_on_the_time_since(talk, when, starts):
    conversation = talk()
    assert asks_when(conversation.say("can I use my heating pad"))
    answer = conversation.say(f"my session was {when}")
    assert spoken(answer).startswith(starts), spoken(answer)
    assert spoken(answer).endswith("Want me to remember your session time for three days?")
    assert ends(answer) is False


@pytest.mark.parametrize("question, reply, phrase", [
    ("can I lift weights", "I had dry needling this morning", "so hold off on that for now"),
    ("can I lift weights", "I had dry needling yesterday at three", "give it until the 48-hour mark"),
    ("can I lift weights", "I had dry needling three days ago",
     "you're past the usual rest and can ease back into it"),
    ("how long will I be sore", "it was this morning", "soreness now is normal"),
    ("how long will I be sore", "it was yesterday at three", "should be easing, or at least levelling off"),
    ("how long will I be sore", "it was two days ago", "should be easing by now. If it isn't"),
])
def test_activity_and_soreness_depend_on_the_time_since(talk, question, reply, phrase):
    conversation = talk(persist=False)
    conversation.say(question)
    assert phrase in spoken(conversation.say(reply))


def test_infection_signs_are_never_held_back_by_a_question(talk):
    conversation = talk()
    first = conversation.say("the needle spot is still red and warm")
    assert spoken(first).startswith("Call your doctor or your practitioner promptly")
    assert "When was your session" not in spoken(first)
    again = talk()
    again.say("can I use ice")
    again.say("my session was two hours ago")
    assert "a little redness or warmth can be normal today" in spoken(again.say("is it infected"))


def test_overview_changes_with_the_phase(talk):
    conversation = talk(persist=False)
    conversation.say("what should I do after dry needling")
    answer = conversation.say("it was two days ago")
    assert "past the main recovery window" in spoken(answer)


def test_the_time_question_is_asked_only_once(talk):
    conversation = talk(persist=False)
    conversation.say("open needling aftercare")
    assert asks_when(conversation.say("should I use ice"))
    general = conversation.say("I'm not sure")
    assert spoken(general).startswith("That's okay. What I said covers both cases")
    assert "When was your session" not in spoken(conversation.say("can I go to the gym"))


def test_a_session_in_the_future_gets_the_general_advice(talk):
    conversation = talk(persist=False)
    conversation.say("should I use heat")
    answer = conversation.say("my session was tomorrow at ten")
    assert spoken(answer).startswith("That sounds like it's still to come, so the general advice")
    assert "Heat works best" not in spoken(answer)  # already said, in the first answer


# ------------------------------------------------------------ consent, memory, expiry, forgetting

def remember_yesterday(talk, now=EVENING, consent="yes"):
    conversation = talk(now=now)
    conversation.say("can I use my heating pad")
    conversation.say("my session was yesterday at three")
    return conversation, conversation.say(consent)


def test_with_consent_the_time_is_kept_for_the_next_conversation(talk, store):
    _, answer = remember_yesterday(talk)
    assert spoken(answer).startswith("Okay, I'll remember it for three days.")
    later = talk(now=EVENING + timedelta(hours=4))
    answer = later.say("can I lift weights")
    assert spoken(answer).startswith("It's been about a day and a half, so give it until the 48-hour mark")


def test_what_is_kept_is_the_time_and_the_consent_only(talk, store, session):
    remember_yesterday(talk)
    kept = store.get_attributes(_envelope_for("amzn1.ask.account.tester"))
    assert set(kept) == {"session_at", "session_date_only", "consent", "expires_at"}
    assert kept["session_at"] == "2026-11-26T20:00:00+00:00"
    assert kept["expires_at"] == int((EVENING + timedelta(hours=72)).timestamp())


def test_without_consent_nothing_is_kept(talk, store):
    _, answer = remember_yesterday(talk, consent="no")
    assert spoken(answer).startswith("Okay, I won't keep it.")
    assert store.get_attributes(_envelope_for("amzn1.ask.account.tester")) == {}
    later = talk(now=EVENING + timedelta(hours=1))
    assert asks_when(later.say("can I use my heating pad"))


def test_the_memory_expires_after_72_hours(talk):
    remember_yesterday(talk)
    assert "It's been" in spoken(talk(now=EVENING + timedelta(hours=71)).say("should I use ice"))
    expired = talk(now=EVENING + timedelta(hours=72, minutes=1))
    assert asks_when(expired.say("should I use ice"))


def test_forget_deletes_at_once_and_says_so(talk, store):
    remember_yesterday(talk)
    answer = talk().say("forget my session")
    assert spoken(answer) == ("Done. I've forgotten your session time. If I set a reminder for you, "
                              "it stays in your Alexa app until you delete it there.")
    assert store.get_attributes(_envelope_for("amzn1.ask.account.tester")) == {}
    assert spoken(talk().say("forget my session")).startswith("I wasn't keeping anything")


def test_another_user_sees_nothing(talk):
    remember_yesterday(talk)
    stranger = talk(user="amzn1.ask.account.someone-else")
    assert asks_when(stranger.say("should I use ice"))


# ------------------------------------------------------------ the 48-hour check

def test_the_reminder_is_offered_after_consent_and_created(talk):
    conversation, answer = remember_yesterday(talk)
    assert spoken(answer).endswith("Want a reminder two days after your session to check how you feel?")
    done = conversation.say("yes")
    assert spoken(done).startswith("Done. I'll remind you Saturday at three p.m. to check in")
    (payload,) = conversation.api.reminders
    assert payload["trigger"] == {"type": "SCHEDULED_ABSOLUTE",
                                  "scheduledTime": "2026-11-28T15:00:00",
                                  "timeZoneId": "America/New_York"}


def test_no_reminder_is_offered_once_48_hours_have_passed(talk):
    conversation = talk(persist=False)
    conversation.say("should I use heat")
    answer = conversation.say("my session was three days ago")
    assert "reminder" not in spoken(answer)


ASK_FOR = {"type": "Connections.SendRequest", "name": "AskFor", "token": "reminder-permission",
           "payload": {"@type": "AskForPermissionsConsentRequest", "@version": "2",
                       "permissionScopes": [{
                           "permissionScope": "alexa::alerts:reminders:skill:readwrite",
                           "consentLevel": "ACCOUNT"}]}}
PERMISSION_CARD = {"type": "AskForPermissionsConsent",
                   "permissions": ["alexa::alerts:reminders:skill:readwrite"]}


def without_permission(talk):
    conversation, _ = remember_yesterday(
        lambda now: talk(now=now, api=LocalAlexaApi("America/New_York", reminders_allowed=False,
                                                    report=None)))
    return conversation


def test_without_the_permission_alexa_asks_for_it_by_voice(talk):
    conversation = without_permission(talk)
    responses = []
    conversation.handler = (lambda h: lambda event, ctx: responses.append(h(event, ctx))
                            or responses[-1])(conversation.handler)
    asked = conversation.say("yes")
    assert responses[-1]["response"]["directives"] == [ASK_FOR]
    assert "outputSpeech" not in responses[-1]["response"]
    assert "shouldEndSession" not in responses[-1]["response"]
    # the local driver plays Alexa's own question, as an Echo would
    assert spoken(asked).startswith("To set a reminder, needling aftercare needs your permission")
    granted = conversation.say("I approve")
    assert spoken(granted).startswith("Done. I'll remind you Saturday at three p.m.")
    assert len(conversation.api.reminders) == 1


def test_a_denied_permission_is_said_and_the_card_is_sent(talk):
    conversation = without_permission(talk)
    conversation.say("yes")
    denied = conversation.say("no")
    assert spoken(denied).startswith("Okay, no reminder.")
    assert denied["response"]["card"] == PERMISSION_CARD
    assert conversation.api.reminders == []


def test_the_permission_answer_arrives_as_a_connections_response(handler, session):
    """What Alexa sends back after asking: no dialog directive may answer it."""
    response = handler(session.envelope({
        "type": "Connections.Response", "name": "AskFor", "token": "reminder-permission",
        "status": {"code": "200", "message": "OK"},
        "payload": {"permissionScope": "alexa::alerts:reminders:skill:readwrite",
                    "status": "DENIED"}}), None)
    assert spoken(response).startswith("Okay, no reminder.")
    assert response["response"]["card"] == PERMISSION_CARD
    assert not any(d["type"].startswith("Dialog.") for d in response["response"].get("directives", []))


# ------------------------------------------------------------ the real API client against a stand-in

class FakeAlexa(BaseHTTPRequestHandler):
    """Answers as api.amazonalexa.com would, and records what it was sent."""

    seen: list = []
    zone_status = 200
    reminder_status = 201

    def log_message(self, *args):
        pass

    def _reply(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        type(self).seen.append(("GET", self.path, self.headers.get("Authorization"), None))
        if self.path.endswith("/settings/System.timeZone") and self.zone_status == 200:
            return self._reply(200, "America/New_York")
        return self._reply(self.zone_status, {"message": "unavailable"})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append(("POST", self.path, self.headers.get("Authorization"), body))
        if self.reminder_status == 201:
            return self._reply(201, {"alertToken": "token-1", "status": "ON", "version": "1"})
        return self._reply(self.reminder_status, {"code": "UNAUTHORIZED", "message": "no"})


def self_signed_for_loopback(folder):
    """A certificate for 127.0.0.1: the SDK's API client refuses plain HTTP."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = datetime.now(timezone.utc) - timedelta(days=1)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(start).not_valid_after(start + timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                           critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


@pytest.fixture
def fake_alexa(tmp_path, monkeypatch):
    import ssl

    class Handler(FakeAlexa):
        seen = []
    cert, key = self_signed_for_loopback(tmp_path)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(cert))  # trust the stand-in, and only it
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server.socket = tls.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, Handler
    server.shutdown()
    server.server_close()


def over_http(talk, server, now=EVENING):
    conversation = talk(now=now, api=LazyApiClient())
    conversation.session.api_endpoint = f"https://127.0.0.1:{server.server_port}"
    return conversation


def test_time_zone_and_reminder_through_the_real_api_client(talk, fake_alexa):
    server, seen = fake_alexa
    conversation = over_http(talk, server)
    conversation.say("can I use my heating pad")
    answer = conversation.say("my session was yesterday at three")
    assert spoken(answer).startswith("It's been about a day")
    conversation.say("yes")
    conversation.say("yes")
    method, path, auth, _ = seen.seen[0]
    assert (method, path) == ("GET", "/v2/devices/amzn1.ask.device.local/settings/System.timeZone")
    assert auth == "Bearer local-api-access-token"
    (post,) = [s for s in seen.seen if s[0] == "POST"]
    assert post[1] == "/v1/alerts/reminders"
    assert post[3] == {
        "requestTime": "2026-11-27T23:00:00",
        "trigger": {"type": "SCHEDULED_ABSOLUTE", "scheduledTime": "2026-11-28T15:00:00",
                    "timeZoneId": "America/New_York"},
        "alertInfo": {"spokenInfo": {"content": [{
            "locale": "en-US",
            "text": "Time to check in on how you feel. Ask needling aftercare if you have "
                    "questions."}]}},
        "pushNotification": {"status": "ENABLED"},
    }


def test_a_refused_reminder_sends_the_permission_card(talk, fake_alexa):
    server, seen = fake_alexa
    seen.reminder_status = 401
    conversation = over_http(talk, server)
    conversation.say("can I use my heating pad")
    conversation.say("my session was yesterday at three")
    conversation.say("yes")
    conversation.say("yes")  # Alexa asks for the permission by voice
    answer = conversation.say("yes")  # granted, yet the API still refuses: the card
    assert answer["response"]["card"]["type"] == "AskForPermissionsConsent"


def test_without_a_time_zone_the_skill_counts_in_utc_and_says_so(talk, fake_alexa):
    server, seen = fake_alexa
    seen.zone_status = 500
    conversation = over_http(talk, server)
    conversation.say("can I use my heating pad")
    answer = conversation.say("my session was yesterday at three")
    assert spoken(answer).startswith("Your time zone isn't set, so I'm using universal time.")
    # yesterday 15:00 UTC to 23:00 UTC today: 32 hours
    assert "It's been about a day" in spoken(answer)


def test_durations_need_no_time_zone(talk, fake_alexa):
    server, seen = fake_alexa
    seen.zone_status = 500
    conversation = over_http(talk, server)
    conversation.say("can I use ice")
    answer = conversation.say("two hours ago")
    assert "universal time" not in spoken(answer)
    assert not [s for s in seen.seen if s[0] == "GET"]


def _envelope_for(user_id):
    from ask_sdk_model import Context, RequestEnvelope
    from ask_sdk_model.interfaces.system import SystemState
    from ask_sdk_model.user import User

    return RequestEnvelope(context=Context(system=SystemState(user=User(user_id=user_id))))


def test_an_offered_topic_is_spoken_for_the_known_time(talk):
    conversation = talk(persist=False)
    conversation.say("open needling aftercare")
    conversation.say("should I use ice")
    conversation.say("two hours ago")
    conversation.say("no")  # no reminder
    conversation.say("what is dry needling")
    overview = conversation.say("yes")
    assert spoken(overview).startswith("It's been about two hours, so today: drink plenty")


# ------------------------------------------------------------ the same layer in Spanish

def told(conversation, **slots):
    """The session time as Alexa resolves a reply to the question ("ayer a las tres"): the
    local driver's bare replies are English, so the slots are sent as Alexa would fill them."""
    from skill.understanding.free_speech import slot_json
    from skill.understanding.resolver import SlotFill

    request = conversation.session.intent("SessionTimeIntent", {
        name: slot_json(name, SlotFill(value), f"AMAZON.{name.upper()}")
        for name, value in slots.items()})
    request["request"]["dialogState"] = "IN_PROGRESS"
    response = conversation.handler(request, None)
    conversation.session.absorb(response)
    return response


def test_in_spanish_the_answer_says_the_time_since_and_the_reminder_its_day(talk):
    conversation = talk(locale="es-US")
    asked = conversation.say("puedo usar mi almohadilla térmica")
    assert spoken(asked).endswith("Puedo ajustar el consejo a su caso. ¿Cuándo fue su sesión?")
    answer = told(conversation, date="2026-11-26", time="15:00")
    assert spoken(answer).startswith("Su sesión fue hace como un día: ya pasó el primer día. "
                                     "Ahora el calor")
    assert spoken(answer).endswith("¿Le guardo la hora de su sesión por tres días?")
    offer = conversation.say("sí")
    assert spoken(offer).endswith(
        "¿Quiere un recordatorio dos días después de su sesión para ver cómo se siente?")
    done = conversation.say("sí")
    assert spoken(done).startswith(
        "Listo. Le recordaré el sábado a las tres de la tarde que vea cómo se siente.")
    (payload,) = conversation.api.reminders
    assert payload["alertInfo"]["spokenInfo"]["content"][0]["locale"] == "es-US"
