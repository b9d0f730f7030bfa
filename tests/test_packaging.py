"""An installed Tourscope works without its source tree (issue 14, item 14): the wheel
carries its migrations, Alembic's configuration and the default configuration files, and
keeps its runtime data in ./var of the working directory, not beside the package."""

import os
import subprocess
import sys
from pathlib import Path

from tourscope.foundation.settings import PROJECT_ROOT


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, **kwargs)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_a_wheel_installed_in_a_fresh_venv_migrates_and_crawls_from_an_empty_folder(
    sandbox, tmp_path
):
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "-w",
            tmp_path / "dist",
            PROJECT_ROOT,
        ]
    )
    [wheel] = (tmp_path / "dist").glob("tourscope-*.whl")
    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", venv])
    pip = [venv / "bin" / "python", "-m", "pip", "install", "-q"]
    run([*pip, "-r", PROJECT_ROOT / "requirements.lock"])
    run([*pip, "--no-deps", wheel])

    folder = tmp_path / "empty"
    folder.mkdir()
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith("TOURSCOPE_")
    }
    environment["TOURSCOPE_SANDBOX_URL"] = sandbox.url
    tourscope = venv / "bin" / "tourscope"

    upgraded = run([tourscope, "db", "upgrade"], cwd=folder, env=environment)
    assert "is up to date" in upgraded.stdout
    crawled = run([tourscope, "crawl", "suncoast"], cwd=folder, env=environment)
    assert "suncoast" in crawled.stdout and "failed" not in crawled.stdout

    assert (folder / "var" / "tourscope.db").is_file()
    installed = Path(
        run(
            [venv / "bin" / "python", "-c", "import tourscope; print(tourscope.__file__)"],
            cwd=folder,
        ).stdout.strip()
    ).parent
    assert not installed.is_relative_to(PROJECT_ROOT)  # the wheel's copy, not the checkout
    assert not (installed / "var").exists() and not (installed.parent / "var").exists()
