"""``python -m paperkit`` runs the command line."""

from paperkit.cli import main

raise SystemExit(main())
