"""Data files: parsed once, kept in the cache, overridable by the user."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

import klusterdocs
from klusterdocs import cache, data


@pytest.fixture
def cache_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("KLUSTERDOCS_CACHE", str(tmp_path / "cache"))
    data.load_data.cache_clear()
    yield tmp_path / "cache"
    data.load_data.cache_clear()


def test_parsed_data_is_kept_and_read_back_without_yaml(cache_folder: Path, monkeypatch) -> None:
    first = data.load_data("phases.yaml")
    assert len(list(cache_folder.glob("*.marshal"))) == 1
    data.load_data.cache_clear()
    monkeypatch.setattr(yaml, "load", lambda *a, **k: pytest.fail("parsed again"))
    assert data.load_data("phases.yaml") == first


def test_an_edited_override_is_read_again(cache_folder: Path, tmp_path: Path, monkeypatch) -> None:
    override = tmp_path / "data"
    (override / "labels").mkdir(parents=True)
    monkeypatch.setenv("KLUSTERDOCS_DATA", str(override))
    (override / "labels" / "sv.yaml").write_text("deck:\n  module: Del {number}\n", "utf-8")
    assert data.load_data("labels/sv.yaml") == {"deck": {"module": "Del {number}"}}
    data.load_data.cache_clear()
    (override / "labels" / "sv.yaml").write_text("deck:\n  module: Steg {number}\n", "utf-8")
    assert data.load_data("labels/sv.yaml") == {"deck": {"module": "Steg {number}"}}


def test_data_marshal_cannot_keep_is_read_every_time(cache_folder: Path, tmp_path, monkeypatch):
    override = tmp_path / "data"
    override.mkdir()
    monkeypatch.setenv("KLUSTERDOCS_DATA", str(override))
    (override / "phases.yaml").write_text("reviewed: 2026-11-28\n", "utf-8")
    assert str(data.load_data("phases.yaml")["reviewed"]) == "2026-11-28"
    assert not list(cache_folder.glob("*.marshal"))


def test_every_cache_key_names_an_installed_package() -> None:
    """A cache key holds the installation of what made the entry (`cache.installed`, by import
    name): a misspelt name reads as "missing" forever, and an upgrade would go unnoticed."""
    source = Path(klusterdocs.__file__).parent
    named = {
        name
        for path in source.rglob("*.py")
        for name in re.findall(r"cache\.installed\(\"([^\"]+)\"\)", path.read_text("utf-8"))
    }
    assert {"pptx", "xlsxwriter", "docxtpl", "PIL"} <= named
    assert [name for name in sorted(named) if "missing" in cache.installed(name)] == []
