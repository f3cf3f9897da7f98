"""`pip install .` (or `pip install --user .`) gives a skill that finds its own content and
model: they ship inside the package and are read with importlib.resources."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]

PROBE = r"""
import json, sys
sys.path.insert(0, sys.argv[1])  # the installed copy first, before the checkout's editable one
from skill.content import data_dir, load_content
from skill.understanding.resolver import model_path
content = load_content()
print(json.dumps({"skill": __import__("skill").__file__, "content": str(data_dir("content")),
                  "model": str(model_path("en-US")), "topics": len(content["en-US"].topics)}))
"""


def test_a_non_editable_install_reads_its_own_content_and_model(tmp_path):
    wheels, target, elsewhere = tmp_path / "wheels", tmp_path / "site", tmp_path / "cwd"
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(REPO_ROOT)], check=True,
                   capture_output=True)
    (wheel,) = wheels.glob("*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(target), str(wheel)], check=True,
                   capture_output=True)
    done = subprocess.run([sys.executable, "-c", PROBE, str(target)], cwd=elsewhere,
                          capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["skill"].startswith(str(target))
    assert found["content"] == str(target / "skill" / "data" / "content")
    assert found["model"] == str(target / "skill" / "data" / "interaction_model" / "en-US.json")
    assert found["topics"] == len(list((REPO_ROOT / "content" / "en" / "topics").glob("*.yaml")))
