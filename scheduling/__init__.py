"""Scheduling: the slot solver (pure, deterministic, no I/O), the calendar providers and the job runner."""
