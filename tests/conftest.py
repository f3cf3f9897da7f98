"""Shared fixtures: the real skill, driven through the same handler Lambda runs."""
from __future__ import annotations

from pathlib import Path

import pytest

from skill.builder import build_skill_builder, lambda_handler_for
from skill.content import get_content
from skill.local.conversation import Conversation
from skill.local.envelopes import LocalSession

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
# What the tests need of the source article, kept here so a fresh clone needs nothing beside it.
ARTICLE_SECTIONS = FIXTURES / "article_sections.txt"
ARTICLE_RUNS = FIXTURES / "article_8_word_runs.txt"


def fixture_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")]


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


@pytest.fixture(scope="session")
def resolvers(handler, content, en, resolver):
    """Each language's own resolver, built once: Spanish text read by the Spanish model."""
    built = {en.language: resolver}

    def get(loaded):
        if loaded.language not in built:
            built[loaded.language] = Conversation(handler, loaded, locale=loaded.locale).resolver
        return built[loaded.language]
    return get


@pytest.fixture
def conversation(handler, content, en, resolvers):
    def make(locale="en-US"):
        # A locale in another language is understood in its own words; an English locale or
        # one without content (the unsupported-locale answer), by the default model.
        loaded = content.get(locale)
        if loaded is None or loaded.language == en.language:
            loaded = en
        return Conversation(handler, loaded, locale=locale, resolver=resolvers(loaded))
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
