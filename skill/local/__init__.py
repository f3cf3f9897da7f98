"""The terminal's way in: `aftercare ask`, `aftercare chat` and `aftercare preview`.

`conversation` plays a conversation through the same SkillBuilder Lambda runs, with request
envelopes built by `envelopes`, typed text read by the skill's own resolver plus the typo
tolerance of `spelling` and the bare replies of `slot_replies`, and `alexa_api` standing in for
Alexa's settings and reminders APIs. `preview` (with `catalogue` and `voice`) renders every answer
to audio. Nothing on the Lambda path imports this package.
"""
