"""Registrations: residents sign up without an account; the waitlist promotes itself."""
