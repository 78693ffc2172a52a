"""Speed and memory of klusterdocs, as ratios measured in one run on this machine.

    python benchmarks/run.py            # everything (a few minutes)
    python benchmarks/run.py --quick    # skip the 20,000-actor and 40-initiative runs

Each figure is the median wall time of a few runs of a whole command (a fresh process, as a
user runs it), next to a baseline measured in the same run (start-up figures and decks in
turns with theirs), so the ratios hold across machines. Peak memory is the command's maximum
resident set size. Prints a Markdown table for the README's Performance section.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# the command as users run it: the installed script (`python -m` adds runpy's start-up)
_SCRIPT = Path(PYTHON).with_name("klusterdocs")
CLI = [str(_SCRIPT)] if _SCRIPT.exists() else [PYTHON, "-m", "klusterdocs"]
HELIXES = ("industry", "academia", "public", "finance", "organisation", "media", "civil_society")


def measure(
    command: list[str],
    runs: int,
    cwd: Path = ROOT,
    expected_exit: int = 0,
    before: Callable[[], None] | None = None,
) -> tuple[float, float]:
    """Median seconds and peak memory (MiB) of `command` over `runs` runs; `before` runs,
    untimed, before each."""
    times, peaks = [], []
    for _ in range(runs):
        if before:
            before()
        started = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        _, status, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - started)
        peaks.append(usage.ru_maxrss / 1024)
        if os.waitstatus_to_exitcode(status) != expected_exit:
            error = process.stderr.read().decode() if process.stderr else ""
            raise SystemExit(f"failed: {' '.join(command)}: {error}")
    return statistics.median(times), max(peaks)


def compare(
    command: list[str],
    baseline: list[str],
    runs: int,
    before: Callable[[], None] | None = None,
) -> tuple[tuple[float, float], tuple[float, float]]:
    """Median seconds and peak MiB of `command` and of `baseline`, run in turns (see
    `in_turns`); `before` runs, untimed, before each run of `command`."""
    baseline_result, command_result = in_turns([baseline, command], runs, {1: before})
    return command_result, baseline_result


def in_turns(
    commands: list[list[str]],
    runs: int,
    before: dict[int, Callable[[], None] | None] | None = None,
) -> list[tuple[float, float]]:
    """Median seconds and peak MiB of each of `commands`, run in turns so that a busy moment
    of a shared machine slows all of them rather than one side of a ratio; `before[i]` runs,
    untimed, before each run of the i-th command."""
    results: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for index, command in enumerate(commands):
            results[index].append(measure(command, 1, before=(before or {}).get(index)))
    return [(statistics.median(t for t, _ in runs_), max(m for _, m in runs_)) for runs_ in results]


def actors_file(folder: Path, count: int) -> Path:
    lines = [
        "initiative:",
        f"  name: Benchmark {count}",
        "  region: Skåne",
        "  focus: Allt",
        "  phase: formering",
        "actors:",
    ]
    for i in range(count):
        lines += [
            f"  - id: a{i}",
            f"    name: Företag {i} & Co",
            f"    helix: {HELIXES[i % 7]}",
            "    role: Leverantör av komponenter",
            f"    core: {'inner' if i % 3 == 0 else 'outer'}",
            f"    member: {'true' if i % 2 == 0 else 'false'}",
            f"    power: {1 + i % 5}",
            f"    interest: {1 + (i * 7) % 5}",
            "    attitude: supporter",
            "    expectations: Nya kunder och kompetens",
            "    contribution: Tid och testmiljö",
            "    engagement: Nyhetsbrev",
            "    owner: Anna",
        ]
    path = folder / f"actors-{count}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def typos_file(folder: Path, count: int, typos: int) -> Path:
    """`count` actors and `typos` activities, each naming a partner misspelt."""
    path = actors_file(folder, count)
    lines = ["activities:"]
    for i in range(typos):
        lines += [f"  - id: act{i}", f"    title: Aktivitet {i}", f"    partners: [a{i * 7}x]"]
    typo_path = folder / f"typos-{count}.yaml"
    typo_path.write_text(path.read_text(encoding="utf-8") + "\n".join(lines) + "\n", "utf-8")
    return typo_path


def markdown_table(folder: Path, count: int) -> Path:
    """The intressentanalys' actor table for `count` actors, as Markdown for pandoc."""
    rows = [
        "| Aktör | Kategori | Roll | Kärna | Medlem | Inställning | Inflytande | Intresse |",
        "|---|---|---|---|---|---|---|---|",
    ]
    rows += [
        f"| Företag {i} & Co | {HELIXES[i % 7]} | Leverantör av komponenter | "
        f"{'Inre' if i % 3 == 0 else 'Yttre'} | {'Ja' if i % 2 == 0 else 'Nej'} | Positiv | "
        f"{1 + i % 5} | {1 + (i * 7) % 5} |"
        for i in range(count)
    ]
    path = folder / f"actors-{count}.md"
    path.write_text("# Intressentanalys\n\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def cohort_program(folder: Path, count: int) -> Path:
    """The example program (module 1) with `count` participants, in groups of five."""
    lines = [
        "program: {title: Benchmark, organiser: Reglab}",
        "modules: [{number: 1, title: Kluster vad och varför, phase: initiering}]",
        "participants:",
    ]
    for i in range(count):
        lines += [
            f"  - id: p{i}",
            f"    name: Deltagare {i}",
            "    role: Processledare",
            "    organisation: Science Park",
            f"    group: {1 + i // 5}",
            f"    phase: {('initiering', 'mobilisering', 'formering', 'organisering')[i % 4]}",
            "    expectations: Konkreta tips om hur man går från projekt till klusterorganisation",
        ]
    path = folder / f"program-{count}.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


_PLAIN_DECK = """
import sys
from pptx import Presentation
deck = Presentation()
layout = deck.slide_layouts[1]
for n in range(int(sys.argv[1])):
    slide = deck.slides.add_slide(layout)
    slide.shapes.title.text = f"Deltagare {n}"
    body = slide.placeholders[1].text_frame
    body.text = "Roll: Processledare"
    for line in ("Organisation: Science Park", "Förväntningar: Konkreta tips"):
        body.add_paragraph().text = line
deck.save(sys.argv[2])
"""

# The same slides as the deck's participant slides: two people side by side (no notes:
# python-pptx names each new notes slide by counting the others, a square-law cost).
_PLAIN_PAIRS = """
import sys
from pptx import Presentation
deck = Presentation()
layout = deck.slide_layouts[3]  # Two Content
facts = ("Grupp 1", "Roll: Processledare", "Organisation: Science Park", "Fas: Initiering",
         "Förväntningar: Konkreta tips om hur man går från projekt till klusterorganisation")
for n in range(int(sys.argv[1])):
    slide = deck.slides.add_slide(layout)
    slide.shapes.title.text = f"Deltagarna ({n + 1}/{sys.argv[1]})"
    for index in (1, 2):
        body = slide.placeholders[index].text_frame
        body.text = f"Deltagare {2 * n + index}"
        body.paragraphs[0].runs[0].font.bold = True
        for line in facts:
            body.add_paragraph().text = line
deck.save(sys.argv[2])
"""


def slide_count(path: Path) -> int:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        return sum(n.startswith("ppt/slides/slide") for n in archive.namelist())


def initiatives_folder(folder: Path, count: int) -> Path:
    source = (ROOT / "inputs" / "smart-textiles.yaml").read_text(encoding="utf-8")
    target = folder / f"many-{count}"
    target.mkdir()
    shutil.copy(ROOT / "inputs" / "smart-textiles-logo.png", target)  # the files' logo
    for n in range(count):
        text = source.replace("name: Smart Textiles", f"name: Kluster {n}").replace(
            "short_name: smart-textiles", f"short_name: kluster-{n}"
        )
        (target / f"kluster-{n}.yaml").write_text(text, encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the longest runs")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rows: list[tuple[str, str, str, str]] = []
    work = Path(tempfile.mkdtemp(prefix="klusterdocs-bench-"))
    try:
        (help_time, _), (click_import, _) = compare(
            [*CLI, "--help"], [PYTHON, "-c", "import click"], args.runs * 3
        )
        rows.append(
            (
                '`--help` / `python -c "import click"`',
                f"{help_time * 1000:.0f} ms / {click_import * 1000:.0f} ms",
                f"{help_time / click_import:.2f}",
                "≤ 1.5",
            )
        )

        (plan, _), (imports, _) = compare(
            [*CLI, "plan", "inputs/smart-textiles.yaml", "-o", str(work / "plan")],
            [PYTHON, "-c", "import docxtpl, click, yaml"],
            args.runs * 3,
        )
        rows.append(
            (
                '`plan` on the example / `python -c "import docxtpl, click, yaml"`',
                f"{plan * 1000:.0f} ms / {imports * 1000:.0f} ms",
                f"{plan / imports:.2f}",
                "≤ 1.5",
            )
        )

        cache = work / "cache"  # emptied before each run: a first run after installing
        os.environ["KLUSTERDOCS_CACHE"] = str(cache)
        (cold, _), (imports, _) = compare(
            [*CLI, "plan", "inputs/smart-textiles.yaml", "-o", str(work / "plan")],
            [PYTHON, "-c", "import docxtpl, click, yaml"],
            args.runs * 3,
            before=lambda: shutil.rmtree(cache, ignore_errors=True),
        )
        del os.environ["KLUSTERDOCS_CACHE"]
        rows.append(
            (
                '`plan`, empty cache / `python -c "import docxtpl, click, yaml"`',
                f"{cold * 1000:.0f} ms / {imports * 1000:.0f} ms",
                f"{cold / imports:.2f}",
                "≤ 1.6",
            )
        )
        # What no first run can avoid: the chart writer (python-pptx, XlsxWriter) and Jinja,
        # beside the baseline's click and yaml. The floor under the row above.
        (floor, _), (imports, _) = compare(
            [PYTHON, "-c", "import pptx.chart.data, xlsxwriter, jinja2, click, yaml"],
            [PYTHON, "-c", "import docxtpl, click, yaml"],
            args.runs * 3,
        )
        rows.append(
            (
                "the imports an empty-cache `plan` needs (charts, Jinja) / the same baseline",
                f"{floor * 1000:.0f} ms / {imports * 1000:.0f} ms",
                f"{floor / imports:.2f}",
                "",
            )
        )

        (checked, _), (click_yaml, _) = compare(
            [*CLI, "validate", "inputs/smart-textiles.yaml"],
            [PYTHON, "-c", "import click, yaml"],
            args.runs * 3,
        )
        rows.append(
            (
                '`validate` on the example / `python -c "import click, yaml"`',
                f"{checked * 1000:.0f} ms / {click_yaml * 1000:.0f} ms",
                f"{checked / click_yaml:.2f}",
                "≤ 1.5",
            )
        )

        many = initiatives_folder(work, 200)
        measure([*CLI, "build", str(many), "-o", str(work / "nc")], 1)  # then nothing to do
        (nothing, _), (nothing_one, _) = compare(
            [*CLI, "build", str(many), "-o", str(work / "nc")],
            [*CLI, "build", str(many / "kluster-0.yaml"), "-o", str(work / "nc")],
            args.runs,
        )
        rows.append(
            (
                "no-change `build` of 200 initiatives / of 1",
                f"{nothing * 1000:.0f} ms / {nothing_one * 1000:.0f} ms",
                f"{nothing / nothing_one:.2f}",
                "≤ 1.5",
            )
        )

        decks = {}
        for count in (20, 500):
            program = cohort_program(work, count)
            target = work / f"deck-{count}"
            deck = [*CLI, "deck", str(program), "--module", "1", "-o", str(target)]
            measure(deck, 1)
            [made] = target.glob("*/modul-1.pptx")
            slides = slide_count(made)
            (seconds, _), (plain, _), (pairs, _) = in_turns(
                [
                    deck,
                    [PYTHON, "-c", _PLAIN_DECK, str(slides), str(work / f"plain-{count}.pptx")],
                    [PYTHON, "-c", _PLAIN_PAIRS, str(slides), str(work / f"pairs-{count}.pptx")],
                ],
                args.runs,
            )
            decks[count] = (seconds, slides, plain, pairs)
        (t20, s20, p20, q20), (t500, s500, p500, q500) = decks[20], decks[500]
        ours = (t500 - t20) / (s500 - s20)
        for what, theirs in (
            ("title-and-body slides", (p500 - p20) / (s500 - s20)),
            ("the same two-person slides", (q500 - q20) / (s500 - s20)),
        ):
            rows.append(
                (
                    f"`deck`: time per slide (500 vs 20 participants) / a plain python-pptx "
                    f"script's, {what}",
                    f"{ours * 1000:.1f} ms / {theirs * 1000:.1f} ms ({s500} vs {s20} slides)",
                    f"{ours / theirs:.2f}",
                    "≤ 1.5",
                )
            )

        small = actors_file(work, 2_000)
        small_time, small_memory = measure(
            [*CLI, "stakeholders", str(small), "-o", str(work / "s")], max(1, args.runs // 2)
        )
        rows.append(
            ("`stakeholders`, 2,000 actors", f"{small_time:.1f} s, {small_memory:.0f} MiB", "", "")
        )
        if not args.quick:
            large = actors_file(work, 20_000)
            stakeholders = [*CLI, "stakeholders", str(large), "-o", str(work / "s")]
            pandoc_command = ["pandoc", "-f", "markdown", "-t", "docx", "-o"]
            if shutil.which("pandoc"):
                pandoc_command += [str(work / "pandoc.docx"), str(markdown_table(work, 20_000))]
                (large_time, large_memory), (pandoc, _) = compare(stakeholders, pandoc_command, 2)
            else:
                large_time, large_memory = measure(stakeholders, 1)
            rows.append(
                (
                    "`stakeholders`, 20,000 actors",
                    f"{large_time:.1f} s, {large_memory:.0f} MiB",
                    "",
                    "",
                )
            )
            rows.append(
                ("t(20,000 actors) / t(2,000 actors)", "", f"{large_time / small_time:.1f}", "≤ 12")
            )
            typos = typos_file(work, 20_000, 600)
            typo_time, _ = measure([*CLI, "validate", str(typos)], 1, expected_exit=1)
            rows.append(
                (
                    "`validate`, 20,000 actors, 600 misspelt partners",
                    f"{typo_time:.1f} s",
                    "",
                    "≤ 10 s",
                )
            )
            rows.append(("peak memory, 20,000 actors", f"{large_memory:.0f} MiB", "", "≤ 300 MiB"))
            if shutil.which("pandoc"):
                rows.append(
                    (
                        "t(20,000 actors) / pandoc, the same table from Markdown",
                        f"{large_time:.1f} s / {pandoc:.1f} s",
                        f"{large_time / pandoc:.2f}",
                        "≤ 0.4",
                    )
                )
            else:
                rows.append(("… / pandoc", "pandoc not installed", "", "≤ 0.4"))

            folder = initiatives_folder(work, 40)
            batch, _ = measure([*CLI, "build", str(folder), "-o", str(work / "b"), "--force"], 1)
            started = time.perf_counter()
            for path in sorted(folder.glob("*.yaml")):
                measure([*CLI, "build", str(path), "-o", str(work / "one"), "--force"], 1)
            separate = time.perf_counter() - started
            rows.append(
                (
                    "`build` of 40 initiatives / 40 separate `build` runs",
                    f"{batch:.1f} s / {separate:.1f} s",
                    f"{batch / separate:.2f}",
                    "≤ 0.3",
                )
            )

            two, _ = measure(
                [*CLI, "build", str(folder), "-o", str(work / "j"), "-j", "2", "--force"], 1
            )
            one, _ = measure(
                [*CLI, "build", str(folder), "-o", str(work / "j"), "-j", "1", "--force"], 1
            )
            rows.append(
                (
                    "`build -j 2` / `build -j 1`, 40 initiatives",
                    f"{two:.1f} s / {one:.1f} s",
                    f"{two / one:.2f}",
                    "≤ 0.6" if (os.cpu_count() or 1) >= 2 else "(one core)",
                )
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)

    cpu = platform.processor() or platform.machine()
    print(
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}, {platform.system()}.\n"
    )
    print("| what | measured | ratio | goal |")
    print("|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
