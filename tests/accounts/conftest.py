from accounts.users import login, make_user  # noqa: F401  (fixtures)
