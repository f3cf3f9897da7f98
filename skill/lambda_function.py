"""AWS Lambda entry point: handler `skill.lambda_function.lambda_handler`.

Content is loaded and validated here, at cold start, so a bad content file
fails the deployment's first invocation loudly instead of one user's question.
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
    # Red-flag phrases serve only the local resolver, and `aftercare build-lambda` has
    # already checked them: don't compile them on every cold start.
    content=get_content(check_patterns=False),
    persistence_adapter=persistence_from_environment(),
    api_client=LazyApiClient(),
))
