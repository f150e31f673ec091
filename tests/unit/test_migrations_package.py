"""The ClickHouse migrations ship as the ``streams.migrations`` package (pyproject.toml maps it to
deploy/clickhouse) and streams/clickhouse.py finds them there, in a wheel as in a checkout."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest
from setuptools import find_namespace_packages

import streams
from streams import clickhouse
from streams.clickhouse import MIGRATIONS_PACKAGE, SOURCE_DDL_DIR

REPO = Path(__file__).resolve().parents[2]
SETUPTOOLS = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]
TOP_LEVEL = ["streams*", "processors*", "schemas*", "connectors*", "ml*"]


def test_migrations_package_maps_deploy_clickhouse():
    assert MIGRATIONS_PACKAGE in SETUPTOOLS["packages"]
    assert REPO / SETUPTOOLS["package-dir"][MIGRATIONS_PACKAGE] == SOURCE_DDL_DIR
    assert SETUPTOOLS["package-data"][MIGRATIONS_PACKAGE] == ["*.sql"]
    assert sorted(SOURCE_DDL_DIR.glob("*.sql"))


def test_package_list_covers_the_source_tree():
    """The list replaced package discovery: a new subpackage must not be left out of the wheel."""
    found = set(find_namespace_packages(str(REPO), include=TOP_LEVEL)) - {"streams.migrations"}
    found = {name for name in found if not name.split(".")[-1].startswith("__")}
    assert set(SETUPTOOLS["packages"]) == found | {MIGRATIONS_PACKAGE}


def test_migrations_are_found_through_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """An installed wheel's layout: ``<site>/streams/migrations/*.sql`` next to the modules."""
    installed = tmp_path / "streams" / "migrations"
    shutil.copytree(SOURCE_DDL_DIR, installed)
    # Only the copy can resolve the package (an editable install could map it to the tree too).
    monkeypatch.setattr(streams, "__path__", [str(tmp_path / "streams")])
    assert clickhouse._ddl_dir() == installed


def test_checkout_without_the_package_reads_the_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(streams, "__path__", [str(tmp_path)])
    assert clickhouse._ddl_dir() == SOURCE_DDL_DIR


def test_default_ddl_dir_holds_the_migrations():
    # Either through the package (editable install) or the fallback: the same files.
    assert clickhouse.DDL_DIR.resolve() == SOURCE_DDL_DIR
