"""Shared by the deploy tests: the built Lambda bundle, unpacked, and a bare Python to run it."""
from __future__ import annotations

import sys
import zipfile
from pathlib import Path

import pytest

from skill.bundle import build_lambda_bundle

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def plain_python() -> str:
    """The interpreter behind this virtualenv: with -I -S it sees only the standard library."""
    return getattr(sys, "_base_executable", None) or sys.executable


@pytest.fixture(scope="session")
def lambda_bundle(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bundle") / "aftercare-lambda.zip"
    build_lambda_bundle(out, content_dir=REPO_ROOT / "content")
    return out


@pytest.fixture(scope="session")
def unpacked_bundle(lambda_bundle, tmp_path_factory) -> Path:
    """The bundle unpacked into an empty folder, as Lambda unpacks it into /var/task."""
    folder = tmp_path_factory.mktemp("task")
    assert not any(folder.iterdir())
    with zipfile.ZipFile(lambda_bundle) as zf:
        zf.extractall(folder)
    return folder
