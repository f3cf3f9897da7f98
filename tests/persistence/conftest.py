"""Fixtures for the persistence tests, and the figures they report at the end of the run."""
from __future__ import annotations

import pytest

from skill.stores.sqlite import SqlitePersistenceAdapter
from tests.persistence.support import Clock

# (test, figures) pairs, printed after the run so the numbers survive `-q`.
FIGURES: list[tuple[str, str]] = []


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def store_path(tmp_path):
    # A folder that does not exist yet: the adapter must create it.
    return tmp_path / "data" / "needling-aftercare" / "store.sqlite3"


@pytest.fixture
def sqlite_store(store_path, clock):
    adapter = SqlitePersistenceAdapter(store_path, clock=clock)
    yield adapter
    adapter.close()


@pytest.fixture
def report(request):
    def add(text: str) -> None:
        FIGURES.append((request.node.name, text))
    return add


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("persistence figures")
        for name, text in FIGURES:
            terminalreporter.write_line(f"{name}: {text}")
