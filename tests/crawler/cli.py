"""Run the `tourscope` command in a subprocess, the way users and cron do."""

import os
import subprocess
import sys


def run_tourscope(*args: str, env: dict[str, str] | None = None, timeout: float = 120):
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "tourscope.cli", *args],
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
