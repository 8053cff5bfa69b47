"""The Bolt app, settings, CLI and start-up."""
