"""Every safety rule of the skill, and where it is enforced.

This module holds no code: the rules live where the request passes, and this is their one
index. A rule added or moved is written down here too; a test checks that every file named
below exists. The rules themselves come from the article and DESIGN.md's "Safety rules".

1. Red flags are read before any topic. An utterance that names a red flag gets the urgent
   answer even when it also names a topic ("my chest hurts when I stretch" is an emergency).
   - Free speech: skill/understanding/resolver.py asks the red-flag grammar
     (skill/understanding/red_flags.py, read from content/en/red_flags.yaml (each locale's own beside it)) first,
     emergency before urgent, and only then matches intents.
   - Intents Alexa resolved: skill/builder.py registers SafetyHandler (skill/handlers/safety.py)
     before every handler that can answer; it and TopicHandler share one route
     (skill/routing.py), so both read a request the same way.
2. Red flags are recognised by meaning, not by a list of sentences: pictures ("like someone
   sitting on my chest"), the quality of breathing, when pain comes, fillers and times in the
   middle. skill/understanding/red_flags.py (the grammar) over content/en/red_flags.yaml (each locale's own beside it).
3. A symptom in the chest escalates: "my chest is sore" is an emergency, not a soreness
   question. skill/routing.py `route` (content's `escalation_for`, skill/content.py).
4. The grammar's reading is final for free speech: a sentence it judged calm (a needled chest
   muscle) is not escalated again by routing. skill/understanding/free_speech.py marks the
   request (skill/state.py READ_BY_GRAMMAR); skill/handlers/topics.py passes `escalate=False`.
5. Denials count, and in doubt the skill escalates: "no chest pain, just sore" is not an
   emergency, "no fever but I can't breathe" is. The grammar reads the denial
   (skill/understanding/red_flags.py); an answer to a sentence that denies an emergency flag
   ends with one short safety line, unless it already says the number: skill/responses.py
   `respond` (phrase `denied_emergency`, within one breath).
6. The emergency answer starts with the instruction and the number ("Call nine one one now
   ..."), then at most one sentence of why, and never implies Alexa can call. It is content
   (content/en/topics/emergency.yaml, with each locale's number), checked by tests/test_content.py, and its screen
   shows the number spoken (skill/responses.py, skill/screens.py).
7. Urgent and emergency answers ask nothing back: no "what else?", no "when was your
   session?", no offer. skill/handlers/topics.py (`urgent`: `follow_up=False`, no time
   question) for SafetyHandler; they never need the store or an Alexa API to be spoken.
8. Urgent but not emergency answers (infection signs, fever or chills, sharply worsening
   pain) say whom to contact and how soon, first: content, checked by tests/test_content.py.
9. A locale without content gets an honest answer, never another country's number:
   skill/handlers/safety.py UnsupportedLocaleHandler (phrase `unsupported_locale`).
10. The skill is never silent. Any error becomes the calm apology with the emergency line:
    skill/handlers/errors.py CatchAllExceptionHandler inside the SDK; skill/builder.py
    NeverSilentSkill around it (a fault in a handler, in the error handler itself, in the SDK's
    checks), which the Lambda handler and the web service (skill/web/app.py) both answer
    through; and `lambda_handler_for` around that (an envelope that cannot be parsed, a missing
    context or session). skill/request_limits.py caps what is parsed first.
11. Failures of what is optional never silence an answer: a store that cannot be read or
    written costs only the remembered part (skill/time_aware/memory.py), an Alexa API call
    gives up within two seconds and counts as "unknown" (skill/alexa_api.py).
12. A question outside the content gets an honest "I don't have guidance on that" and a
    pointer to the practitioner, naming the emergency number: the fallback phrases
    (skill/handlers/conversation.py, content/en/locale.yaml).
13. Nothing about a person's health care is stored unless a clinic that may store it turns
    memory on (skill/privacy.py; skill/stores/__init__.py opens no store otherwise).
"""
