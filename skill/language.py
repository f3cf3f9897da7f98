"""Which language a locale speaks: how its words are cut into tokens, stemmed and said.

Its own module so the Lambda path can ask without importing the red-flag grammar, which is
built on the first sentence that needs it."""
from __future__ import annotations

ENGLISH = "en"


def language_of(locale: str | None) -> str:
    """"es-US" -> "es"."""
    return (locale or ENGLISH).split("-")[0].lower()
