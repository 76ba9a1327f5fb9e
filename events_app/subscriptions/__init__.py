"""E-mail digests: the weekly digest residents subscribe to, and the chairs' digest."""
