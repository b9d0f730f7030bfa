"""Operator accounts: configuration, credentials kept out of the files, one bad account alone."""

from pathlib import Path

import pytest

from crawler.accounts import (
    DEFAULT_ACCOUNTS_FILE,
    MissingCredentialError,
    load_accounts,
    resolve_credential,
)
from tourscope.foundation.settings import get_settings

SWEEP = "sweep: {departures: [MOW], countries: [TR]}"


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "accounts.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def test_the_demo_has_one_account_per_protocol():
    loaded = load_accounts([DEFAULT_ACCOUNTS_FILE])
    assert loaded.problems == {}
    assert {account.protocol for account in loaded.accounts.values()} == {
        "tourvisor",
        "mastertour",
        "teztour",
    }
    assert all(account.on_sandbox for account in loaded.accounts.values())


def test_a_broken_account_is_reported_and_the_others_load(tmp_path):
    path = _write(
        tmp_path,
        f"""accounts:
  good_one:
    name: Good
    protocol: teztour
    endpoint: https://search.example.com
    {SWEEP}
  bad_protocol:
    name: Bad
    protocol: nosuch
    endpoint: https://x.example.com
    {SWEEP}
  bad_sweep:
    name: Bad sweep
    protocol: teztour
    endpoint: https://x.example.com
    sweep: {{departures: [MOW], countries: [TR], nights: [9, 3]}}
""",
    )
    loaded = load_accounts([path])
    assert list(loaded.accounts) == ["good_one"]
    assert "protocol" in loaded.problems["bad_protocol"]
    assert "nights" in loaded.problems["bad_sweep"]


def test_an_unreadable_file_is_a_problem_not_a_crash(tmp_path):
    loaded = load_accounts([_write(tmp_path, "accounts: [: nonsense"), tmp_path / "missing.yaml"])
    assert loaded.accounts == {} and len(loaded.problems) == 2


def test_a_password_written_in_the_file_is_refused_for_a_real_endpoint(tmp_path):
    path = _write(
        tmp_path,
        f"""accounts:
  agency_tourvisor:
    name: Tourvisor
    protocol: tourvisor
    endpoint: http://tourvisor.ru/xml
    credentials: {{login: agency@example.com, password: hunter2}}
    {SWEEP}
""",
    )
    problem = load_accounts([path]).problems["agency_tourvisor"]
    assert "env:NAME or secret:KEY" in problem and "hunter2" not in problem


def test_credentials_come_from_the_environment_or_the_secrets_file(tmp_path, monkeypatch):
    secrets = tmp_path / "secrets.yaml"
    secrets.write_text("tourvisor_password: s3cret\n", encoding="utf-8")
    path = _write(
        tmp_path,
        f"""accounts:
  agency_tourvisor:
    name: Tourvisor
    protocol: tourvisor
    endpoint: http://tourvisor.ru/xml
    credentials: {{login: "env:TV_LOGIN", password: "secret:tourvisor_password"}}
    {SWEEP}
""",
    )
    monkeypatch.setenv("TOURSCOPE_SECRETS_FILE", str(secrets))
    get_settings.cache_clear()
    account = load_accounts([path]).accounts["agency_tourvisor"]
    with pytest.raises(MissingCredentialError, match="set the environment variable TV_LOGIN"):
        resolve_credential(account, "login")
    monkeypatch.setenv("TV_LOGIN", "agency@example.com")
    assert resolve_credential(account, "login") == "agency@example.com"
    assert resolve_credential(account, "password") == "s3cret"
    get_settings.cache_clear()
