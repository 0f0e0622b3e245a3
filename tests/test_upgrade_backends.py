"""`install --upgrade` in every back end's page engine (tests/upgrade_variants.py): the classic snippet in
a plain PHP page, a Django template, Sinatra and Rails ERB layouts, a Blade layout and static HTML served by
Express, with user_hash computed by the back end's own HMAC call. Each: exit 7 without --upgrade naming
the parts, the upgrade's result, the user's settings kept, the hash code gone, a second install with
nothing to do, uninstall byte for byte, and every edited file still parsing in its language."""

import json
import shutil
import subprocess

import pytest
from conftest import WORKSPACE_ID, install_quietly, snapshot
from upgrade_variants import KEPT_SETTINGS, VARIANTS, Variant

IDENTITY_GONE = ("intercomSettings", "widget.intercom.io", "user_hash", "user_id:", "email:", "app_id")


def syntax_errors(root, path: str) -> str | None:  # type: ignore[no-untyped-def]
    """What the file's own language tool says about it (None: it parses)."""
    file = root / path
    if path.endswith(".py"):
        compile(file.read_text(), path, "exec")
        return None
    if path.endswith(".php") and not path.endswith(".blade.php"):
        command = ["php", "-l", str(file)]
    elif path.endswith(".rb"):
        command = ["ruby", "-c", str(file)]
    elif path.endswith(".erb"):
        erb = subprocess.run(["erb", "-x", "-T", "-", str(file)], capture_output=True, text=True, check=True).stdout
        checked = subprocess.run(["ruby", "-c"], input=erb, capture_output=True, text=True, check=False)
        return None if checked.returncode == 0 else checked.stderr
    else:
        return None
    checked = subprocess.run(command, capture_output=True, text=True, check=False)
    return None if checked.returncode == 0 else checked.stdout + checked.stderr


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=lambda v: v.name)
def test_without_upgrade_each_part_is_named_and_nothing_changes(variant: Variant, tmp_path, cli):
    root = variant.make(tmp_path)
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 7, result.stderr
    assert "the classic loader snippet with window.intercomSettings" in result.stderr
    assert f"{variant.page}:" in result.stderr and "replaced by the wizard's script tag" in result.stderr
    if variant.hash_file:
        assert f"in {variant.hash_file}:" in result.stderr and "removed when nothing else uses it" in result.stderr
    assert "not converted" not in result.stderr
    assert snapshot(root) == before


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=lambda v: v.name)
def test_upgrade_keeps_the_settings_removes_the_hash_and_uninstall_restores_every_byte(variant: Variant, tmp_path, cli):
    if shutil.which("erb") is None and variant.page.endswith(".erb"):
        pytest.skip("needs Debian's ruby (erb)")
    root = variant.make(tmp_path)
    before = snapshot(root)
    result = install_quietly(cli, root, "--upgrade")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.rstrip().endswith("result: complete"), result.stderr
    page = (root / variant.page).read_text()
    assert "window.intercomMessengerSettings = {" in page
    for kept in KEPT_SETTINGS:
        assert kept in page, kept
    for gone in IDENTITY_GONE:
        assert gone not in page, gone
    if variant.hash_file:
        server = (root / variant.hash_file).read_text()
        for gone in variant.hash_gone:
            assert gone not in server, gone
    else:
        for gone in variant.hash_gone:
            assert gone not in page, gone
    changed = sorted(path for path, data in snapshot(root).items() if before.get(path) != data)
    for path in changed:
        assert syntax_errors(root, path) is None, (path, syntax_errors(root, path))

    installed = snapshot(root)
    again = install_quietly(cli, root, "--upgrade")
    assert again.exit_code == 0 and "Nothing to do" in again.stderr, again.stderr
    assert snapshot(root) == installed
    uninstalled = cli("uninstall", str(root), "--yes")
    assert uninstalled.exit_code == 0, uninstalled.stderr
    assert snapshot(root) == before


def test_dry_run_shows_the_upgrade_as_a_diff_and_writes_nothing(tmp_path, cli):
    root = VARIANTS["django"].make(tmp_path)
    before = snapshot(root)
    result = cli("install", str(root), "--workspace-id", WORKSPACE_ID, "--yes", "--no-install", "--upgrade", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert '-    "notes.views.intercom_identity",' in result.stdout.replace("            ", "")
    assert "-def intercom_identity(request):" in result.stdout and "-import hmac" in result.stdout
    assert snapshot(root) == before


@pytest.mark.parametrize("variant", VARIANTS.values(), ids=lambda v: v.name)
def test_doctor_names_the_parts_install_upgrade_changes(variant: Variant, tmp_path, cli):
    """doctor and `install` agree: every file exit 7 names has a finding whose fix is `install --upgrade`."""
    root = variant.make(tmp_path)
    refused = install_quietly(cli, root).stderr
    findings = json.loads(cli("doctor", str(root), "--json").stdout)["findings"]
    fixes = {f["file"]: f["fix"] for f in findings if f["id"] in ("upgrade", "user-hash")}
    named = {variant.page} | ({variant.hash_file} if variant.hash_file else set())
    assert set(fixes) == named, fixes
    for path, fix in fixes.items():
        assert fix.startswith("Run `intercom-wizard install --upgrade` (") and f"{path}:" in refused
    if variant.name == "php":  # the page computes user_hash above its snippet: both parts, in both outputs
        assert "removed when nothing else uses it" in fixes[variant.page] and "replaced by the wizard's script tag" in fixes[variant.page]
        assert "user_hash computed with hash_hmac in includes/footer.php:7" in refused
