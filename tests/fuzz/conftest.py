"""The fuzzers' figures, printed after the run so the numbers survive `-q`."""
from __future__ import annotations

FIGURES: list[str] = []


def pytest_terminal_summary(terminalreporter):
    if FIGURES:
        terminalreporter.section("fuzz figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
