from klusterdocs.cli import main

main()
