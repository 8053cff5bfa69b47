"""Slack surfaces for people's working hours."""
