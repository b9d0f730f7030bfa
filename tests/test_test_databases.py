"""Two test runs on one PostgreSQL server keep to their own databases, and leave none.

The per-worker databases had fixed names (`tourscope_test_gw0`): a second run truncated
and re-migrated the first one's tables under it.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from models import Country
from models.db import get_engine
from tests.conftest import POSTGRES_URL_VARIABLE, RUN_ID

ROOT = Path(__file__).resolve().parents[1]

NESTED_TEST = """
import os
from pathlib import Path

from models import Country


def test_another_run(session):
    Path(os.environ["NESTED_DATABASE_FILE"]).write_text(str(session.bind.url.database))
    session.add(Country(code="ZZ", name="Nested"))
    session.commit()
"""


def test_a_second_run_leaves_this_runs_database_alone(database_url, session, tmp_path):
    if make_url(database_url).get_backend_name() != "postgresql":
        pytest.skip("the per-run databases are PostgreSQL's")
    base = make_url(os.environ[POSTGRES_URL_VARIABLE]).database
    ours = make_url(database_url).database
    assert ours.startswith(f"{base}_run_{RUN_ID}_")
    session.add(Country(code="TR", name="Turkey"))
    session.commit()

    (tmp_path / "test_nested.py").write_text(NESTED_TEST)
    seen = tmp_path / "database.txt"
    environment = {**os.environ, "NESTED_DATABASE_FILE": str(seen)}
    for name in ("PYTEST_XDIST_WORKER", "PYTEST_XDIST_TESTRUNUID", "PYTEST_CURRENT_TEST"):
        environment.pop(name, None)
    nested = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "tests.conftest",
            "-p",
            "no:xdist",
            "-q",
            "-p",
            "no:cacheprovider",
            str(tmp_path / "test_nested.py"),
            "-k",
            "postgresql",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert nested.returncode == 0, nested.stdout + nested.stderr

    theirs = seen.read_text()
    assert theirs != ours and theirs.startswith(f"{base}_run_")
    session.expire_all()
    assert [country.code for country in session.query(Country)] == ["TR"]  # untouched
    admin = get_engine(make_url(database_url).set(database="postgres").render_as_string(False))
    with admin.connect() as connection:
        left = connection.scalar(
            text("SELECT count(*) FROM pg_database WHERE datname = :name"), {"name": theirs}
        )
    assert left == 0  # the other run dropped its database at its end
