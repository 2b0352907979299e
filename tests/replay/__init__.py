"""Replay of a recorded corpus of raw HTTP requests: the simulator must answer today as it answered then."""
