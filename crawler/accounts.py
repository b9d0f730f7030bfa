"""Operator accounts: the agency's connections to operators that speak a published protocol.

An account says which protocol (Tourvisor, Master-Tour, TEZ TOUR), where (its endpoint),
with which credentials, and what to sweep. Each account becomes a spider of the protocol's
base class (crawler/spiders/accounts.py): a second Master-Tour operator is a few lines
of YAML, not code.

Accounts come from tourscope/config/operator_accounts.yaml (the demo's accounts on the sandbox's
replicas of each protocol) and from the file named by TOURSCOPE_ACCOUNTS_FILE (the
agency's own). Credentials are never written in those files for a real endpoint: a value
is `env:NAME` (an environment variable) or `secret:KEY` (a key of the YAML file named by
TOURSCOPE_SECRETS_FILE). Only an account on the sandbox may carry a literal value: the
replicas' demo logins are public.
"""

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from crawler.sweep import SweepConfig
from tourscope.foundation.settings import CONFIG_DIR, get_settings

DEFAULT_ACCOUNTS_FILE = CONFIG_DIR / "operator_accounts.yaml"
SANDBOX_PREFIX = "sandbox:"
Protocol = Literal["tourvisor", "mastertour", "teztour"]


class AccountConfigError(ValueError):
    """An accounts file or one account in it cannot be used; the message says where and why."""


class OperatorAccount(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str = Field(pattern=r"^[a-z][a-z0-9_]{1,39}$")
    name: str = Field(min_length=1, max_length=200)
    protocol: Protocol
    # "sandbox:/path" for the demo replicas; otherwise the service's http(s) URL.
    endpoint: str
    credentials: dict[str, str] = {}
    sweep: SweepConfig
    # Requested price currency, where the protocol lets the client choose.
    currency: str | None = Field(None, pattern=r"^[A-Z]{3}$")
    crawl_interval_minutes: float | None = Field(None, gt=0)
    # Protocol-specific settings (documented with each protocol in the README).
    options: dict[str, Any] = {}

    @field_validator("endpoint")
    @classmethod
    def endpoint_is_a_url(cls, endpoint: str) -> str:
        if endpoint.startswith(SANDBOX_PREFIX):
            if not endpoint.removeprefix(SANDBOX_PREFIX).startswith("/"):
                raise ValueError("a sandbox endpoint looks like sandbox:/tourvisor")
            return endpoint.rstrip("/")
        if not re.match(r"^https?://[^\s/]+", endpoint):
            raise ValueError("endpoint must be an http(s) URL or sandbox:/path")
        return endpoint.rstrip("/")

    @property
    def on_sandbox(self) -> bool:
        return self.endpoint.startswith(SANDBOX_PREFIX)

    def url(self, sandbox_url: str) -> str:
        """The endpoint's base URL (the sandbox's own address filled in)."""
        if self.on_sandbox:
            return sandbox_url.rstrip("/") + self.endpoint.removeprefix(SANDBOX_PREFIX)
        return self.endpoint

    def check_credentials_are_references(self) -> None:
        if self.on_sandbox:
            return
        literal = [
            key
            for key, value in self.credentials.items()
            if not value.startswith(("env:", "secret:"))
        ]
        if literal:
            raise ValueError(
                f"credentials {', '.join(literal)} must be env:NAME or secret:KEY "
                "(never a password in the accounts file)"
            )


@dataclass(frozen=True)
class LoadedAccounts:
    accounts: dict[str, OperatorAccount]
    # Accounts that could not be read: code (or file) -> why. Shown by `tourscope operators`;
    # the other accounts load regardless.
    problems: dict[str, str]


def account_files() -> list[Path]:
    extra = get_settings().accounts_file
    # The demo's accounts live beside the code, not in the package: a Scrapyd node running
    # the project's egg has none, and is given its accounts in TOURSCOPE_ACCOUNTS_FILE.
    default = [DEFAULT_ACCOUNTS_FILE] if DEFAULT_ACCOUNTS_FILE.is_file() else []
    return default + ([extra] if extra else [])


def load_accounts(files: list[Path] | None = None) -> LoadedAccounts:
    """Every readable account of the files; a broken one is a problem, not a crash."""
    accounts: dict[str, OperatorAccount] = {}
    problems: dict[str, str] = {}
    for path in account_files() if files is None else files:
        try:
            document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as error:
            problems[str(path)] = f"cannot read {path}: {error}".splitlines()[0]
            continue
        entries = document.get("accounts") if isinstance(document, dict) else None
        if not isinstance(entries, dict):
            problems[str(path)] = f"{path}: expected a mapping 'accounts:' of code -> account"
            continue
        for code, entry in entries.items():
            try:
                account = OperatorAccount.model_validate({"code": code, **(entry or {})})
                account.check_credentials_are_references()
            except ValidationError as error:
                problems[str(code)] = f"{path}: account {code!r}: {_first_error(error)}"
                continue
            except ValueError as error:
                problems[str(code)] = f"{path}: account {code!r}: {error}"
                continue
            accounts[account.code] = account
    return LoadedAccounts(accounts, problems)


def _first_error(error: ValidationError) -> str:
    first = error.errors()[0]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


class MissingCredentialError(AccountConfigError):
    pass


def resolve_credential(account: OperatorAccount, key: str) -> str:
    """The credential's value, from the environment or the secrets file; never logged."""
    reference = account.credentials.get(key)
    if reference is None:
        raise MissingCredentialError(f"account {account.code!r} has no credential {key!r}")
    if reference.startswith("env:"):
        name = reference.removeprefix("env:")
        value = os.environ.get(name)
        if not value:
            raise MissingCredentialError(
                f"account {account.code!r}: set the environment variable {name} ({key})"
            )
        return value
    if reference.startswith("secret:"):
        name = reference.removeprefix("secret:")
        secrets = _read_secrets()
        if name not in secrets:
            raise MissingCredentialError(
                f"account {account.code!r}: no key {name!r} in TOURSCOPE_SECRETS_FILE ({key})"
            )
        return str(secrets[name])
    return reference  # a sandbox replica's public demo login


def _read_secrets() -> dict[str, Any]:
    path = get_settings().secrets_file
    if path is None:
        return {}
    try:
        document = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise MissingCredentialError(f"cannot read the secrets file {path}: {error}") from None
    return document if isinstance(document, dict) else {}
