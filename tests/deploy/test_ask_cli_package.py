"""deploy/package.json: the ASK CLI the README's `npx ask` runs, pinned so it starts."""
from __future__ import annotations

import json
import re
from pathlib import Path

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
README = Path(__file__).resolve().parents[2] / "README.md"


def test_ask_cli_is_pinned_with_the_antlr4ts_override():
    package = json.loads((DEPLOY / "package.json").read_text(encoding="utf-8"))
    assert re.fullmatch(r"\d+\.\d+\.\d+", package["devDependencies"]["ask-cli"])  # exact
    # @alexa/acdl asks for antlr4ts ^0.5.0-alpha.4, which now resolves to a dev release whose
    # XPathLexer crashes `ask` at start ("Class extends value undefined").
    assert package["overrides"]["antlr4ts"] == "0.5.0-alpha.4"


def test_the_readme_runs_the_pinned_cli_not_a_global_one():
    blocks = re.findall(r"```sh\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    commands = "\n".join(blocks)
    assert "npm install -g" not in commands and "npx ask deploy" in commands
    assert not re.search(r"(?m)^(?:cd \S+ && )?ask ", commands)  # every ask goes through npx
