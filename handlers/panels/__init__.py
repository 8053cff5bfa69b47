"""Slack surfaces for panels and interviewer pools."""
