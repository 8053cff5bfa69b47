"""Slack surfaces for erasure and the audit trail."""
