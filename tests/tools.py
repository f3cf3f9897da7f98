"""Tools from outside Python that some tests need: installed by .ci/test-tools (the test
command runs it). Missing, they fail the test, naming the fix; only a machine without apt-get,
which cannot install them, skips."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

APL_DIR = Path(__file__).resolve().parent / "apl"


def need(tool: str, package: str) -> None:
    if shutil.which(tool):
        return
    if shutil.which("apt-get") is None:
        pytest.skip(f"{tool} is not installed and this machine has no apt-get to install "
                    f"the Debian package {package}")
    pytest.fail(f"{tool} is not installed: run .ci/test-tools (apt-get install -y {package}), "
                "as the README's test command does")


def validate_apl(items: list[dict]) -> dict[str, list[dict]]:
    """{name: apl-suggester's problems} for each {"name", "document", "datasources"}."""
    need("node", "nodejs")
    if not (APL_DIR / "node_modules" / "apl-suggester").is_dir():
        pytest.fail("apl-suggester is not installed: run `npm ci --prefix tests/apl` "
                    "(.ci/test-tools does, as the README's test command does)")
    done = subprocess.run(["node", str(APL_DIR / "validate.js")], input=json.dumps(items),
                          capture_output=True, text=True, check=True, timeout=120)
    return {item["name"]: item["problems"] for item in json.loads(done.stdout)}
