"""Slack surfaces for debriefs, decisions and feedback reports."""
