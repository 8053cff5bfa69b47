"""Slack surfaces for availability, options, booking and busy time."""
