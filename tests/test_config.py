"""Configuration from the environment, and production's refusal to run unsafely."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from config import Config, ProductionConfig, TestConfig, config_from_environment, database_url
from dbsetup import config_for, dispose_engines
from events_app import create_app

ROOT = Path(__file__).resolve().parent.parent


def run_python(code: str, **env) -> subprocess.CompletedProcess:
    """Run code in a fresh interpreter, so config.py reads this environment at import."""
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"SECRET_KEY", "DATABASE_URL", "APP_ENV"}}
    environment.update(env)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_an_empty_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_app_env_production_without_secret_key_does_not_start(tmp_path):
    result = run_python(
        "from events_app import create_app; create_app()",
        APP_ENV="production", DATABASE_URL=f"sqlite:///{tmp_path / 'x.db'}",
    )
    assert result.returncode != 0
    assert "RuntimeError" in result.stderr and "SECRET_KEY" in result.stderr


def test_production_starts_with_a_secret_key(test_database_url):
    config = type("Production", (ProductionConfig,), {
        "SECRET_KEY": "a-long-random-value-of-forty-characters-x", "SQLALCHEMY_DATABASE_URI": test_database_url})
    app = create_app(config)
    try:
        assert app.config["SECRET_KEY"] == "a-long-random-value-of-forty-characters-x"
        assert app.config["SESSION_COOKIE_SECURE"] is True
        assert not app.testing
    finally:
        dispose_engines(app)


def test_app_env_selects_the_configuration(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    assert config_from_environment() is ProductionConfig
    monkeypatch.setenv("APP_ENV", "Production")
    assert config_from_environment() is ProductionConfig
    monkeypatch.delenv("APP_ENV")
    assert config_from_environment() is Config


@pytest.mark.parametrize(
    "given, expected",
    [
        ("postgres://user:pw@db.example:5432/events", "postgresql+psycopg://user:pw@db.example:5432/events"),
        ("postgresql://user@localhost/events", "postgresql+psycopg://user@localhost/events"),
        ("postgresql+psycopg://user@localhost/events", "postgresql+psycopg://user@localhost/events"),
        ("sqlite:////srv/events.db", "sqlite:////srv/events.db"),
        ("", None),
        (None, None),
    ],
)
def test_database_url_is_normalised_to_psycopg(given, expected):
    assert database_url(given) == expected


def test_database_url_from_the_environment_uses_psycopg():
    result = run_python(
        "import config; print(config.Config.SQLALCHEMY_DATABASE_URI)",
        DATABASE_URL="postgres://events:secret@db.internal:5432/events",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "postgresql+psycopg://events:secret@db.internal:5432/events"


def test_a_postgres_url_gives_a_psycopg_engine():
    app = create_app(config_for(database_url("postgres://events@db.invalid/events")))
    try:
        with app.app_context():
            from events_app.extensions import db

            assert db.engine.url.drivername == "postgresql+psycopg"
            assert db.engine.dialect.driver == "psycopg"
    finally:
        dispose_engines(app)


def test_without_database_url_the_app_uses_the_instance_sqlite_file():
    config = type("Plain", (Config,), {"SQLALCHEMY_DATABASE_URI": None})
    app = create_app(config)
    try:
        uri = app.config["SQLALCHEMY_DATABASE_URI"]
        assert uri == f"sqlite:///{ROOT / 'instance' / 'events.db'}"
    finally:
        dispose_engines(app)


def test_test_config_is_safe():
    assert TestConfig.TESTING is True
    assert TestConfig.RATELIMIT_ENABLED is False
    assert TestConfig.SITE_URL == "http://events.test"


# --- no built-in secret key (issue 12, row 2) ---------------------------------


@pytest.mark.parametrize("key", ["dev-only-not-secret", "short-but-random-x7", " " * 40, "changeme"])
def test_production_refuses_a_weak_or_published_secret_key(monkeypatch, key):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", key)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_development_refuses_a_weak_secret_key_too(test_database_url):
    config = type("Weak", (Config,), {"SECRET_KEY": "dev-only-not-secret",
                                       "SQLALCHEMY_DATABASE_URI": test_database_url})
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(config)


def test_without_a_key_development_makes_its_own_random_one_once(tmp_path):
    from events_app import _instance_secret_key

    first = _instance_secret_key(tmp_path / "instance" / "secret_key")
    assert len(first) >= 32
    assert (tmp_path / "instance" / "secret_key").stat().st_mode & 0o077 == 0  # owner only
    assert _instance_secret_key(tmp_path / "instance" / "secret_key") == first
    assert _instance_secret_key(tmp_path / "elsewhere" / "secret_key") != first



def test_production_logs_never_show_sql_parameters(test_database_url):
    from sqlalchemy import text

    from events_app.extensions import db

    config = type("Production", (ProductionConfig,), {
        "SECRET_KEY": "a-long-random-value-of-forty-characters-x",
        "SQLALCHEMY_DATABASE_URI": test_database_url})
    app = create_app(config)
    try:
        with app.app_context():
            with pytest.raises(Exception) as failure:
                db.session.execute(text("SELECT no_such_column FROM sub_council WHERE name = :name"),
                                   {"name": "Amina Yusuf"})
            assert "Amina Yusuf" not in str(failure.value)
    finally:
        dispose_engines(app)
