"""Generation: whole-process `scaffold new --no-input` per framework's fullest combination, against
a floor measured in the same run (Copier rendering a minimal 10-file template) and, side by side,
cookiecutter-django generating its default project; then scaffold's start-up (`--version`,
`--help`).

The runs of the floor, plain `copier copy` of this template, `scaffold new` and cookiecutter-django
are interleaved, so that a shared CPU's drift falls on all of them. Wall time and peak RSS (wait4)
per process; one warm-up round first (byte-code, page cache). When `scaffold new` is not there
yet, `copier copy` stands in for it and the report says so.

cookiecutter-django is not part of this repository: point `BENCH_COOKIECUTTER_DJANGO` at a
checkout of it (github.com/cookiecutter/cookiecutter-django) and `BENCH_COOKIECUTTER` at a
`cookiecutter` executable installed apart from this project (default: `cookiecutter` on PATH), or
pass them as `python -m bench.generation --cookiecutter-django PATH --cookiecutter EXE`.

Both generators end by resolving the project's dependencies against the package index:
cookiecutter-django's post-generation hook runs `uv add` of its requirements, `scaffold new` runs
`uv lock`. That is the network and the resolver, not generation, and cookiecutter-django's cannot
run offline from its template (it asks for a Python that uv downloads). So the side-by-side
figure gives both the same `uv` that does nothing: on PATH for cookiecutter-django's hook, and
as the `uv` module scaffold finds its binary with. `scaffold new` as a user runs it, `uv lock`
included, is measured beside them.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import REPO, VENV_BIN, combination_id, log, median, timed_process, work_dir
from scaffold.questionnaire import load
from tests.support.combinations import enabled_frameworks, fullest

FLOOR_FILES = 10
UV_STOOD_IN = "scaffold new, uv stood in"
COOKIECUTTER_DJANGO = "cookiecutter-django (default project)"
COOKIECUTTER_DJANGO_VARIABLE = "BENCH_COOKIECUTTER_DJANGO"
COOKIECUTTER_VARIABLE = "BENCH_COOKIECUTTER"
STARTUP_RUNS = 15


def cookiecutter_django() -> tuple[Path, str] | None:
    """The cookiecutter-django checkout and the cookiecutter executable, when both are given."""
    checkout = os.environ.get(COOKIECUTTER_DJANGO_VARIABLE)
    if not checkout or not (Path(checkout) / "cookiecutter.json").is_file():
        return None
    executable = os.environ.get(COOKIECUTTER_VARIABLE) or shutil.which("cookiecutter")
    if executable is None:
        return None
    return Path(checkout), executable


def uv_stand_in(root: Path) -> Path:
    """A folder holding a `uv` that does nothing, for cookiecutter-django's post-gen hook."""
    folder = root / "uv-stand-in"
    folder.mkdir(parents=True, exist_ok=True)
    uv = folder / "uv"
    uv.write_text("#!/bin/sh\nexit 0\n")
    uv.chmod(0o755)
    return folder


def uv_module_stand_in(root: Path) -> Path:
    """A folder for PYTHONPATH whose `uv` module points scaffold at the `uv` that does nothing."""
    folder = root / "uv-module-stand-in"
    (folder / "uv").mkdir(parents=True, exist_ok=True)
    binary = uv_stand_in(root) / "uv"
    (folder / "uv" / "__init__.py").write_text(
        f"def find_uv_bin() -> str:\n    return {str(binary)!r}\n"
    )
    return folder


def floor_template(root: Path) -> Path:
    """A minimal Copier template: one question, ten small templated files."""
    template = root / "floor-template"
    template.mkdir(parents=True)
    (template / "copier.yml").write_text(
        "project_name:\n  type: str\n  default: Floor\n_templates_suffix: .jinja\n"
    )
    for number in range(FLOOR_FILES):
        (template / f"file{number}.txt.jinja").write_text(
            f"File {number} of {{{{ project_name }}}}.\n"
        )
    return template


