from klusterdocs.cli import run

run()
