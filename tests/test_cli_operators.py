"""`tourscope operators` and `tourscope crawl NAME --plan`: what is configured, what a crawl
would ask, and whether an endpoint answers, in readable lines."""

import yaml

from tests.crawler.cli import run_tourscope


def _accounts(tmp_path, **accounts) -> dict[str, str]:
    path = tmp_path / "accounts.yaml"
    path.write_text(yaml.safe_dump({"accounts": accounts}, allow_unicode=True), encoding="utf-8")
    return {"TOURSCOPE_ACCOUNTS_FILE": str(path), "TOURSCOPE_VAR_DIR": str(tmp_path)}


REAL_TEZ = {
    "name": "TEZ TOUR (agency)",
    "protocol": "teztour",
    # Nothing listens on port 1: "the real endpoint" cannot be reached from here either.
    "endpoint": "http://127.0.0.1:1",
    "sweep": {"departures": ["MOW", "KUF"], "countries": ["TR"], "days_ahead": [3, 33]},
}


def test_operators_lists_every_format_and_protocol_and_what_could_not_load(tmp_path):
    env = _accounts(
        tmp_path,
        agency_tez=REAL_TEZ,
        broken={**REAL_TEZ, "protocol": "sletat"},
    )
    result = run_tourscope("operators", env=env)
    assert result.returncode == 0, result.stderr
    rows = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if "│" in line}
    assert "paged HTML" in rows["suncoast"] and "JSON search gate" in rows["aerotour"]
    assert "tourvisor" in rows["tourvisor_demo"] and "sandbox:/tourvisor" in rows["tourvisor_demo"]
    assert "mastertour" in rows["mastertour_demo"] and "teztour" in rows["teztour_demo"]
    assert "http://127.0.0.1:1" in rows["agency_tez"]
    assert "not loaded" in rows["broken"] and "Traceback" not in result.stderr


def test_check_of_an_unreachable_endpoint_is_one_line_and_exit_1(tmp_path):
    result = run_tourscope(
        "operators", "check", "agency_tez", env=_accounts(tmp_path, agency_tez=REAL_TEZ)
    )
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "agency_tez: cannot connect to http://127.0.0.1:1" in lines[0]


def test_check_of_a_replica_says_it_answered(sandbox, tmp_path):
    env = {"TOURSCOPE_SANDBOX_URL": sandbox.url, "TOURSCOPE_VAR_DIR": str(tmp_path)}
    for code in ("tourvisor_demo", "mastertour_demo", "teztour_demo"):
        result = run_tourscope("operators", "check", code, env=env)
        assert result.returncode == 0, result.stdout + result.stderr
        assert f"{code}: {sandbox.url}" in result.stdout and "answered in" in result.stdout


def test_check_says_when_the_service_refuses_the_login(sandbox, tmp_path):
    wrong = {
        "name": "Tourvisor (wrong password)",
        "protocol": "tourvisor",
        "endpoint": "sandbox:/tourvisor",
        "credentials": {"login": "demo@tourscope.local", "password": "not-the-password"},
        "sweep": {"departures": ["MOW"], "countries": ["TR"]},
    }
    env = {**_accounts(tmp_path, wrong_tv=wrong), "TOURSCOPE_SANDBOX_URL": sandbox.url}
    result = run_tourscope("operators", "check", "wrong_tv", env=env)
    assert result.returncode == 1
    assert "Authorisation Error" in result.stderr and "not-the-password" not in result.stderr


def test_plan_prints_the_queries_within_the_limits_and_sends_nothing(tmp_path):
    env = _accounts(tmp_path, agency_tez=REAL_TEZ)
    result = run_tourscope("crawl", "agency_tez", "--plan", env=env)
    assert result.returncode == 0, result.stderr
    # Two departures x a 31-day range cut at TEZ's 20 days (two windows) x nights 6-14 (a
    # span of 8, within TEZ's limit): 4 queries.
    assert "4 queries" in result.stdout and "at most 50 a minute" in result.stdout
    assert "MOW" in result.stdout and "KUF" in result.stdout


def test_a_plan_over_budget_is_refused_with_the_way_out(tmp_path):
    greedy = {**REAL_TEZ, "sweep": {**REAL_TEZ["sweep"], "max_requests": 5}}
    result = run_tourscope(
        "crawl", "agency_tez", "--plan", env=_accounts(tmp_path, agency_tez=greedy)
    )
    assert result.returncode == 1
    assert "over its budget" in result.stderr and "max_requests" in result.stderr


def test_plan_of_a_whole_catalogue_operator_says_there_is_none():
    result = run_tourscope("crawl", "suncoast", "--plan")
    assert result.returncode == 0 and "no query plan" in result.stdout
