# For `scrapyd-deploy`, which builds the project's egg with `setup.py bdist_egg`; all the
# metadata (packages, package data, the Scrapy settings entry point) is in pyproject.toml.
from setuptools import setup

setup()
