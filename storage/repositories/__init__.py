"""Repositories by capability: every query of the app lives here."""
