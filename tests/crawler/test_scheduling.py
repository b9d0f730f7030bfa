"""Scheduling: each operator on its interval, one crawl per operator at a time."""

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from crawler.scheduler import due_operators
from models import CrawlRun
from models.crawls.locks import exclusive_lock
from tests.crawler.cli import run_tourscope

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def test_due_operators_follow_each_interval():
    intervals = {"a": HOUR, "b": 2 * HOUR, "c": HOUR, "d": HOUR}
    last = {"a": NOW - 90 * timedelta(minutes=1), "b": NOW - 90 * timedelta(minutes=1)}
    assert due_operators(intervals, last, running=set(), disabled=set(), now=NOW) == ["c", "d", "a"]
    assert due_operators(intervals, last, running={"c"}, disabled={"d"}, now=NOW) == ["a"]


def test_a_lock_is_held_by_one_holder_at_a_time(db_url):
    with exclusive_lock("crawl:suncoast", db_url) as first:
        assert first
        with exclusive_lock("crawl:suncoast", db_url) as second:
            assert not second
        with exclusive_lock("crawl:aerotour", db_url) as other:
            assert other
    with exclusive_lock("crawl:suncoast", db_url) as again:
        assert again


def test_a_second_crawl_of_a_running_operator_is_skipped(db_url, sandbox, tmp_path):
    env = {"TOURSCOPE_SANDBOX_URL": sandbox.url, "TOURSCOPE_VAR_DIR": str(tmp_path)}
    with exclusive_lock("crawl:suncoast", db_url):
        result = run_tourscope("crawl", "suncoast", env=env)
    assert result.returncode == 0, result.stderr
    assert "skipped" in result.stdout and "another crawl of it is running" in result.stdout


def test_scheduler_keeps_crawling_after_a_failed_crawl(db_url, sandbox, session, tmp_path):
    sandbox.configure("suncoast", fault="down")
    env = {
        **os.environ,
        "TOURSCOPE_SANDBOX_URL": sandbox.url,
        "TOURSCOPE_VAR_DIR": str(tmp_path),
        "TOURSCOPE_CRAWL_INTERVAL_MINUTES": "0.02",
    }
    command = [sys.executable, "-m", "tourscope.cli", "schedule", "suncoast", "--tick", "0.3"]
    scheduler = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        statuses = _wait_for_runs(session, lambda runs: "failed" in runs)
        sandbox.configure("suncoast")
        statuses = _wait_for_runs(session, lambda runs: "succeeded" in runs)
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=10)
    assert statuses[0] == "failed" and "succeeded" in statuses


def _wait_for_runs(session, condition, timeout: float = 90.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        session.expire_all()
        statuses = list(session.scalars(select(CrawlRun.status).order_by(CrawlRun.id)))
        if condition(statuses):
            return statuses
        time.sleep(0.5)
    raise AssertionError(f"scheduler did not get there in {timeout}s: {statuses}")
