"""scaffold's own template: where copier.yml and templates/ are, and its git copy for updates."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from scaffold import __version__, git
from scaffold.errors import TemplateNotFound

__all__ = [
    "DATA_DIR_VARIABLE",
    "default_store",
    "is_own_source",
    "stored_template",
    "template_root",
]

DATA_DIR_VARIABLE = "SCAFFOLD_DATA_DIR"
"""Where the wheel's bundled template becomes a git repository (default: the user data dir)."""

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


def default_store() -> Path:
    """Return the folder that keeps the bundled template's git repository."""
    configured = os.environ.get(DATA_DIR_VARIABLE)
    if configured:
        return Path(configured)
    import platformdirs

    return platformdirs.user_data_path("scaffold")


def stored_template(root: Path, *, store: Path | None = None) -> tuple[Path, str]:
    """Commit the template folder `root` into the git repository `store`/template and tag it.

    The tag is ``v<scaffold version>``; the same version with different content (a development
    build) gets ``v<version>+<tree>``, a PEP 440 local version. Each scaffold version installed
    adds its tag, so `copier update` finds both a project's old version and the new one.
    """
    repo = (store or default_store()) / "template"
    if git.toplevel(repo) != repo.resolve():
        repo.mkdir(parents=True, exist_ok=True)
        git.init_repository(repo)
    for child in repo.iterdir():
        if child.name != ".git":
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    ignore = shutil.ignore_patterns("__pycache__", "*.py[co]")
    for child in root.iterdir():
        if child.name in {".git", "__pycache__"}:
            continue
        if child.is_dir():
            shutil.copytree(child, repo / child.name, ignore=ignore)
        else:
            shutil.copy2(child, repo / child.name)
    return repo, git.tag_tree(repo, f"v{__version__}", message=f"scaffold {__version__}")


def is_own_source(source: str) -> bool:
    """Tell whether `source` (a project's `_src_path`) is scaffold's own template or its copy."""
    if git.is_url(source):
        return False
    path = Path(source).resolve()
    return path in {template_root().resolve(), (default_store() / "template").resolve()}
