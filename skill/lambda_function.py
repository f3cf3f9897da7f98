"""AWS Lambda entry point: handler `skill.lambda_function.lambda_handler`.

Content is loaded and validated here, at cold start, so a bad content file
fails the deployment's first invocation loudly instead of one user's question.
"""
import logging
import os

from .builder import build_skill_builder

logging.getLogger().setLevel(os.environ.get("AFTERCARE_LOG_LEVEL", "INFO"))

lambda_handler = build_skill_builder(skill_id=os.environ.get("AFTERCARE_SKILL_ID") or None).lambda_handler()
