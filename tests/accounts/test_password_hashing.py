"""Passwords are stored as scrypt hashes. The suite hashes cheaply to save
time, and no setting can make a real installation do the same."""
from config import ProductionConfig
from dbsetup import config_for
from events_app import create_app
from events_app.accounts.models import User, password_hash_method


def _hash_of(app, password="a good long password") -> str:
    with app.app_context():
        user = User(email="someone@example.org", name="Someone", role="chair")
        user.set_password(password)
        assert user.check_password(password)
        assert not user.check_password(password + "!")
        return user.password_hash


def test_a_real_installation_hashes_with_scrypt_whatever_the_setting(test_database_url):
    config = type("Production", (ProductionConfig,), {
        "SECRET_KEY": "a-long-random-value-of-forty-characters-x",
        "SQLALCHEMY_DATABASE_URI": test_database_url,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",  # ignored outside the tests
    })
    assert _hash_of(create_app(config)).startswith("scrypt:")


def test_the_suite_hashes_cheaply_and_still_checks(test_database_url):
    app = create_app(config_for(test_database_url))
    assert _hash_of(app).startswith("pbkdf2:sha256:1$")


def test_outside_an_app_the_hash_is_scrypt():
    assert password_hash_method() == "scrypt"
