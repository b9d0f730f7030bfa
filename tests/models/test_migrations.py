"""The Alembic migrations build exactly the schema the models describe."""

import os
from collections.abc import Iterator
from decimal import Decimal

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Numeric, create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from models import Base
from models.db import get_engine
from models.migrate import alembic_config, upgrade_database
from tests.conftest import POSTGRES_URL_VARIABLE


def downgrade_database(url: str, revision: str) -> None:
    config = alembic_config()
    with get_engine(url).begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)


def test_migrations_match_models(database_url):
    with get_engine(database_url).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_migrations_create_every_model_table(database_url):
    tables = set(inspect(get_engine(database_url)).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request, tmp_path) -> Iterator[str]:
    """An empty database of each backend, for migrating step by step (dropped after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'steps.db'}"
        return
    url = os.environ.get(POSTGRES_URL_VARIABLE)
    if not url:
        pytest.skip(f"PostgreSQL tests need {POSTGRES_URL_VARIABLE} (see README)")
    target = make_url(url)
    own = target.set(database=f"{target.database}_steps_{os.getpid()}")
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{own.database}"'))
        connection.execute(text(f'CREATE DATABASE "{own.database}"'))
    try:
        yield own.render_as_string(hide_password=False)
    finally:
        get_engine(own.render_as_string(hide_password=False)).dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{own.database}" WITH (FORCE)'))
        admin.dispose()


def test_0016_keeps_the_edited_templates_as_english_and_makes_clients_russian(
    empty_database_url,
):
    upgrade_database(empty_database_url, "0015")
    engine = get_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO letter_templates (key, subject, body, updated_at) "
                "VALUES ('2w', 'Edited', 'Dear {{ client.first_name }}', CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO clients (name, adults, do_not_call, created_at, updated_at) "
                "VALUES ('Olga', 2, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )

    upgrade_database(empty_database_url, "0016")

    with engine.begin() as connection:
        rows = connection.execute(text("SELECT key, language, subject FROM letter_templates"))
        assert rows.all() == [("2w", "en", "Edited")]
        assert connection.scalar(text("SELECT language FROM clients")) == "ru"
        # A Russian version of the same letter may now be stored beside the English one...
        connection.execute(
            text(
                "INSERT INTO letter_templates (key, language, subject, body, updated_at) "
                "VALUES ('2w', 'ru', 'Правка', 'Здравствуйте', CURRENT_TIMESTAMP)"
            )
        )
    # ...but not a second English one.
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO letter_templates (key, language, subject, body, updated_at) "
                "VALUES ('2w', 'en', 'Again', 'Again', CURRENT_TIMESTAMP)"
            )
        )

    # Back down: one template per key again, the English edit kept.
    downgrade_database(empty_database_url, "0015")
    with engine.begin() as connection:
        rows = connection.execute(text("SELECT key, subject FROM letter_templates"))
        assert rows.all() == [("2w", "Edited")]


def test_0017_adds_the_price_alerts_and_takes_them_away(empty_database_url):
    upgrade_database(empty_database_url, "0017")
    engine = get_engine(empty_database_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO price_alerts (email, search_query, currency, language, created_at,"
                " expires_on) VALUES ('ann@example.com', 'country=TR', 'EUR', 'ru',"
                " CURRENT_TIMESTAMP, CURRENT_DATE)"
            )
        )
    indexes = {index["name"] for index in inspect(engine).get_indexes("price_changes")}
    assert "ix_price_changes_changed_at" in indexes

    downgrade_database(empty_database_url, "0016")

    inspector = inspect(engine)
    assert "price_alerts" not in inspector.get_table_names()
    indexes = {index["name"] for index in inspector.get_indexes("price_changes")}
    assert "ix_price_changes_changed_at" not in indexes


def _add_user(connection, email: str, role: str) -> None:
    connection.execute(
        text(
            "INSERT INTO users (email, name, password_hash, role, active, failed_logins,"
            " morning_digest, created_at) VALUES (:email, 'X', 'hash', :role, true, 0, true,"
            " CURRENT_TIMESTAMP)"
        ),
        {"email": email, "role": role},
    )


def test_0020_keeps_the_accounts_and_takes_the_new_roles(empty_database_url):
    upgrade_database(empty_database_url, "0019")
    engine = get_engine(empty_database_url)
    with engine.begin() as connection:
        _add_user(connection, "mia@example.com", "manager")
        _add_user(connection, "adam@example.com", "admin")
    with pytest.raises(IntegrityError), engine.begin() as connection:
        _add_user(connection, "sam@example.com", "sales")

    upgrade_database(empty_database_url, "0020")
    with engine.begin() as connection:
        rows = connection.execute(text("SELECT email, role FROM users ORDER BY id"))
        assert rows.all() == [("mia@example.com", "manager"), ("adam@example.com", "admin")]
        _add_user(connection, "cara@example.com", "account_manager")  # 15 characters
        _add_user(connection, "cole@example.com", "cold_caller")
    with pytest.raises(IntegrityError), engine.begin() as connection:
        _add_user(connection, "boss@example.com", "boss")

    # Down again is refused while an account has a new role, and works once none has.
    with pytest.raises(RuntimeError, match="new roles"):
        downgrade_database(empty_database_url, "0019")
    with engine.begin() as connection:
        connection.execute(text("DELETE FROM users WHERE role NOT IN ('manager', 'admin')"))
    downgrade_database(empty_database_url, "0019")
    with engine.begin() as connection:
        assert connection.scalar(text("SELECT count(*) FROM users")) == 2
    with pytest.raises(IntegrityError), engine.begin() as connection:
        _add_user(connection, "sam@example.com", "sales")


def test_0023_drops_the_day_prices_minimum_and_restores_it_from_the_key(empty_database_url):
    upgrade_database(empty_database_url, "0022")
    engine = get_engine(empty_database_url)
    key = 123456 * 2**31 + 77  # 1,234.56 for offer 77
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO hotel_day_prices (hotel_id, country_id, resort_id, stars, adults,"
                " children, departure_date, min_price, cheapest_key, offer_count, operator_ids)"
                f" VALUES (1, 1, 1, 4, 2, 0, '2027-01-10', 1234.56, {key}, 3, '1,2')"
            )
        )

    upgrade_database(empty_database_url)
    columns = {column["name"] for column in inspect(engine).get_columns("hotel_day_prices")}
    assert "min_price" not in columns
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT cheapest_key, offer_count FROM hotel_day_prices"))
        assert kept.all() == [(key, 3)]

    downgrade_database(empty_database_url, "0022")
    with engine.connect() as connection:
        price = text("SELECT min_price FROM hotel_day_prices").columns(min_price=Numeric(12, 2))
        restored = connection.scalar(price)
    assert restored == Decimal("1234.56")