def scaffold_new_flags() -> str | None:
    """`scaffold new --help`, or None when the command does not exist (yet)."""
    result = subprocess.run(
        [str(VENV_BIN / "scaffold"), "new", "--help"], capture_output=True, text=True, check=False
    )
    return result.stdout if result.returncode == 0 and "--no-input" in result.stdout else None


def option_flags(combination: dict[str, Any], help_text: str) -> list[str]:
    """The combination as `scaffold new` flags (--framework X, --api-docs/--no-api-docs, ...),
    using whichever spelling of each option its --help lists."""
    flags: list[str] = []
    for question in load().option_questions():
        value = combination[question.name]
        spellings = [
            question.name.replace("_", "-"),
            question.name.removeprefix("use_").replace("_", "-"),
        ]
        name = next((s for s in spellings if f"--{s}" in help_text), None)
        if name is None:
            raise RuntimeError(f"`scaffold new --help` lists no flag for {question.name}")
        if question.type == "bool":
            flags.append(f"--{name}" if value else f"--no-{name}")
        else:
            flags += [f"--{name}", str(value)]
    return flags


def commands(
    framework: str, floor: Path, dest: Path, help_text: str | None
) -> dict[str, list[str]]:
    combination = fullest(framework)
    copier_command = [
        str(VENV_BIN / "copier"),
        "copy",
        "--defaults",
        "--quiet",
        "--vcs-ref",
        "HEAD",
    ]
    for key, value in combination.items():
        copier_command += [
            "-d",
            f"{key}={str(value).lower() if isinstance(value, bool) else value}",
        ]
    found = {
        "floor": [str(VENV_BIN / "copier"), "copy", "--defaults", "--quiet", str(floor), str(dest)],
        "copier copy": [*copier_command, str(REPO), str(dest)],
    }
    if help_text is not None:
        found["scaffold new"] = [
            str(VENV_BIN / "scaffold"),
            "new",
            str(dest),
            "--no-input",
            *option_flags(combination, help_text),
        ]
        if "--no-git" in help_text:
            found["scaffold new --no-git"] = [*found["scaffold new"], "--no-git"]
    if "scaffold new" in found:
        found[UV_STOOD_IN] = found["scaffold new"]
    if (other := cookiecutter_django()) is not None:
        checkout, executable = other
        found[COOKIECUTTER_DJANGO] = [executable, "--no-input", "-o", str(dest), str(checkout)]
    return found


