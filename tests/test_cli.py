"""The command line gives one readable line and a non-zero exit on bad input."""

from tests.crawler.cli import run_tourscope


def test_unreachable_postgres_is_one_readable_line(tmp_path):
    url = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"
    for command in (["db", "upgrade"], ["crawl", "suncoast"], ["serve"]):
        result = run_tourscope(*command, env={"TOURSCOPE_DATABASE_URL": url})
        assert result.returncode == 1, command
        assert "cannot reach the database at postgresql+psycopg://postgres@127.0.0.1:1/nowhere" in (
            result.stderr
        )
        assert "Traceback" not in result.stderr


def test_unmigrated_database_tells_what_to_run(tmp_path):
    env = {"TOURSCOPE_DATABASE_URL": f"sqlite:///{tmp_path / 'empty.db'}"}
    result = run_tourscope("crawl", "suncoast", env=env)
    assert result.returncode == 1
    assert "run `tourscope db upgrade`" in result.stderr


def test_db_upgrade_creates_the_embedded_database(tmp_path):
    result = run_tourscope("db", "upgrade", env={"TOURSCOPE_VAR_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "tourscope.db").exists()
    assert "is up to date" in result.stdout


def test_crawl_without_operators_lists_the_known_ones():
    result = run_tourscope("crawl")
    assert result.returncode == 2
    assert "suncoast" in result.stderr and "--all" in result.stderr


def test_serve_refuses_a_worker_count_out_of_range():
    for workers in ("0", "65"):
        result = run_tourscope("serve", "--workers", workers)
        assert result.returncode == 2
        assert result.stderr.strip() == f"Error: --workers must be 1 to 64, not {workers}"


def test_a_bad_setting_is_one_readable_line():
    result = run_tourscope("serve", env={"TOURSCOPE_WEB_WORKERS": "100"})
    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Error: TOURSCOPE_WEB_WORKERS: Input should be less than or equal to 64"
    )
    result = run_tourscope(
        "serve", env={"TOURSCOPE_DB_POOL_SIZE": "2", "TOURSCOPE_WEB_DB_CONCURRENCY": "20"}
    )
    assert result.returncode == 1
    assert "TOURSCOPE_WEB_DB_CONCURRENCY (20) must not exceed the pool" in result.stderr
    assert "Traceback" not in result.stderr
