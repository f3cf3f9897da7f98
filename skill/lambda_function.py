"""AWS Lambda entry point: handler `skill.lambda_function.lambda_handler`.

The default locale's content is loaded here, at cold start, so a broken bundle fails the
deployment's first invocation loudly instead of one user's question; every file was checked
when the bundle was built, and each other locale is loaded when a request first needs it.
"""
import logging
import os

from .alexa_api import LazyApiClient
from .builder import build_skill_builder, lambda_handler_for
from .content import get_content
from .stores import persistence_from_environment

logging.getLogger().setLevel(os.environ.get("AFTERCARE_LOG_LEVEL", "INFO"))

# AFTERCARE_STORE picks the store (dynamodb on Lambda, set by the deploy template);
# the Alexa APIs (time zone, reminders) go through the SDK's client, loaded on first use.
lambda_handler = lambda_handler_for(build_skill_builder(
    skill_id=os.environ.get("AFTERCARE_SKILL_ID") or None,
    # `aftercare build-lambda` has already checked every file: the red-flag grammar is built
    # on first use, and each locale is loaded when a request first asks for it.
    content=get_content(check_patterns=False, on_demand=True),
    persistence_adapter=persistence_from_environment(),
    api_client=LazyApiClient(),
))
