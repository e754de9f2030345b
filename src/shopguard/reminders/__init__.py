"""Reminders: stored in the database, claimed with a lease, sent once, acknowledged."""
