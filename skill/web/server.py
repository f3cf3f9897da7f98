"""`aftercare serve`: gunicorn running the web service with its settings.

Standard library only at import, like skill/web/settings.py: gunicorn loads when the server
starts, and Flask and the SDK when gunicorn loads the app (skill/web/app.py).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from .settings import (ConfigurationError, WebServiceConfig, check_bind_policy,
                       config_from_args, gunicorn_bind)

# skill/web/server.py -> the checkout's deploy/gunicorn.conf.py
DEFAULT_GUNICORN_CONFIG = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


def serve_command(args) -> int:
    try:
        config = config_from_args(args)
        config.check()
        check_bind_policy([gunicorn_bind(config.host, config.port)], config.verify)
    except ConfigurationError as error:
        print(f"aftercare serve: {error}", file=sys.stderr)
        return 2
    config_path = Path(args.gunicorn_config or os.environ.get("AFTERCARE_GUNICORN_CONFIG")
                       or DEFAULT_GUNICORN_CONFIG)
    if not config_path.is_file():
        print(f"aftercare serve: gunicorn config {config_path} not found; "
              "pass --gunicorn-config", file=sys.stderr)
        return 2
    _gunicorn_server(config, config_path).run()
    return 0


def _gunicorn_server(config: WebServiceConfig, config_path: Path):
    from gunicorn.app.base import Application  # only `serve` needs gunicorn

    class GunicornServer(Application):
        """gunicorn with deploy/gunicorn.conf.py, then the command line on top."""

        def __init__(self, config: WebServiceConfig, config_path: Path):
            self.webservice_config, self.config_path = config, config_path
            super().__init__(prog="aftercare serve")

        def load_config(self):
            self.load_config_from_file(str(self.config_path))
            self.cfg.set("bind", [gunicorn_bind(self.webservice_config.host,
                                                self.webservice_config.port)])
            self.cfg.set("workers", self.webservice_config.workers)

        def load(self):
            from .app import create_app  # in the master, before the workers fork
            return create_app(self.webservice_config)

    return GunicornServer(config, config_path)
