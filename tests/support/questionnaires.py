"""copier.yml as it will read once every framework is enabled: what must hold that day."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import yaml

from scaffold.combinations import valid_combinations
from scaffold.questionnaire import Questionnaire, load

REPO_ROOT = Path(__file__).resolve().parents[2]


def config_with_every_framework() -> dict[str, Any]:
    """copier.yml's content without the "not available yet" validators of its frameworks."""
    config = yaml.safe_load((REPO_ROOT / "copier.yml").read_text(encoding="utf-8"))
    for choice in config["framework"]["choices"].values():
        if "not available yet" in choice.get("validator", ""):
            del choice["validator"]
    return config


def every_framework_enabled(directory: Path) -> Questionnaire:
    """Write that copier.yml into `directory` and load it."""
    path = directory / "copier.yml"
    path.write_text(yaml.safe_dump(config_with_every_framework(), sort_keys=False), "utf-8")
    return load(path)


def combinations_once_all_enabled() -> int:
    """How many valid combinations copier.yml will have once every framework is enabled."""
    with tempfile.TemporaryDirectory() as directory:
        return len(valid_combinations(every_framework_enabled(Path(directory))))
