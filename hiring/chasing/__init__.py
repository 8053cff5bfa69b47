"""Chasing: reminders for late feedback and the hiring channels' digests."""
