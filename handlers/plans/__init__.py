"""Slack surfaces for plans."""
