"""`klusterdocs changes` and `plan --changes-since`: two commits, and the story between them."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner

from klusterdocs.changes import changes_since
from klusterdocs.cli import main
from klusterdocs.errors import KlusterdocsError
from tests.conftest import EXAMPLE

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

EDITS = [
    ("  phase: formering", "  phase: organisering"),
    ("    attitude: sceptic", "    attitude: supporter"),
    (
        "    power: 2\n    interest: 3\n    attitude: neutral\n    expectations: Nyheter",
        "    power: 4\n    interest: 3\n    attitude: neutral\n    expectations: Nyheter",
    ),
    (
        "{date: 2012-06-30, value: 18}]",
        "{date: 2012-06-30, value: 18}, {date: 2012-12-31, value: 24}]",
    ),
    ("    status: ongoing\n    rag: red", "    status: done\n    rag: green"),
    (
        "      amounts: {2012: 2000000, 2013: 2000000}",
        "      amounts: {2012: 2000000, 2013: 2500000}",
    ),
    ("    probability: 3\n    impact: 5", "    probability: 4\n    impact: 5"),
    (
        "\ndocument:",
        "  - {id: r5, text: Nyckelföretag flyttar, probability: 2, impact: 4}\n\ndocument:",
    ),
]


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.org", *args],
        cwd=repo,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "team"
    repo.mkdir()
    _git(repo, "init", "-q")
    shutil.copy(EXAMPLE, repo / "cluster.yaml")
    shutil.copy(EXAMPLE.parent / "smart-textiles-logo.png", repo)  # the file's logo
    _git(repo, "add", ".")
    _git(repo, "commit", "-qm", "first")
    text = (repo / "cluster.yaml").read_text(encoding="utf-8")
    for old, new in EDITS:
        assert old in text, old
        text = text.replace(old, new, 1)
    (repo / "cluster.yaml").write_text(text, encoding="utf-8")
    _git(repo, "commit", "-qam", "second")
    return repo


def test_changes_tell_the_story_between_two_commits(repo: Path) -> None:
    report = changes_since(repo / "cluster.yaml", "HEAD~1")
    sections = {s.heading: s.lines for s in report.sections}
    assert sections["Fas"] == ["Fasen har ändrats från Formering till Organisering."]
    assert (
        "TEKO – Sveriges Textil- och Modeföretag: inställningen har ändrats från Skeptisk "
        "till Positiv."
    ) in sections["Aktörer"]
    assert (
        "Borås Tidning: har flyttat från Håll informerad till Hantera nära i makt- och "
        "intressematrisen."
    ) in sections["Aktörer"]
    assert sections["Mål och indikatorer"] == [
        "Nya produkter på marknaden: senaste utfall 24 st (31 december 2012), tidigare 18 st."
    ]
    assert sections["Aktiviteter"] == [
        "Ansökan till EU:s ramprogram med europeiska textilkluster är klar.",
        "Ansökan till EU:s ramprogram med europeiska textilkluster: trafikljuset har gått "
        "från Röd till Grön.",
    ]
    assert sections["Budget"] == [
        "Finansiering 2013: 5\u00a0050\u00a0000\u00a0kr → 5\u00a0550\u00a0000\u00a0kr."
    ]
    assert sections["Risker"] == [
        "Ny risk: Nyckelföretag flyttar (risk 8).",
        "Den offentliga finansieringen minskar efter 2013: risken har bedömts om från 15 till 20.",
    ]


def test_default_revision_is_the_last_commit_of_the_file(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(main, ["changes", str(repo / "cluster.yaml")])
    assert result.exit_code == 0
    assert result.output.startswith("Inga förändringar sedan ")
    english = runner.invoke(
        main, ["changes", str(repo / "cluster.yaml"), "--since", "HEAD~1", "--lang", "en"]
    )
    assert "The phase has changed from Formation to Organisation." in english.output


def test_plan_with_the_changes_as_an_appendix(repo: Path, runner: CliRunner) -> None:
    result = runner.invoke(
        main,
        ["plan", str(repo / "cluster.yaml"), "--changes-since", "HEAD~1", "-o", str(repo / "out")],
    )
    assert result.exit_code == 0, result.output
    document = docx.Document(str(repo / "out" / "smart-textiles" / "verksamhetsplan.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[-1].startswith("Förändringar sedan ")
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert "Fasen har ändrats från Formering till Organisering." in bullets
    plain = runner.invoke(main, ["plan", str(repo / "cluster.yaml"), "-o", str(repo / "o2")])
    assert plain.exit_code == 0
    again = docx.Document(str(repo / "o2" / "smart-textiles" / "verksamhetsplan.docx"))
    assert not any(p.text.startswith("Förändringar") for p in again.paragraphs)


def test_clear_errors(repo: Path, tmp_path: Path, runner: CliRunner) -> None:
    with pytest.raises(KlusterdocsError, match="unknown revision 'nope'"):
        changes_since(repo / "cluster.yaml", "nope")
    outside = tmp_path / "outside.yaml"
    shutil.copy(EXAMPLE, outside)
    shutil.copy(EXAMPLE.parent / "smart-textiles-logo.png", tmp_path)
    result = runner.invoke(main, ["changes", str(outside)])
    assert result.exit_code == 1
    assert "is not in a git repository" in result.output
    shutil.copy(EXAMPLE, repo / "new.yaml")
    with pytest.raises(KlusterdocsError, match="has no commits yet"):
        changes_since(repo / "new.yaml", None)
    _git(repo, "add", "new.yaml")
    _git(repo, "commit", "-qm", "third")
    with pytest.raises(KlusterdocsError, match="did not exist at"):
        changes_since(repo / "new.yaml", "HEAD~1")


def test_only_plan_offers_changes_since(runner: CliRunner) -> None:
    assert "--changes-since" in runner.invoke(main, ["plan", "--help"]).output
    for command in ("stakeholders", "prestudy"):
        assert "--changes-since" not in runner.invoke(main, [command, "--help"]).output


def test_a_revision_not_in_utf8_is_a_located_error(repo: Path, runner: CliRunner) -> None:
    """A file committed from a Windows editor in cp1252: `changes` names the line, no crash."""
    text = (repo / "cluster.yaml").read_text(encoding="utf-8")
    (repo / "cluster.yaml").write_bytes(text.encode("cp1252", "replace"))
    _git(repo, "commit", "-qam", "saved in cp1252")
    (repo / "cluster.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["changes", str(repo / "cluster.yaml"), "--since", "HEAD"])
    assert result.exit_code == 1
    line = next(n for n, row in enumerate(text.splitlines(), 1) if any(ord(c) > 127 for c in row))
    assert f"at {_short(repo)}, line {line}: not UTF-8 text" in result.output
    assert "Traceback" not in result.output


def _short(repo: Path) -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=repo, capture_output=True, text=True
    )
    return done.stdout.strip()
