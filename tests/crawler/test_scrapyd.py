"""Scale-out on Scrapyd: real Scrapyd nodes on loopback run the deployed project's crawls.

Each test starts two nodes (`scrapyd`, each with its own configuration, eggs and logs),
deploys the project to both with scrapyd-client's `scrapyd-deploy`, and crawls the demo
operators through Scrapyd's JSON API into the test database.
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from crawler.runner import available_operators
from crawler.scrapyd import ScrapydError, ScrapydNode
from models import CrawlRun, CrawlStatus, Offer, Operator
from tests.crawler.cli import run_tourscope
from tests.ports import free_port
from tourscope.foundation.settings import CONFIG_DIR, PROJECT_ROOT

VENV_BIN = Path(sys.executable).parent


def _start_node(directory: Path, env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    directory.mkdir()
    port = free_port()
    (directory / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {directory / 'eggs'}\n"
        f"logs_dir = {directory / 'logs'}\n"
        f"dbs_dir = {directory / 'dbs'}\n"
        "items_dir =\n"
        "max_proc = 2\n"
        "poll_interval = 0.2\n"
    )
    node = subprocess.Popen(
        [str(VENV_BIN / "scrapyd")],
        cwd=directory,
        env=env,
        stdout=(directory / "scrapyd.out").open("w"),
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/daemonstatus.json", timeout=1).json()["status"] == "ok":
                return node, url
        except (httpx.HTTPError, ValueError):
            time.sleep(0.2)
    node.kill()
    raise AssertionError(f"scrapyd did not start: {(directory / 'scrapyd.out').read_text()}")


@pytest.fixture
def scrapyd_nodes(db_url, sandbox, tmp_path):
    """Two Scrapyd nodes crawling into the test database, the project deployed to both."""
    env = {
        **os.environ,
        "TOURSCOPE_DATABASE_URL": db_url,
        "TOURSCOPE_SANDBOX_URL": sandbox.url,
        "TOURSCOPE_VAR_DIR": str(tmp_path / "var"),
        # The egg carries the code; a node is given the accounts at protocol operators.
        "TOURSCOPE_ACCOUNTS_FILE": str(CONFIG_DIR / "operator_accounts.yaml"),
    }
    started = [_start_node(tmp_path / f"node{number}", env) for number in (1, 2)]
    try:
        targets = "".join(
            f"[deploy:node{number}]\nurl = {url}/\n" for number, (_, url) in enumerate(started, 1)
        )
        (tmp_path / "scrapy.cfg").write_text(targets)
        deployed = subprocess.run(
            [str(VENV_BIN / "scrapyd-deploy"), "-a", "--version", "r1"],
            cwd=PROJECT_ROOT,
            env={**env, "XDG_CONFIG_HOME": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert deployed.returncode == 0, deployed.stderr
        yield [url for _, url in started]
    finally:
        for node, _ in started:
            node.terminate()
            node.wait(timeout=20)


# A node answers in milliseconds, but it is a Twisted process starting crawl processes,
# and on a busy CI machine an answer can take longer than httpx's default 5 s.
NODE_TIMEOUT = 60


def _jobs(url: str) -> dict[str, list[dict]]:
    return httpx.get(
        f"{url}/listjobs.json", params={"project": "tourscope"}, timeout=NODE_TIMEOUT
    ).json()


def _wait_until_finished(urls: list[str], count: int, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        jobs = [_jobs(url) for url in urls]
        if sum(len(node["finished"]) for node in jobs) >= count and not any(
            node["pending"] or node["running"] for node in jobs
        ):
            return
        time.sleep(0.5)
    raise AssertionError(f"Scrapyd jobs did not finish in {timeout} s: {jobs}")


def _job_log(node_directory: Path, spider: str) -> str:
    return "\n".join(
        path.read_text() for path in (node_directory / "logs").glob(f"tourscope/{spider}/*.log")
    )


def test_a_crawl_scheduled_on_two_nodes_at_once_lands_once(
    scrapyd_nodes, sandbox, session, tmp_path
):
    """Scrapyd's schedule.json on both nodes at the same moment: the operator's lock in
    the shared database lets one crawl through; the other ends at once, saying why."""
    # The deployed egg carries every operator, the YAML-declared ones included.
    listed = httpx.get(
        f"{scrapyd_nodes[0]}/listspiders.json",
        params={"project": "tourscope"},
        timeout=NODE_TIMEOUT,
    ).json()
    assert sorted(listed["spiders"]) == available_operators()
    # A slow operator (seconds a page), so that the two crawls surely overlap.
    sandbox.configure("suncoast", fault="slow")
    for url in scrapyd_nodes:
        answer = httpx.post(
            f"{url}/schedule.json",
            data={"project": "tourscope", "spider": "suncoast"},
            timeout=NODE_TIMEOUT,
        ).json()
        assert answer["status"] == "ok", answer
    _wait_until_finished(scrapyd_nodes, 2)

    runs = session.scalars(select(CrawlRun)).all()
    assert [run.status for run in runs] == [CrawlStatus.SUCCEEDED]
    suncoast = session.scalar(select(Operator).where(Operator.code == "suncoast"))
    offers = session.scalar(
        select(func.count()).where(Offer.operator_id == suncoast.id, Offer.is_active)
    )
    assert offers == runs[0].items_stored > 0
    logs = [_job_log(tmp_path / f"node{number}", "suncoast") for number in (1, 2)]
    assert sum("Not crawling suncoast: another crawl of it is running" in log for log in logs) == 1


def test_the_scheduler_spreads_crawls_over_scrapyd_nodes(scrapyd_nodes, sandbox, session, tmp_path):
    """`tourscope schedule` with TOURSCOPE_SCRAPYD_NODES: each due operator is crawled on
    the least busy node, and every crawl's offers land in the catalogue."""
    env = {
        **os.environ,
        "TOURSCOPE_SCRAPYD_NODES": ",".join(scrapyd_nodes),
        "TOURSCOPE_SANDBOX_URL": sandbox.url,
        "TOURSCOPE_VAR_DIR": str(tmp_path / "var"),
        "TOURSCOPE_CRAWL_INTERVAL_MINUTES": "600",
    }
    command = [sys.executable, "-m", "tourscope.cli", "schedule", "suncoast", "aerotour"]
    scheduler = subprocess.Popen(
        [*command, "--tick", "0.3"], env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        _wait_until_finished(scrapyd_nodes, 2)
    finally:
        scheduler.terminate()
        output, _ = scheduler.communicate(timeout=20)
    assert "crawls start on Scrapyd" in output

    finished = [{job["spider"] for job in _jobs(url)["finished"]} for url in scrapyd_nodes]
    assert finished in ([{"suncoast"}, {"aerotour"}], [{"aerotour"}, {"suncoast"}])
    statuses = {
        code: status
        for code, status in session.execute(
            select(Operator.code, CrawlRun.status).join(CrawlRun.operator)
        )
    }
    assert statuses == {"suncoast": CrawlStatus.SUCCEEDED, "aerotour": CrawlStatus.SUCCEEDED}
    assert session.scalar(select(func.count()).where(Offer.is_active)) > 0


def test_a_node_that_is_down_is_named_in_one_line(tmp_path):
    node = ScrapydNode(f"http://127.0.0.1:{free_port()}", "tourscope", timeout=2)
    with pytest.raises(ScrapydError, match=r"^Scrapyd node http://127\.0\.0\.1:\d+: "):
        node.crawls_in_flight()


def test_bad_scrapyd_node_urls_are_refused_in_one_line(tmp_path):
    result = run_tourscope(
        "schedule",
        env={"TOURSCOPE_SCRAPYD_NODES": "crawl1:6800", "TOURSCOPE_VAR_DIR": str(tmp_path)},
    )
    assert result.returncode != 0
    assert "Scrapyd nodes must be http(s):// URLs" in result.stderr
    assert "Traceback" not in result.stderr
