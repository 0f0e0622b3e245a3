#!/usr/bin/env python3
"""Time `intercom-wizard install` on the fixture apps and on a generated 100,000-file tree.

Every command runs as a subprocess of `sys.executable -m intercom_wizard`, in copies made in a
temporary directory (removed at the end). Each figure is the median of --repeat runs. After every
wizard run the copy is put back exactly as it was, so each repetition does the same work.

Each figure is wall seconds and CPU seconds (user + system of the command and its children, from the
operating system's accounting): on a shared machine CPU is the steadier one. The last section puts the
ratios issue 14 asks about side by side: `intercom-wizard --version` against `python -c pass`, and
`install --dry-run` on the generated git tree against bench/floor_scan.py (git's listing plus one read
and byte scan of the same files, the least any tool has to do).

Usage: python bench/install_bench.py [--repeat 5] [--files 100000] [--tmpdir DIR]
"""

from __future__ import annotations

import argparse
import math
import os
import resource
import secrets
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import count, islice
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "src" / "intercom_wizard" / "samples" / "flask_notes"
FLOOR_SCRIPT = REPO / "bench" / "floor_scan.py"
FIXTURES = (
    SAMPLE,
    REPO / "tests" / "fixtures" / "flask_login_app",
    REPO / "tests" / "fixtures" / "django_site",
    REPO / "tests" / "fixtures" / "express_app",
)
WORKSPACE_ID = "abc12345"
DRY_RUN_FLAGS = ("--dry-run", "--yes")
REAL_FLAGS = ("--yes", "--no-install", "--allow-dirty")
# Generated directories: ignored by git, pruned by the wizard, never touched by an install.
GENERATED_DIRS = ("node_modules", "dist", "build")
UNTRACKED_DIRS = frozenset({".git", *GENERATED_DIRS})
FORBIDDEN_WORDS = ("intercom", "Intercom", "user_hash", "intercomSettings")
GIT_IDENTITY = ("-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "-c", "commit.gpgsign=false")
MIN_FILES, MAX_FILES = 100, 1_000_000


class CommandFailed(Exception):
    def __init__(self, argv: Sequence[str], cwd: Path, completed: subprocess.CompletedProcess[str]) -> None:
        super().__init__(f"{shlex.join(argv)} (in {cwd}) exited with {completed.returncode}")
        self.stderr = completed.stderr


@dataclass(frozen=True)
class Timing:
    wall: float
    cpu: float


@dataclass(frozen=True)
class Row:
    name: str
    seconds: float
    ratio: float | None = None
    cpu: float | None = None
    cpu_ratio: float | None = None


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)


@dataclass(frozen=True)
class Snapshot:
    """Every file and folder outside UNTRACKED_DIRS, with the files' bytes, to undo an install."""

    files: dict[str, bytes]
    dirs: frozenset[str]


# ---------------------------------------------------------------- running and timing commands


