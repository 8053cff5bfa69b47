"""Decisions: debriefs, decisions and pivots, and candidate feedback reports."""
