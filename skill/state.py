"""Every key the skill keeps in a session's or a request's attributes, in one place.

Session attributes travel with the conversation (Alexa echoes them back on the next request);
request attributes last one request. Keeping every key here shows at a glance what a
conversation carries, and that no two modules use one name for two things. What the store
keeps for a user is in skill/stores/records.py (its TTL attribute) and the session-time keys
below, which skill/time_aware/memory.py also writes to the store.
"""
from __future__ import annotations

# --- Session attributes ---------------------------------------------------------------------

# skill/responses.py: what was said last and what it left open
MODE = "mode"  # CONVERSATION once the skill was opened: answers then ask "anything else?"
CONVERSATION = "conversation"  # the one value of MODE
LAST = "last"  # the last response, for "repeat that"
OFFER = "offer"  # the one yes/no question pending: {"kind": MORE | REMEMBER | REMINDER, ...}
MORE, REMEMBER, REMINDER = "more", "remember", "reminder"  # the kinds of OFFER
MORE_OF = "more_of"  # the last answer that has more, for "tell me more": {"topic", "variant"}
ELICIT = "eliciting"  # the session time asked for by Dialog.ElicitSlot: {"topic", "variant", ...}

# skill/handlers/conversation.py
MISSES = "misses"  # fallbacks in a row: the second one is worded differently

# skill/time_aware/answers.py
ASKED_WHEN = "asked_when"  # "when was your session?" was asked this conversation
OFFERS_DUE = "offers_due"  # the session time was told: its offers may follow
OFFERS_MADE = "offers_made"  # offers already asked this conversation, never asked twice
REMINDER_SET = "reminder_set"  # the local wall-clock words of a reminder set in this session

# skill/time_aware/clock.py
ZONE_ATTR = "time_zone"  # cached per session: one settings call per conversation

# skill/time_aware/memory.py (SESSION_AT and DATE_ONLY are also what the store keeps)
SESSION_AT = "session_at"  # when the treatment was, UTC ISO 8601
DATE_ONLY = "session_date_only"  # the person gave a day without a time
FROM_STORE_CHECKED = "store_checked"  # the store was read once this conversation
REMEMBERED = "remembered"  # this conversation's session time is (now) kept in the store

# --- Request attributes ---------------------------------------------------------------------

STARTED = "_started"  # skill/interceptors.py: perf_counter at the start, for the latency log
ROUTE = "_route"  # skill/handlers/topics.py: the route found once, shared by every can_handle
# skill/understanding/free_speech.py: topics of the red flags the sentence denied; present once
# the red-flag grammar has judged the request's words, so routing does not judge them again
DENIED = "denied_flags"
READ_BY_GRAMMAR = DENIED
