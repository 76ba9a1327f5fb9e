"""Reminders: every confirmed registrant is reminded once per slot, at the right local time."""
