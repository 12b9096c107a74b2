"""Locate the template: copier.yml and templates/."""

from __future__ import annotations

from pathlib import Path

from scaffold.errors import TemplateNotFound

__all__ = ["template_root"]

_PACKAGE = Path(__file__).resolve().parent
# A source checkout: src/scaffold/ sits two levels below the repository root.
_REPO_ROOT = _PACKAGE.parents[1]
# A wheel: pyproject's force-include puts copier.yml and templates/ here.
_BUNDLED = _PACKAGE / "_template"


def template_root() -> Path:
    """Return the directory holding copier.yml and templates/.

    A git checkout comes first because `copier update` needs the template's history; then the copy
    bundled in the wheel; then a checkout without git (an unpacked sdist).

    Raises:
        TemplateNotFound: When none of them has a copier.yml.
    """
    has_config = (_REPO_ROOT / "copier.yml").is_file()
    if has_config and (_REPO_ROOT / ".git").exists():
        return _REPO_ROOT
    if (_BUNDLED / "copier.yml").is_file():
        return _BUNDLED
    if has_config:
        return _REPO_ROOT
    raise TemplateNotFound(searched=(_REPO_ROOT, _BUNDLED))