def run(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    completed = subprocess.run(list(argv), cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise CommandFailed(argv, cwd, completed)
    return completed


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def time_once(argv: Sequence[str], cwd: Path, env: dict[str, str]) -> Timing:
    cpu_before = _children_cpu()
    start = time.perf_counter()
    run(argv, cwd, env)
    return Timing(time.perf_counter() - start, _children_cpu() - cpu_before)


def median_timing(
    argv: Sequence[str], cwd: Path, env: dict[str, str], repeat: int, reset: Callable[[], None] | None = None
) -> Timing:
    timings = []
    for _ in range(repeat):
        timings.append(time_once(argv, cwd, env))
        if reset is not None:
            reset()
    return Timing(statistics.median(t.wall for t in timings), statistics.median(t.cpu for t in timings))


def median_seconds(
    argv: Sequence[str], cwd: Path, env: dict[str, str], repeat: int, reset: Callable[[], None] | None = None
) -> float:
    return median_timing(argv, cwd, env, repeat, reset).wall


def paired_ratios(a: Sequence[str], b: Sequence[str], cwd: Path, env: dict[str, str], repeat: int) -> tuple[Timing, Timing, Timing]:
    """A and B run in turn (A B A B ...); medians of each and of the pair-by-pair ratios A/B (wall, CPU)."""
    first, second = [], []
    for _ in range(repeat):
        first.append(time_once(a, cwd, env))
        second.append(time_once(b, cwd, env))
    return (
        Timing(statistics.median(t.wall for t in first), statistics.median(t.cpu for t in first)),
        Timing(statistics.median(t.wall for t in second), statistics.median(t.cpu for t in second)),
        Timing(statistics.median(x.wall / y.wall for x, y in zip(first, second)),
               statistics.median(x.cpu / y.cpu if y.cpu else math.nan for x, y in zip(first, second))),
    )


def wizard(*args: str) -> list[str]:
    return [sys.executable, "-m", "intercom_wizard", *args]


def console_script() -> list[str]:
    """`intercom-wizard` as a user runs it: the console script beside this interpreter (else -m)."""
    script = Path(sys.executable).parent / "intercom-wizard"
    return [str(script)] if script.exists() else wizard()


def install_argv(path: Path, flags: Sequence[str]) -> list[str]:
    return wizard("install", str(path), "--workspace-id", WORKSPACE_ID, *flags)


def bench_env(ceiling: Path) -> dict[str, str]:
    """The caller's environment with a random identity secret, and git kept inside `ceiling`."""
    env = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    env["INTERCOM_IDENTITY_SECRET"] = secrets.token_urlsafe(32)
    env["GIT_CEILING_DIRECTORIES"] = str(ceiling)
    return env


def git_commit_all(root: Path, env: dict[str, str]) -> None:
    run(["git", "init", "-q"], root, env)
    run(["git", "add", "-A"], root, env)
    run(["git", *GIT_IDENTITY, "commit", "-q", "--no-verify", "-m", "initial"], root, env)


# ---------------------------------------------------------------- undoing an install


def walk_app(root: Path) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk below `root`, relative POSIX folder names, skipping UNTRACKED_DIRS."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in UNTRACKED_DIRS]
        relative = Path(folder).relative_to(root).as_posix()
        yield ("" if relative == "." else relative), dirs, files


def join(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def take_snapshot(root: Path) -> Snapshot:
    files: dict[str, bytes] = {}
    dirs: set[str] = set()
    for folder, subdirs, names in walk_app(root):
        dirs.update(join(folder, d) for d in subdirs)
        files.update({join(folder, n): (root / folder / n).read_bytes() for n in names})
    return Snapshot(files, frozenset(dirs))


def restore(root: Path, snapshot: Snapshot) -> None:
    """Delete what was added, rewrite what changed, recreate what was removed."""
    for folder, subdirs, names in walk_app(root):
        for extra in [d for d in subdirs if join(folder, d) not in snapshot.dirs]:
            shutil.rmtree(root / folder / extra)
            subdirs.remove(extra)
        for name in names:
            relative = join(folder, name)
            original = snapshot.files.get(relative)
            if original is None:
                (root / relative).unlink()
            elif (root / relative).read_bytes() != original:
                (root / relative).write_bytes(original)
    for relative, content in snapshot.files.items():
        path = root / relative
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)


def check_clean_content(snapshot: Snapshot) -> None:
    for relative, content in snapshot.files.items():
        text = content.decode("utf-8", errors="replace")
        if any(word in text for word in FORBIDDEN_WORDS):
            raise ValueError(f"{relative} already mentions Intercom; the benchmark tree must not.")


# ---------------------------------------------------------------- fixtures


def copy_app(source: Path, destination: Path) -> None:
    shutil.copytree(source, destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".intercom-wizard.json"))


def bench_installs(label: str, root: Path, env: dict[str, str], repeat: int, baseline: float) -> list[Row]:
    snapshot = take_snapshot(root)
    reset = partial(restore, root, snapshot)
    rows = []
    for kind, flags in (("install --dry-run", DRY_RUN_FLAGS), ("install (real)", REAL_FLAGS)):
        progress(f"{label}: {kind}")
        timing = median_timing(install_argv(root, flags), root, env, repeat, reset)
        rows.append(Row(f"{label}: {kind}", timing.wall, timing.wall / baseline, timing.cpu))
    return rows


def bench_fixtures(work: Path, env: dict[str, str], repeat: int) -> Section:
    progress("startup: intercom-wizard --version")
    startup = median_seconds(wizard("--version"), work, env, repeat)
    section = Section("fixture apps (ratio: vs `intercom-wizard --version`, i.e. interpreter start + imports)")
    section.rows.append(Row("startup: intercom-wizard --version", startup, 1.0))
    for fixture in FIXTURES:
        root = work / fixture.name
        copy_app(fixture, root)
        git_commit_all(root, env)
        section.rows += bench_installs(fixture.name, root, env, repeat, startup)
    return section


# ---------------------------------------------------------------- the generated tree


@dataclass(frozen=True)
class TreeShape:
    python_sources: int
    html_partials: int
    build_outputs: int
    node_modules: int

    @classmethod
    def for_total(cls, total: int, app_files: int) -> TreeShape:
        rest = max(total - app_files, 0)
        python_sources, html_partials, build_outputs = rest * 2 // 100, rest // 100, rest // 10
        return cls(python_sources, html_partials, build_outputs, rest - python_sources - html_partials - build_outputs)


def python_sources() -> Iterator[tuple[str, str]]:
    for i in count():
        path = f"src/area_{i // 400}/pkg_{i // 25 % 16}/module_{i}.py"
        yield path, f'"""Helper module {i}."""\n\n\ndef value_{i}(x: int) -> int:\n    return x + {i}\n'


def html_partials() -> Iterator[tuple[str, str]]:
    for i in count():
        path = f"static/section_{i // 200}/part_{i // 20 % 10}/card_{i}.html"
        yield path, f'<div class="card" id="card-{i}">\n  <h2>Card {i}</h2>\n  <p>Partial without a page body.</p>\n</div>\n'


def build_outputs() -> Iterator[tuple[str, str]]:
    for i in count():
        folder = f"{GENERATED_DIRS[1 + i % 2]}/assets/chunk_{i // 200}"
        chunk = f"chunk-{i // 2}.js"
        if i // 2 % 2 == 0:
            yield f"{folder}/{chunk}", f"(()=>{{var a{i}=function(b){{return b*{i}}};a{i}(1)}})();\n//# sourceMappingURL={chunk}.map\n"
        else:
            yield f"{folder}/{chunk}.map", f'{{"version":3,"file":"{chunk}","sources":["src/chunk{i}.ts"],"mappings":"AAAA"}}\n'


def package_files(folder: str, name: str, depth: int) -> Iterator[tuple[str, str]]:
    yield f"{folder}/package.json", f'{{\n  "name": "{name}",\n  "version": "1.{depth}.0",\n  "main": "index.js"\n}}\n'
    yield f"{folder}/index.js", "'use strict';\nmodule.exports = require('./lib/part-0');\n"
    for part in range(6 if depth == 0 else 2):
        yield f"{folder}/lib/part-{part}.js", f"'use strict';\nmodule.exports = function part{part}(x) {{ return x + {part}; }};\n"


def node_modules() -> Iterator[tuple[str, str]]:
    for p in count():
        top = f"node_modules/pkg-{p}"
        yield from package_files(top, f"pkg-{p}", 0)
        for d in range(3):
            yield from package_files(f"{top}/node_modules/dep-{p}-{d}", f"dep-{p}-{d}", 1)


def write_files(root: Path, items: Iterable[tuple[str, str]]) -> int:
    made: set[Path] = set()
    written = 0
    for relative, content in items:
        if "ntercom" in content or "user_hash" in content:
            raise ValueError(f"generated content for {relative} mentions Intercom")
        path = root / relative
        if path.parent not in made:
            path.parent.mkdir(parents=True, exist_ok=True)
            made.add(path.parent)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(descriptor, content.encode())
        finally:
            os.close(descriptor)
        written += 1
    return written


def generate_tree(root: Path, total: int, env: dict[str, str]) -> int:
    """The sample app at the root, generated files around it, the app's source committed; returns the file count."""
    copy_app(SAMPLE, root)
    with open(root / ".gitignore", "a", encoding="utf-8") as gitignore:
        gitignore.write("".join(f"{name}/\n" for name in GENERATED_DIRS))
    app_files = sum(1 for _ in root.rglob("*") if _.is_file())
    shape = TreeShape.for_total(total, app_files)
    written = app_files
    written += write_files(root, islice(python_sources(), shape.python_sources))
    written += write_files(root, islice(html_partials(), shape.html_partials))
    written += write_files(root, islice(build_outputs(), shape.build_outputs))
    written += write_files(root, islice(node_modules(), shape.node_modules))
    git_commit_all(root, env)
    return written


def git_listing_rows(root: Path, env: dict[str, str], repeat: int) -> list[Row]:
    commands = (
        ["git", "ls-files"],
        ["git", "ls-files", "--others", "--exclude-standard"],
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
    )
    rows = []
    for argv in commands:
        progress(" ".join(argv))
        rows.append(Row(" ".join(argv), median_seconds(argv, root, env, repeat)))
    baseline = rows[0].seconds
    return [Row(row.name, row.seconds, row.seconds / baseline) for row in rows]


def target_rows(work: Path, big_tree: Path, env: dict[str, str], repeat: int) -> Section:
    """The two ratios of issue 14, each from paired runs (A B A B ...)."""
    section = Section("issue 14 ratios (paired runs: median of A/B pair by pair; targets: <= 2x and <= 3x)")
    progress("paired: intercom-wizard --version vs python -c pass")
    version, bare, ratio = paired_ratios([*console_script(), "--version"], [sys.executable, "-c", "pass"], work, env, max(repeat, 5))
    section.rows += [
        Row("python -c pass", bare.wall, None, bare.cpu),
        Row("intercom-wizard --version", version.wall, ratio.wall, version.cpu, ratio.cpu),
    ]
    progress("paired: install --dry-run (big tree, git) vs bench/floor_scan.py")
    snapshot = take_snapshot(big_tree)
    install, floor, ratio = paired_ratios(
        install_argv(big_tree, DRY_RUN_FLAGS), [sys.executable, str(FLOOR_SCRIPT), str(big_tree)], big_tree, env, repeat
    )
    restore(big_tree, snapshot)
    section.rows += [
        Row("floor: git ls-files + read/scan (floor_scan.py)", floor.wall, None, floor.cpu),
        Row("big tree (git): install --dry-run", install.wall, ratio.wall, install.cpu, ratio.cpu),
    ]
    return section


def bench_big_tree(work: Path, env: dict[str, str], repeat: int, total: int) -> list[Section]:
    root = work / "big_app"
    progress(f"generating {total} files in {root}")
    start = time.perf_counter()
    files = generate_tree(root, total, env)
    generated_in = time.perf_counter() - start
    snapshot = take_snapshot(root)
    check_clean_content(snapshot)
    counts = f"{files} files, {len(snapshot.files)} outside node_modules/dist/build, generated and committed in {generated_in:.1f} s"

    in_git = Section(f"generated tree, git repo ({counts}; ratio: vs `git ls-files`)")
    in_git.rows += git_listing_rows(root, env, repeat)
    ls_files = in_git.rows[0].seconds
    in_git.rows += bench_installs("big tree (git)", root, env, repeat, ls_files)
    targets = target_rows(work, root, env, repeat)

    shutil.rmtree(root / ".git")
    no_git = Section("generated tree, .git removed (ratio: vs `git ls-files` above, measured with .git)")
    progress("find . -type f")
    walk = median_seconds(["find", ".", "-type", "f"], root, env, repeat)
    no_git.rows.append(Row("find . -type f (whole tree)", walk, walk / ls_files))
    no_git.rows += bench_installs("big tree (no git)", root, env, repeat, ls_files)
    return [in_git, no_git, targets]


# ---------------------------------------------------------------- output and entry point


def progress(message: str) -> None:
    print(f"... {message}", file=sys.stderr, flush=True)


def format_sections(sections: Sequence[Section], header: Sequence[str]) -> str:
    width = max(len(row.name) for section in sections for row in section.rows)
    lines = [*header, ""]
    for section in sections:
        lines += [section.title, f"{'name':<{width}}  {'median_s':>9}  {'ratio':>8}  {'cpu_s':>7}  {'cpu ratio':>9}"]
        for row in section.rows:
            ratio = "-" if row.ratio is None else f"{row.ratio:.2f}x"
            cpu = "-" if row.cpu is None else f"{row.cpu:.3f}"
            cpu_ratio = "-" if row.cpu_ratio is None else f"{row.cpu_ratio:.2f}x"
            lines.append(f"{row.name:<{width}}  {row.seconds:>9.3f}  {ratio:>8}  {cpu:>7}  {cpu_ratio:>9}")
        lines.append("")
    return "\n".join(lines)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement; the median is reported (default 5)")
    parser.add_argument("--files", type=int, default=100_000, help="files in the generated tree (default 100000)")
    parser.add_argument("--tmpdir", type=Path, default=None, help="where to make the temporary directory (default: the system's, see TMPDIR)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not MIN_FILES <= args.files <= MAX_FILES:
        parser.error(f"--files must be between {MIN_FILES} and {MAX_FILES}")
    if args.tmpdir is not None and not args.tmpdir.is_dir():
        parser.error(f"--tmpdir {args.tmpdir} is not a directory")
    return args


def git_version() -> str:
    return subprocess.run(["git", "--version"], capture_output=True, text=True, check=False).stdout.strip()


def compile_bytecode() -> None:
    """Compile the wizard's modules once, as `pip install` does for a wheel: otherwise, with
    PYTHONDONTWRITEBYTECODE set or a source changed since, every timed run would compile them again."""
    import intercom_wizard

    package = Path(intercom_wizard.__file__).parent
    progress(f"compiling bytecode in {package}")
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True, stdout=subprocess.DEVNULL)


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} (1 min) / {five:.2f} (5 min) / {fifteen:.2f} (15 min)"


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    compile_bytecode()
    load_before = load_average()
    with tempfile.TemporaryDirectory(prefix="intercom-wizard-bench-", dir=args.tmpdir) as temp:
        work = Path(temp).resolve()
        env = bench_env(work)
        try:
            sections = [bench_fixtures(work, env, args.repeat), *bench_big_tree(work, env, args.repeat, args.files)]
        except CommandFailed as failure:
            print(f"command failed: {failure}", file=sys.stderr)
            print(failure.stderr, file=sys.stderr, end="" if failure.stderr.endswith("\n") else "\n")
            return 1
        progress("removing temporary files")
    header = (
        f"intercom-wizard install benchmark: median of {args.repeat} runs, seconds",
        f"python {sys.version.split()[0]} ({sys.executable}), {git_version()}, {os.cpu_count()} CPUs",
        f"temporary directory in {args.tmpdir or tempfile.gettempdir()}",
        f"{load_before} at the start, {load_average()} at the end",
    )
    print(format_sections(sections, header))
    return 0


if __name__ == "__main__":
    sys.exit(main())
