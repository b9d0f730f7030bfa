"""The house rules of docs/architecture.md, checked: which package may import which, and
how spiders are named.

The import rules are import-linter contracts in pyproject.toml; this runs them, and shows
on a copy of the tree that adding a forbidden import breaks them.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from scrapy.spiderloader import SpiderLoader
from scrapy.utils.project import get_project_settings

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("tourscope", "models", "crawler", "webapp", "sandbox")
LINT_IMPORTS = str(Path(sys.executable).parent / "lint-imports")


def lint_imports(tree: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache"],
        cwd=tree,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_tree_keeps_its_import_rules():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "forbidden", "report"),
    [
        # The domain reaching up into the web layer: the dependency the layers forbid.
        (
            "models/base.py",
            "from webapp.deps import SessionDep",
            "models is not allowed to import webapp",
        ),
        # The catalogue knowing about client care: contexts import only the ones below them.
        (
            "models/catalog/search.py",
            "from models.care.clients import Client",
            "models.catalog is not allowed to import models.care",
        ),
        # The foundation importing the domain it lies under.
        (
            "tourscope/foundation/settings.py",
            "from models.db import get_engine",
            "tourscope.foundation is not allowed to import models",
        ),
    ],
)
def test_a_forbidden_import_breaks_the_rules(tmp_path, module, forbidden, report):
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("*.pyc", "static", "translations"),
        )
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    target = tmp_path / module
    target.write_text(target.read_text() + f"\n{forbidden}  # noqa\n")
    result = lint_imports(tmp_path)
    assert result.returncode != 0
    assert report in result.stdout


def _class_name(file_stem: str) -> str:
    return "".join(part.capitalize() for part in file_stem.split("_")) + "Spider"


def test_a_spider_is_named_after_its_file():
    """As in alltheplaces: crawler/spiders/foo_bar.py holds FooBarSpider named "foo_bar";
    a declarative operator's spider is named after its YAML file."""
    loader = SpiderLoader.from_settings(get_project_settings())
    names = loader.list()
    assert names, "no spider loaded"
    for name in names:
        spider = loader.load(name)
        module = spider.__module__.rsplit(".", 1)[-1]
        if module in {"declarative", "accounts"}:  # built from a YAML file or an account
            assert re.fullmatch(r"[a-z][a-z0-9_]*", name), name
            continue
        assert name == module, f"{spider.__qualname__} in {module}.py is named {name!r}"
        assert spider.__name__ == _class_name(module), spider.__name__


def test_every_yaml_operator_is_a_spider_of_its_file_name():
    loader = SpiderLoader.from_settings(get_project_settings())
    for path in (ROOT / "crawler" / "operators").glob("*.yaml"):
        assert path.stem in loader.list(), path.name
