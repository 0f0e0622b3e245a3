"""`ProjectTree.mentioning` (one search over many files' joined bytes) answers exactly what `mentions`
answers file by file, in the caller's order; `glob`'s extension index answers as a pass over every file."""

import os
import random
from pathlib import Path

import pytest

from intercom_wizard.tree import ProjectTree

NEEDLE_SETS: list[tuple[bytes, ...]] = [
    (b"Flask(",),
    (b"ntercom", b"user_hash"),
    (b"flask_login", b"g.user", b"session"),
    (b"</body>",),
    (b"a",),
    (b"ab", b"ba", b"zz"),
    (b"content-security-policy", b"talisman(", b"helmet("),
    (b"x\nx",),  # across a line break: still inside one file
]


def per_file(tree: ProjectTree, paths: list[str], needles: tuple[bytes, ...], *, ignore_case: bool = False) -> list[str]:
    return [path for path in paths if tree.mentions(path, needles, ignore_case=ignore_case)]


def _write(root: Path, relative: str, data: bytes) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def test_same_answer_as_mentions_on_random_files(tmp_path: Path) -> None:
    """Needles at a file's start and end (beside the separator), upper case, NUL bytes, empty and non-ASCII files."""
    rng = random.Random(14)
    pieces = [b"Flask(", b"FLASK(", b"ntercom", b"user_hash", b"session", b"</BODY>", b"</body>", b"a", b"b", b"z", b"\n", b"x", b"\0", b" ", b"Talisman(", b"\xc5\xbf", b"\xff"]
    root = tmp_path / "app"
    for number in range(300):
        chosen = rng.choices(pieces, weights=[2] * 15 + [1, 1], k=rng.randrange(0, 6))
        _write(root, f"pkg_{number % 7}/file_{number}.py", b"".join(chosen))
    tree = ProjectTree(root)
    paths = list(tree.files)
    shuffled = rng.sample(paths, len(paths))
    for needles in NEEDLE_SETS:
        for ignore_case in (False, True):
            if ignore_case and any(needle != needle.lower() for needle in needles):
                continue  # with ignore_case, needles are lower-case ASCII (mentions' contract)
            for subset in (paths, shuffled, paths[::3], paths[-1:], []):
                assert tree.mentioning(subset, needles, ignore_case=ignore_case) == per_file(tree, subset, needles, ignore_case=ignore_case), needles
    assert tree.mentioning(paths, (b"Flask(",)), "the random files hold some needles"
    assert len(tree.mentioning(paths, (b"Flask(",))) < len(paths), "and some files hold none"


def test_non_ascii_unreadable_and_case(tmp_path: Path) -> None:
    root = tmp_path / "app"
    outside = tmp_path / "outside.py"
    outside.write_bytes(b"nothing here\n")
    _write(root, "a_plain.py", b"x = 1\n")
    _write(root, "b_upper.py", b"SECURE_CSP = True\n")
    _write(root, "c_folded.py", "SECURE_CſP = 1\n".encode())  # "ſ" folds to "s" under re.IGNORECASE: the caller's to decide
    _write(root, "d_latin1.py", b"caf\xe9 = 1\n")  # not UTF-8: decoding (which may refuse it) is the caller's
    _write(root, "e_gone.py", b"x = 2\n")
    _write(root, "f_end.py", b"x = 1  # secure_csp")
    _write(root, "g_empty.py", b"")
    (root / "h_link.py").symlink_to(outside)  # leaves the project: reading it is refused
    tree = ProjectTree(root)
    paths = list(tree.files)
    os.unlink(root / "e_gone.py")  # listed, then deleted: its read fails
    assert tree.size("a_plain.py") == 6  # the root is checked: the other files are opened directly, failures handled alike
    expected = ["b_upper.py", "c_folded.py", "d_latin1.py", "e_gone.py", "f_end.py", "h_link.py"]
    assert tree.mentioning(paths, (b"secure_csp",), ignore_case=True) == expected
    assert per_file(tree, paths, (b"secure_csp",), ignore_case=True) == expected
    case_sensitive = ["c_folded.py", "d_latin1.py", "e_gone.py", "f_end.py", "h_link.py"]
    assert tree.mentioning(paths, (b"secure_csp",)) == case_sensitive == per_file(tree, paths, (b"secure_csp",))
    # The same list of files again (a second scanner): the joined bytes are reused, the answers still exact.
    assert tree.mentioning(paths, (b"absent",)) == ["c_folded.py", "d_latin1.py", "e_gone.py", "h_link.py"]


