"""Calendars: the iCalendar builder, feeds and files."""
