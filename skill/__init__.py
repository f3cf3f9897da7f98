"""Needling aftercare: an Alexa skill that speaks aftercare guidance after dry needling."""
