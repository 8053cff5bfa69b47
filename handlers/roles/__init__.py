"""Slack surfaces for roles, candidates and status."""
