from __future__ import annotations

from pathlib import Path

import pytest

from klusterdocs.errors import InputError
from klusterdocs.loading.yamlsource import load_yaml


def test_plain_scalars_stay_text(write) -> None:
    path = write("""
        name: no
        time: 10:00
        month: 2013-06
        version: 1.10
        empty:
        tilde: ~
        quoted: "null"
    """)
    data = load_yaml(path).data
    assert data == {
        "name": "no",
        "time": "10:00",
        "month": "2013-06",
        "version": "1.10",
        "empty": None,
        "tilde": None,
        "quoted": "null",
    }


def test_positions_of_keys_and_values(write) -> None:
    source = load_yaml(write("a:\n  b: [x, y]\n"))
    assert source.position(("a", "b", 1)) == (2, 10)
    assert source.position(("a", "b"), key=True) == (2, 3)
    assert source.position(("a", "nothing", "here")) == (2, 3)


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbfname: \xc3\x85sa\n")
    assert load_yaml(path).data == {"name": "Åsa"}


def test_latin1_is_a_clear_encoding_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.yaml"
    path.write_bytes("a: 1\nname: Åsa\n".encode("latin-1"))
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    problem = caught.value.problems[0]
    assert (problem.line, problem.column) == (2, 7)
    assert "not UTF-8" in problem.message


def test_empty_file(write) -> None:
    with pytest.raises(InputError, match="the file is empty"):
        load_yaml(write("# only a comment\n"))


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(InputError, match="binary"):
        load_yaml(path)


def test_alias_bomb_is_refused_within_the_expansion_budget(write, monkeypatch) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(InputError, match="alias bomb"):
        load_yaml(write("\n".join(lines) + "\n"))  # 10^9 values if expanded


def test_ordinary_aliases_are_expanded(write) -> None:
    data = load_yaml(write("base: &b {x: 1}\nother: *b\n")).data
    assert data == {"base": {"x": "1"}, "other": {"x": "1"}}


def test_merge_keys_are_refused(write) -> None:
    with pytest.raises(InputError, match="merge keys"):
        load_yaml(write("base: &b {x: 1}\nother:\n  <<: *b\n"))


def test_missing_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        load_yaml(tmp_path / "nope.yaml")
