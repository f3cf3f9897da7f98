"""Shared fixtures: the real skill, driven through the same handler Lambda runs."""
from __future__ import annotations

from pathlib import Path

import pytest

from skill.builder import build_skill_builder, lambda_handler_for
from skill.content import get_content
from skill.conversation_driver import Conversation
from skill.envelopes import LocalSession

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
ARTICLE = SHARED / "seed" / "what-to-do-after-dry-needling.txt"


@pytest.fixture(scope="session")
def content():
    return get_content()


@pytest.fixture(scope="session")
def en(content):
    return content["en-US"]


@pytest.fixture(scope="session")
def handler(content):
    return lambda_handler_for(build_skill_builder(content=content))


@pytest.fixture(scope="session")
def resolver(handler, en):
    return Conversation(handler, en).resolver


@pytest.fixture
def conversation(handler, en, resolver):
    def make(locale="en-US"):
        return Conversation(handler, en, locale=locale, resolver=resolver)
    return make


@pytest.fixture
def session():
    return LocalSession()


def pytest_terminal_summary(terminalreporter):
    """Recognition figures survive `-q`: the closing notes quote them."""
    from . import test_heldout_routing, test_preview, test_screens

    for title, module in (("recognition figures", test_heldout_routing),
                          ("screen figures", test_screens), ("audio preview figures", test_preview)):
        if module.FIGURES:
            terminalreporter.section(title)
            for line in module.FIGURES:
                terminalreporter.write_line(line)
