"""Roles and candidates, and where a candidate stands."""
