"""Tooling that builds and ships the skill, never run by it: the AWS Lambda bundle
(`lambda_bundle`) and the ASK skill package's copy of the interaction model (`skill_package`).

`python -m skill.build build-lambda|sync-models` runs them without the full CLI (the ASK CLI's
build hook, deploy/hooks/build.sh, does). Nothing on the Lambda path imports this package.
"""