def profile(command: list[str], cwd: Path, dest: Path) -> dict[str, Any]:
    """cProfile the same process; the share of imports, Jinja compiling and rendering, git."""
    stats_file = cwd / "generation.pstats"
    module = {"copier": "copier", "scaffold": "scaffold"}[Path(command[0]).name]
    shutil.rmtree(dest, ignore_errors=True)
    timed_process(
        [sys.executable, "-m", "cProfile", "-o", stats_file, "-m", module, *command[1:]], cwd=cwd
    )
    stats = pstats.Stats(str(stats_file)).stats  # type: ignore[attr-defined]
    total = max(v[3] for v in stats.values())
    rows = [
        {
            "file": filename,
            "function": name,
            "line": line,
            "calls": calls,
            "tottime_s": tottime,
            "cumtime_s": cumtime,
        }
        for (filename, line, name), (_cc, calls, tottime, cumtime, _callers) in stats.items()
    ]

    def cumulative(file_pattern: str, names: set[str]) -> float:
        return float(
            sum(
                r["cumtime_s"]
                for r in rows
                if re.search(file_pattern, r["file"]) and r["function"] in names
            )
        )

    shares = {
        "imports": max(
            (r["cumtime_s"] for r in rows if r["function"] == "_find_and_load"), default=0
        ),
        "Jinja compile (parse + codegen + compile)": cumulative(
            r"jinja2/environment\.py$", {"compile"}
        ),
        "Jinja render": cumulative(r"jinja2/environment\.py$", {"render"}),
    }
    # The processes it waits for: `uv lock` (scaffold.install), then git and any other.
    processes = cumulative(r"subprocess\.py$", {"_execute_child", "communicate"})
    shares["processes: uv lock"] = cumulative(r"scaffold/install\.py$", {"lock_dependencies"})
    shares["processes: git and others"] = processes - shares["processes: uv lock"]
    shares["everything else"] = total - sum(shares.values())
    # The same Jinja work by what it renders (these overlap the shares above).
    by_source = {}
    for label, file_pattern, name in (
        (
            "copier.yml questions (defaults, validators, labels)",
            r"copier/_user_data\.py$",
            "render_value",
        ),
        ("file and folder names", r"copier/_main\.py$", "_render_path"),
        ("file contents", r"copier/_main\.py$", "_render_file"),
    ):
        matching = [r for r in rows if re.search(file_pattern, r["file"]) and r["function"] == name]
        by_source[label] = {
            "seconds": sum(r["cumtime_s"] for r in matching),
            "calls": sum(r["calls"] for r in matching),
        }
    compiles = sum(
        r["calls"]
        for r in rows
        if r["function"] == "compile" and r["file"].endswith("jinja2/environment.py")
    )
    top = sorted(
        (
            r
            for r in rows
            if re.search(r"copier/|jinja2/|plumbum/|scaffold/|questionary/", r["file"])
        ),
        key=lambda r: -r["cumtime_s"],
    )[:12]
    for row in top:
        row["function"] = (
            f"{row['file'].split('site-packages/')[-1]}:{row['line']}({row['function']})"
        )
        del row["file"], row["line"]
    return {
        "total_s": total,
        "shares": shares,
        "top": top,
        "jinja_compiles": compiles,
        "by_source": by_source,
    }


def measure_framework(framework: str, runs: int, help_text: str | None) -> dict[str, Any]:
    # Outside this checkout, as a user generates: inside a git repository `scaffold new` leaves
    # the project to that repository and skips its own `git init` and first commit.
    root = Path(tempfile.mkdtemp(prefix=f"scaffold-generation-{framework}-"))
    floor = floor_template(root)
    dest = root / "out"
    variants = commands(framework, floor, dest, help_text)
    # The same `uv` that does nothing, for both generators' dependency resolution.
    environments = {
        COOKIECUTTER_DJANGO: {
            **os.environ,
            "PATH": f"{uv_stand_in(root)}{os.pathsep}{os.environ['PATH']}",
        },
        UV_STOOD_IN: {**os.environ, "PYTHONPATH": str(uv_module_stand_in(root))},
    }
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name in variants}
    files: dict[str, int] = {}
    for round_number in range(runs + 1):
        order = list(variants.items())
        for name, command in order if round_number % 2 else reversed(order):
            shutil.rmtree(dest, ignore_errors=True)
            timed = timed_process(command, cwd=root, env=environments.get(name))
            if timed.returncode != 0:
                raise RuntimeError(f"{name} failed ({timed.returncode}):\n{timed.output[-3000:]}")
            if round_number:  # round 0 is the warm-up
                samples[name].append((timed.wall, timed.max_rss_mib))
            files[name] = sum(
                1 for path in dest.rglob("*") if path.is_file() and ".git" not in path.parts
            )
    rows = []
    floor_wall = median([wall for wall, _ in samples["floor"]])
    for name, got in samples.items():
        walls = [wall for wall, _ in got]
        rows.append(
            {
                "variant": name,
                "wall_s": median(walls),
                "walls": walls,
                "max_rss_mib": median([rss for _, rss in got]),
                "ratio": median(walls) / floor_wall,
                "files": files[name],
            }
        )
        log(
            f"generation {framework} {name}: {rows[-1]['wall_s']:.2f} s ({rows[-1]['ratio']:.2f}x "
            "floor)"
        )
    measured = "scaffold new" if "scaffold new" in variants else "copier copy"
    side_by_side = None
    if COOKIECUTTER_DJANGO in samples:
        # Like for like: both with the `uv` that does nothing (see the module's docstring).
        compared = UV_STOOD_IN if UV_STOOD_IN in samples else measured
        ours = median([wall for wall, _ in samples[compared]])
        theirs = median([wall for wall, _ in samples[COOKIECUTTER_DJANGO]])
        side_by_side = {
            "compared": compared,
            "scaffold_s": ours,
            "scaffold_as_run_s": median([wall for wall, _ in samples[measured]]),
            "cookiecutter_django_s": theirs,
            "ratio": ours / theirs,
            "scaffold_files": files[measured],
            "cookiecutter_django_files": files[COOKIECUTTER_DJANGO],
        }
        log(f"generation {framework}: {side_by_side['ratio']:.2f}x cookiecutter-django")
    profiles = {name: profile(variants[name], root, dest) for name in ("floor", measured)}
    rows.sort(key=lambda row: list(variants).index(str(row["variant"])))
    shutil.rmtree(root, ignore_errors=True)
    return {
        "framework": framework,
        "combination": combination_id(fullest(framework)),
        "files": files[measured],
        "measured": measured,
        "against_cookiecutter_django": side_by_side,
        "commands": {
            name: " ".join(Path(c[0]).name if i == 0 else c for i, c in enumerate(command))
            for name, command in variants.items()
        },
        "rows": rows,
        "profiles": profiles,
    }


