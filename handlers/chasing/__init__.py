"""Slack surfaces for reminders and digests."""
