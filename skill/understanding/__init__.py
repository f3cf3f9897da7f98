"""Understanding what was said: the red-flag grammar, the free-speech resolver and typed slots.

`red_flags` is the one safety matcher (the resolver and routing both ask it); `resolver` maps a
sentence to an intent and slots; `free_speech` is the interceptor that turns a StatementIntent into
the intent the resolver found; `builtin_slots` reads dates, times and medicines the way Alexa's
built-in slot types would. All of it is on the Lambda path, loaded on the first free-speech request.
"""
