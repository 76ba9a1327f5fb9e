from smtp import outbox_dir, smtp_server  # noqa: F401  (fixtures)
