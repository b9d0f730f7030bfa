"""Reproducible installs: every dependency pinned in a lock file that the Makefile and the
Dockerfile install from, and every library our code imports declared in pyproject.toml."""

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
OUR_PACKAGES = ("tourscope", "models", "crawler", "webapp", "sandbox", "migrations")


def pins(lock: str) -> dict[str, str]:
    text = (ROOT / lock).read_text()
    return {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, flags=re.M)
    }


def requirements(*extras: str) -> list[Requirement]:
    found = [Requirement(line) for line in PROJECT["dependencies"]]
    for extra in extras:
        found += [
            Requirement(line)
            for line in PROJECT["optional-dependencies"][extra]
            if not line.startswith("tourscope")
        ]
    return found


def test_every_dependency_is_pinned_within_its_declared_range():
    for lock, extras in (("requirements.lock", ()), ("requirements-dev.lock", ("dev", "scrapyd"))):
        pinned = pins(lock)
        for requirement in requirements(*extras):
            name = canonicalize_name(requirement.name)
            assert name in pinned, f"{lock}: {name} is not pinned (make lock)"
            assert requirement.specifier.contains(pinned[name], prereleases=True), (
                f"{lock}: {name}=={pinned[name]} is outside {requirement.specifier} (make lock)"
            )


def test_the_locks_name_no_local_path():
    """The dev extra names the project itself (its scrapyd extra): the lock must not pin
    it to the folder it was compiled in."""
    for lock in ("requirements.lock", "requirements-dev.lock"):
        assert not re.search(r"^\S+ @ file:", (ROOT / lock).read_text(), flags=re.M), lock


def test_the_makefile_and_the_image_install_from_the_locks():
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet -r requirements-dev.lock" in makefile
    assert "pip install --quiet --no-deps -e ." in makefile
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "RUN pip install -r requirements.lock" in dockerfile
    assert "RUN pip install --no-deps -e ." in dockerfile


def imported_modules() -> set[str]:
    names: set[str] = set()
    for package in OUR_PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names |= {alias.name.split(".")[0] for alias in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - set(OUR_PACKAGES)


def test_every_library_our_code_imports_is_a_declared_dependency():
    """lxml, parsel, cssselect and pydantic came only with Scrapy and FastAPI."""
    declared = {canonicalize_name(r.name) for r in requirements("scrapyd")}
    # A library's own core comes with it, always at the matching version.
    bundled = {"pydantic-core": "pydantic"}
    distributions = packages_distributions()
    missing = []
    for module in sorted(imported_modules()):
        for distribution in distributions.get(module, [module]):
            name = canonicalize_name(distribution)
            if name not in declared and bundled.get(name) not in declared:
                missing.append(f"{module} ({name})")
    assert missing == []
