"""People: working hours, time zones and the directory of Slack users."""
