"""Feedback: briefings, scorecards, the question bank and calibration."""