def startup(runs: int) -> dict[str, Any]:
    """Whole-process `scaffold --version` and `scaffold --help`, beside a bare `python -c pass`."""
    root = work_dir("startup")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "scaffold --version": [str(VENV_BIN / "scaffold"), "--version"],
        "scaffold --help": [str(VENV_BIN / "scaffold"), "--help"],
    }
    walls: dict[str, list[float]] = {name: [] for name in commands}
    for round_number in range(runs + 1):
        for name, command in commands.items():
            timed = timed_process(command, cwd=root)
            if timed.returncode != 0:
                raise RuntimeError(f"{name} failed ({timed.returncode}):\n{timed.output[-3000:]}")
            if round_number:
                walls[name].append(timed.wall)
    shutil.rmtree(root, ignore_errors=True)
    result = {name: {"wall_s": median(got), "walls": got} for name, got in walls.items()}
    for name, row in result.items():
        log(f"startup {name}: {row['wall_s']:.3f} s")
    return result


def run(*, quick: bool) -> dict[str, Any]:
    runs = 5 if quick else 7
    help_text = scaffold_new_flags()
    if help_text is None:
        log("generation: `scaffold new --no-input` is not there yet; measuring `copier copy`")
    if cookiecutter_django() is None:
        log(f"generation: {COOKIECUTTER_DJANGO_VARIABLE} not set; no side-by-side figure")
    return {
        "runs": runs,
        "scaffold_new": help_text is not None,
        "floor_files": FLOOR_FILES,
        "frameworks": [measure_framework(f, runs, help_text) for f in enabled_frameworks()],
        "startup": startup(STARTUP_RUNS if not quick else 7),
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.generation", description=__doc__)
    parser.add_argument("--cookiecutter-django", metavar="PATH", help="a checkout of it")
    parser.add_argument("--cookiecutter", metavar="EXE", help="the cookiecutter to run it with")
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args()
    if args.cookiecutter_django:
        os.environ[COOKIECUTTER_DJANGO_VARIABLE] = args.cookiecutter_django
    if args.cookiecutter:
        os.environ[COOKIECUTTER_VARIABLE] = args.cookiecutter
    print(json.dumps(run(quick=args.quick), indent=1, default=str))


if __name__ == "__main__":
    main()
