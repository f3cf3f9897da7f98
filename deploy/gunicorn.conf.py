"""Gunicorn settings for the self-hosted Alexa endpoint.

Used by `aftercare serve` (which puts its --host/--port/--workers on top) and directly:

    gunicorn -c deploy/gunicorn.conf.py

Listen address and worker count come from AFTERCARE_HOST, AFTERCARE_PORT and
AFTERCARE_WORKERS; the app reads the other AFTERCARE_* variables itself. TLS is terminated
by a reverse proxy in front (Alexa needs a publicly trusted certificate on port 443).
"""
import gc
import logging
import os
import sys

from skill.web.settings import (ConfigurationError, WebServiceConfig, check_bind_policy,
                                gunicorn_bind)

try:
    _env = WebServiceConfig.from_env()
except ConfigurationError as error:
    sys.exit(f"Error: {error}")  # one line, not gunicorn's "failed to read config" traceback

wsgi_app = "skill.web.app:create_app()"
bind = [gunicorn_bind(_env.host, _env.port)]
workers = _env.workers
# Sync workers: once the chain is cached a request is pure CPU work (parse, RSA verify,
# answer), which threads would only queue on the GIL. A sync worker is held by a slow
# client for as long as it dawdles, so the TLS proxy in front must buffer requests
# (nginx does by default; Caddy needs `request_buffers`, see docs/self-hosting.md).
worker_class = "sync"
# Load the skill, content and trust roots once in the master: a bad setting stops the
# start with one message instead of a crash loop of workers.
preload_app = True
# Alexa gives up after 8 seconds; a worker stuck far beyond that is restarted.
timeout = 20
graceful_timeout = 10
# No control socket: nothing uses it, and two servers on one machine would share its path.
control_socket_disable = True
# No access log by default: it adds nothing Alexa's own logs lack.
accesslog = None
errorlog = "-"
loglevel = "info"


def _log_skill_to_stderr():
    # The skill's own lines (refused requests, latency per request, verification off)
    # beside gunicorn's. AFTERCARE_LOG_LEVEL is the variable Lambda uses for the same.
    logger = logging.getLogger("skill")
    try:
        logger.setLevel(os.environ.get("AFTERCARE_LOG_LEVEL", "INFO").strip().upper())
    except ValueError:
        sys.exit("Error: AFTERCARE_LOG_LEVEL must be DEBUG, INFO, WARNING or ERROR")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(
            "%(asctime)s [%(process)d] [%(levelname)s] %(name)s: %(message)s",
            "[%Y-%m-%d %H:%M:%S %z]"))
        logger.addHandler(handler)
        logger.propagate = False


_log_skill_to_stderr()


def when_ready(server):
    # After the app is preloaded and before workers fork: move everything loaded so far
    # out of the garbage collector's reach. Workers then neither rescan it on every full
    # collection nor copy its pages on write (the use gc.freeze() documents).
    gc.freeze()


def on_starting(server):
    # Runs before any socket is bound, with the final bind list (command line included).
    # A refusal is a RuntimeError, which gunicorn prints as one line before exiting.
    config = getattr(server.app, "webservice_config", None) or WebServiceConfig.from_env()
    check_bind_policy(list(server.cfg.bind), config.verify)
