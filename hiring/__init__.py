"""Domain services: roles, plans, panels, scorecards, chasing, decisions, digests. No Slack, no Google."""
