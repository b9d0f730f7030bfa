"""The long-running commands stop cleanly on SIGTERM (docker stop, systemd): the item in
hand is finished, the command says so and exits 0 (issue 14, item 15)."""

import os
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import select

from models import CrawlRun


def start(*args: str, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tourscope.cli", *args],
        env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for_line(process: subprocess.Popen, text: str, timeout: float = 60) -> list[str]:
    lines, deadline = [], time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line and process.poll() is not None:
            break
        lines.append(line)
        if text in line:
            return lines
    raise AssertionError(f"no {text!r} from the command: {''.join(lines)}")


def stop(process: subprocess.Popen, timeout: float = 60) -> tuple[int, str]:
    process.send_signal(signal.SIGTERM)
    output, _ = process.communicate(timeout=timeout)
    return process.returncode, output


@pytest.mark.parametrize(
    ("command", "ready"),
    [
        (["outbox", "--interval", "30"], "Sending mail via"),
        (["rechecks", "--interval", "30"], "Re-checking leads' offers"),
        (["care", "--interval", "3600"], "feedback invitations queued"),
    ],
)
def test_a_worker_stops_on_sigterm_between_rounds(db_url, tmp_path, command, ready):
    process = start(*command, env={"TOURSCOPE_VAR_DIR": str(tmp_path)})
    try:
        wait_for_line(process, ready)
        started = time.monotonic()
        code, output = stop(process)
    finally:
        process.kill()
    assert code == 0, output
    assert "stopped" in output and "Traceback" not in output
    assert time.monotonic() - started < 15  # not the 30 s or hour of its interval


def test_the_scheduler_finishes_its_crawl_before_it_stops(db_url, sandbox, session, tmp_path):
    env = {
        "TOURSCOPE_SANDBOX_URL": sandbox.url,
        "TOURSCOPE_VAR_DIR": str(tmp_path),
        "TOURSCOPE_CRAWL_INTERVAL_MINUTES": "600",
    }
    process = start("schedule", "suncoast", "--tick", "0.3", env=env)
    try:
        wait_for_line(process, "crawling suncoast")
        code, output = stop(process, timeout=120)  # asked to stop while the crawl runs
    finally:
        process.kill()
    assert code == 0, output
    assert "stopped; the crawls under way have finished" in output
    [run] = session.scalars(select(CrawlRun)).all()
    assert run.status == "succeeded" and run.finished_at is not None