@pytest.mark.parametrize("needles", [(b"",), (b"a\0b",), (), (b"x", b"")])
def test_needles_the_joined_search_cannot_answer_fall_back_to_mentions(tmp_path: Path, needles: tuple[bytes, ...]) -> None:
    """An empty needle (every file holds it), one holding the separator, or none at all: asked file by file."""
    root = tmp_path / "app"
    _write(root, "one.py", b"a\0b\n")
    _write(root, "two.py", b"ab\n")
    tree = ProjectTree(root)
    paths = list(tree.files)
    assert tree.mentioning(paths, needles) == per_file(tree, paths, needles)


def test_glob_by_extension_answers_as_a_pass_over_every_file(tmp_path: Path) -> None:
    """`glob` looks only at the files of its suffixes' extensions (file_index.py): the same files, in the same order."""
    root = tmp_path / "app"
    names = [
        "app.py", "requirements.txt", "dev-requirements.txt", "types.d.ts", "main.ts", "Dockerfile", "web/Dockerfile",
        ".gitignore", "pkg.v1/Makefile", "pkg.v1/mod.py", "a.b.c", "src/x.PY", "src/y.py", "src/index.html", "templates/base.html.j2",
        "notes", "src/.env", "src/deep/z.tsx", "x.Dockerfile", "src/Gemfile", "src/Gemfile.lock", "odd.", "pkg.v1/data.json",
    ]
    for name in names:
        _write(root, name, b"x\n")
    tree = ProjectTree(root)
    questions = [
        (".py",), (".ts",), (".d.ts",), (".ts", ".d.ts", ".tsx"), ("requirements.txt",), ("Dockerfile",), (".gitignore",), (".env",),
        ("Makefile",), (".v1/Makefile",), (".c",), (".html", ".j2", ".py"), (".missing",), (), ("",), (".PY",), ("x.py", ".html"),
        ("file",), ("web/Dockerfile",), ("Gemfile", ".py", "package.json"), ("ignore",), (".",), ("es", ".ts"), (".json", "json"),
    ]
    for suffixes in questions:
        for under in ("", "src", "pkg.v1", "web/"):
            prefix = f"{under.rstrip('/')}/" if under else ""
            expected = [f for f in tree.files if f.startswith(prefix) and f.endswith(suffixes)]
            assert tree.glob(*suffixes, under=under) == expected, (suffixes, under)


def test_exists_answers_as_resolving_the_path(tmp_path: Path) -> None:
    """`exists` answers an absent or plain entry with one lstat; links and unusual spellings still go through
    `resolve`, which refuses a link out of the project (exit 2) as before."""
    from intercom_wizard.errors import BadInput

    root = tmp_path / "app"
    _write(root, "app.py", b"x\n")
    _write(root, "sub/mod.py", b"x\n")
    (tmp_path / "outside.txt").write_bytes(b"x\n")
    (root / "inside_link.py").symlink_to(root / "app.py")
    (root / "dangling_link.py").symlink_to(root / "missing.py")
    (root / "out_link.txt").symlink_to(tmp_path / "outside.txt")
    (root / "out_folder").symlink_to(tmp_path)
    tree = ProjectTree(root)
    for relative in ("app.py", "sub", "sub/mod.py", "missing.py", "sub/missing.py", "nowhere/x.py", "inside_link.py", "dangling_link.py", "./app.py", "sub/../app.py", "app.py/x"):
        assert tree.exists(relative) == tree.resolve(relative).exists(), relative
    for relative in ("out_link.txt", "out_folder/outside.txt", "out_folder/missing"):
        with pytest.raises(BadInput):
            tree.exists(relative)
