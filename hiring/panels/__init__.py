"""Panels: who interviews a candidate, interviewer pools and fair rotation."""
