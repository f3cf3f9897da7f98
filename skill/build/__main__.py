"""`python -m skill.build build-lambda|sync-models`: the build commands without the full CLI
(deploy/hooks/build.sh runs this)."""
from __future__ import annotations

import argparse
import sys
from typing import Sequence

from .lambda_bundle import add_build_lambda_arguments, run_build_lambda
from .skill_package import add_sync_models_arguments, run_sync_models


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m skill.build ...`: the same commands without the full CLI."""
    parser = argparse.ArgumentParser(prog="python -m skill.build")
    commands = parser.add_subparsers(dest="command", required=True)
    add_build_lambda_arguments(commands.add_parser("build-lambda", help="write the AWS Lambda zip"))
    add_sync_models_arguments(commands.add_parser("sync-models", help="copy interaction_model/ "
                                                  "into the ASK skill package"))
    args = parser.parse_args(argv)
    return run_build_lambda(args) if args.command == "build-lambda" else run_sync_models(args)


if __name__ == "__main__":
    sys.exit(main())
