from __future__ import annotations

import os
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


def test_a_pipe_or_device_is_refused_without_reading(tmp_path: Path) -> None:
    """A FIFO would block for ever and /dev/zero never end: neither is read."""
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="is a device or pipe, not a YAML file"):
        load_yaml(fifo)
    with pytest.raises(InputError, match="is a device or pipe"):
        load_yaml(Path("/dev/zero"))


def test_a_pasted_control_character_is_located_and_named(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("initiative:\n  name: Kluster\n  focus: Trä\x0c och skog\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_yaml(path)
    (problem,) = caught.value.problems
    assert (problem.line, problem.column) == (3, 13)
    assert "U+000C" in problem.message and "pasted from a PDF" in problem.message


def test_a_tab_in_the_indentation_says_so(write) -> None:
    with pytest.raises(InputError, match="it is a tab: YAML indents with spaces"):
        load_yaml(write("initiative:\n\tname: Kluster\n"))


def test_aliases_of_one_long_text_are_bounded_by_their_expanded_size(write) -> None:
    """Few values, each a 100,000-character text: the text budget stops it at once."""
    text = "x" * 100_000
    lines = [f"a: &t {text}", "b: [" + ", ".join(["*t"] * 400) + "]"]
    with pytest.raises(InputError, match="MiB of text"):  # 40 million characters
        load_yaml(write("\n".join(lines) + "\n"))
