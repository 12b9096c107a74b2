"""Run the scaffold command line: ``python -m scaffold``."""

from scaffold.cli import main

raise SystemExit(main())
