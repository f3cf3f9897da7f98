"""Helpers shared by the persistence tests and the writer processes they start."""
from __future__ import annotations

from ask_sdk_model import Context, RequestEnvelope
from ask_sdk_model.interfaces.system import SystemState
from ask_sdk_model.user import User


def envelope(user_id: str | None) -> RequestEnvelope:
    return RequestEnvelope(context=Context(system=SystemState(user=User(user_id=user_id))))


class Clock:
    """A settable clock: expiry is tested by moving time, never by sleeping."""

    def __init__(self, now: float = 1_764_288_000.0):  # 2025-11-28T00:00:00Z
        self.now = now

    def __call__(self) -> float:
        return self.now

