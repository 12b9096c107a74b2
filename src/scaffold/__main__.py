"""Run the scaffold command line: ``python -m scaffold``."""

from scaffold.cli import run

run()
