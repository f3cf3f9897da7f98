"""`aftercare`: the local way in. Ask one question or hold a conversation in the terminal.

Also: render every answer to audio, serve the skill over HTTPS, build the Lambda bundle.
A table of subcommands. Each names the module that does the work; that module's arguments are
added to the parser (those modules import only the standard library, so `aftercare --help`
stays instant) and its heavy imports happen when the command runs.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys

# name: (help, module under skill/, the function there adding the arguments, the function run:
#        in that module, or "module:function" elsewhere)
COMMANDS = {
    "ask": ("ask one question and print the answer",
            "local.terminal", "add_ask_arguments", "cmd_ask"),
    "chat": ("hold a conversation; reads lines from stdin when piped",
             "local.terminal", "add_chat_arguments", "cmd_chat"),
    "preview": ("speak every answer into WAVs with a report for clinical review (espeak-ng, sox)",
                "local.terminal", "add_preview_arguments", "local.preview:command"),
    "serve": ("run the skill as an HTTPS endpoint (Alexa web service) under gunicorn",
              "web.settings", "add_serve_arguments", "web.server:serve_command"),
    "build-lambda": ("write the AWS Lambda bundle zip and print its size",
                     "build.lambda_bundle", "add_build_lambda_arguments", "run_build_lambda"),
    "sync-models": ("copy interaction_model/ into deploy/skill-package",
                    "build.skill_package", "add_sync_models_arguments", "run_sync_models"),
}


def _module(name: str):
    return importlib.import_module(f"{__package__}.{name}")


def _runner(module: str, run: str):
    """The command's function, imported when the command runs."""
    def call(args) -> int:
        where, _, function = run.rpartition(":")
        return getattr(_module(where or module), function)(args)
    return call


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aftercare", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log requests to stderr")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (help_text, module, add_arguments, run) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text)
        getattr(_module(module), add_arguments)(command)
        command.set_defaults(func=_runner(module, run))
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        stream=sys.stderr, format="%(levelname)s %(name)s: %(message)s")
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
