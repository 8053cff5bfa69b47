"""Slack surfaces for briefings, scorecards and calibration."""
