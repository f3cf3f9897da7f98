"""Time-aware answers: how long ago the treatment was, what to do now, and a reminder for later.

`session_time` reads "this morning" or "two days ago" into an elapsed time; `clock` finds the
device's time zone and the time now; `memory` keeps when the treatment was (only when a clinic
turns memory on); `reminders` sets the neutral follow-up reminder; `answers` composes them into the
spoken answer. A store or Alexa API that fails leaves the answer spoken without the stored part.
"""
