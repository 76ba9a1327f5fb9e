from accounts.users import make_user  # noqa: F401  (fixtures)
from smtp import outbox_dir, smtp_server  # noqa: F401  (fixtures)
