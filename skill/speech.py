"""Turning content text into what Alexa speaks: SSML assembly, plain-text rendering, timing.

Content is written as plain text. Escaping happens here, once, because
`ResponseFactory.speak()` escapes nothing and Alexa rejects invalid SSML.
"""
from __future__ import annotations

import re

WORDS_PER_MINUTE = 175

_TAG = re.compile(r"<[^>]+>")
# Latin-1's letters are letters too: "punción" is one word, not "punci" and "n".
_WORD = re.compile(r"[A-Za-z0-9'\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff]+")


# xml.sax.saxutils.escape does the same but imports urllib, http and ssl on the
# Lambda cold-start path.
_XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def to_ssml(text: str) -> str:
    """Plain content text -> a complete, valid SSML document."""
    # What text.translate(_XML_ESCAPES) gives, a dozen times faster: "&" first, so the
    # other two escapes' "&" stay as they are.
    return f"<speak>{text.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}</speak>"


def to_plain(ssml: str) -> str:
    """SSML -> the words a listener hears, for the terminal and for tests."""
    import html  # only the local ways in read SSML back

    return html.unescape(_TAG.sub("", ssml)).strip()


def word_count(text: str) -> int:
    return len(_WORD.findall(text))


def spoken_seconds(text: str) -> float:
    """Seconds to speak `text` at a conversational pace."""
    return word_count(text) * 60.0 / WORDS_PER_MINUTE


def join(*parts: str | None) -> str:
    """Join sentences with single spaces, skipping empty parts."""
    return " ".join(p.strip() for p in parts if p and p.strip())
