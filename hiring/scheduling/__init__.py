"""Scheduling: candidate availability, options, booking, moves, declines and busy time."""
