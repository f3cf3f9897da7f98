"""Shared by the deploy tests: the built Lambda bundle, unpacked, and a bare Python to run it."""
from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest

from skill.build.lambda_bundle import Target, build_lambda_bundle

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def target() -> Target:
    """What the bundle is built for: the runtime deploy/ask-resources.json deploys."""
    return Target.declared()


@pytest.fixture(scope="session")
def plain_python(target) -> str:
    """The Lambda runtime's Python, found on this machine (whatever Python runs the tests):
    with -I -S it sees only the standard library, as Lambda's sees only /var/task."""
    found = target.interpreter()
    if found is None:
        pytest.skip(f"no {target.runtime} on this machine to run the bundle with")
    # Past a virtualenv to the interpreter itself.
    return subprocess.run([found, "-I", "-S", "-c", "import sys; print(sys._base_executable)"],
                          capture_output=True, text=True, check=True).stdout.strip()


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
