"""ProjectTree's walk, name index and containment (issue 14 made them cheaper; the rules stay)."""

import subprocess
from pathlib import Path

import pytest

from intercom_wizard.errors import BadInput
from intercom_wizard.tree import ProjectTree


def _write(root: Path, relative: str, text: str = "x\n") -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "app"
    for relative in ("app.py", "pkg/app.py", "pkg/sub/views.py", "node_modules/x/app.py", ".hidden/app.py", "dist/app.py"):
        _write(root, relative)
    return root


def test_walk_without_git_prunes_and_indexes_names(project: Path) -> None:
    tree = ProjectTree(project)
    assert tree.files == ("app.py", "pkg/app.py", "pkg/sub/views.py")
    assert tree.named("app.py") == ["app.py", "pkg/app.py"]
    assert tree.named("missing.py") == []
    tree.named("app.py").clear()  # callers get their own list
    assert tree.named("app.py") == ["app.py", "pkg/app.py"]


def test_git_listing_keeps_what_exists_and_prunes(project: Path) -> None:
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    subprocess.run(["git", "add", "-A", "-f"], cwd=project, check=True)
    (project / "pkg/app.py").unlink()  # staged but deleted
    _write(project, "new.py")  # untracked, not ignored
    assert ProjectTree(project).files == (".hidden/app.py", "app.py", "new.py", "pkg/sub/views.py")


def test_links_inside_the_project_resolve(project: Path) -> None:
    (project / "linked").symlink_to(project / "pkg", target_is_directory=True)
    (project / "alias.py").symlink_to(project / "app.py")
    tree = ProjectTree(project)
    assert tree.resolve("linked/sub/views.py") == project.resolve() / "pkg/sub/views.py"
    assert tree.resolve("alias.py") == project.resolve() / "app.py"
    assert tree.resolve("pkg/../app.py") == project.resolve() / "app.py"
    assert tree.text("linked/app.py") == "x\n"


@pytest.mark.parametrize("relative", ["out/secret.py", "out/deeper/file.py", "leak.py", "../elsewhere.py", "pkg/../../elsewhere.py"])
def test_anything_resolving_outside_is_refused(project: Path, tmp_path: Path, relative: str) -> None:
    _write(tmp_path, "outside/secret.py")
    (project / "out").symlink_to(tmp_path / "outside", target_is_directory=True)
    (project / "leak.py").symlink_to(tmp_path / "outside/secret.py")
    with pytest.raises(BadInput, match="outside the project"):
        ProjectTree(project).resolve(relative)


def test_a_file_that_becomes_a_link_is_checked_again(project: Path, tmp_path: Path) -> None:
    tree = ProjectTree(project)
    assert tree.resolve("pkg/app.py") == project.resolve() / "pkg/app.py"
    _write(tmp_path, "outside/secret.py")
    (project / "pkg/app.py").unlink()
    (project / "pkg/app.py").symlink_to(tmp_path / "outside/secret.py")
    with pytest.raises(BadInput, match="outside the project"):
        tree.resolve("pkg/app.py")


def test_each_file_is_read_once_per_tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Scanners share one read of each file (kept per tree): a second read of the same path is a regression."""
    from intercom_wizard import tree as tree_module

    root = tmp_path / "app"
    _write(root, "app.py", "from flask import Flask\napp = Flask(__name__)\n")
    _write(root, "templates/base.html", "<html><body></body></html>\n")
    reads: list[str] = []
    real_read = tree_module.read_file_bytes

    def counting_read(path: str) -> bytes:
        reads.append(path)
        return real_read(path)

    monkeypatch.setattr(tree_module, "read_file_bytes", counting_read)
    tree = ProjectTree(root)
    for _ in range(3):
        assert tree.text("app.py").startswith("from flask")
        assert tree.size("templates/base.html") == len("<html><body></body></html>\n")
        assert tree.mentions("templates/base.html", (b"<body>",))
        assert not tree.mentions("app.py", (b"content-security-policy",), ignore_case=True)
    assert sorted(reads) == sorted({str(root.resolve() / "app.py"), str(root.resolve() / "templates/base.html")})


def test_byte_pre_check_leaves_non_ascii_files_to_the_caller(tmp_path: Path) -> None:
    """Unicode case folding ("ſ" matches "s" under re.IGNORECASE) is not a byte test's to decide."""
    root = tmp_path / "app"
    _write(root, "ascii.py", "x = 1\n")
    _write(root, "folded.py", "SECURE_CſP = 1\n")
    tree = ProjectTree(root)
    assert not tree.mentions("ascii.py", (b"secure_csp",), ignore_case=True)
    assert tree.mentions("folded.py", (b"secure_csp",), ignore_case=True)
    assert tree.mentions("folded.py", (b"absent",)), "a non-ASCII file is decoded (or refused) by the caller, as before"
    assert not tree.mentions("ascii.py", (b"absent",))


def test_folder_index_and_folder_of(project: Path) -> None:
    from intercom_wizard.tree import folder_of

    tree = ProjectTree(project)
    assert tree.in_folder("") == ["app.py"]
    assert tree.in_folder("pkg/sub") == ["pkg/sub/views.py"]
    assert tree.in_folder("missing") == []
    assert [folder_of(p) for p in ("app.py", "pkg/sub/views.py", "./a/b", "a//b", "a/b/", "/x/y", "")] == ["", "pkg/sub", "a", "a", "a", "/x", ""]
