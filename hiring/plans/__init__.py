"""Interview plans: the plan format, built-in plans and custom ones."""
