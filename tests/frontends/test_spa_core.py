"""The framework-agnostic Messenger core shared by the single-page integrations: the TypeScript
template passes a strict type check against the real SDK, and its JavaScript form (types stripped
by `intercom_wizard.typescript`) is valid, type-free JavaScript with the same code."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from intercom_wizard.integrations.frontends.spa_common import core_source
from intercom_wizard.options import ClientAuth, InstallOptions, LoadStrategy, Region, parse_workspace_id
from intercom_wizard.typescript import strip_types

pytestmark = pytest.mark.skipif(shutil.which("npm") is None, reason="needs Node.js and npm")


def core(region: Region = Region.US, bearer: bool = False, load: LoadStrategy = LoadStrategy.IMMEDIATE, *, anonymous: bool = False) -> str:
    options = InstallOptions(
        workspace=parse_workspace_id("abc12345"), region=region, load=load,
        auth=ClientAuth.BEARER if bearer else None, token_storage_key="access_token" if bearer else None,
    )
    return core_source(options, anonymous_only=anonymous)


@pytest.fixture(scope="module")
def typescript_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("core")
    (root / "package.json").write_text(json.dumps({"name": "core-check", "private": True, "type": "module"}))
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--silent", "typescript@5.9", "@intercom/messenger-js-sdk@0.0.20"],
        cwd=root, check=True, capture_output=True,
    )
    return root


@pytest.mark.parametrize(
    ("region", "bearer", "load"),
    [(Region.US, False, LoadStrategy.IMMEDIATE), (Region.AU, True, LoadStrategy.IDLE), (Region.EU, False, LoadStrategy.INTERACTION)],
)
def test_core_type_checks_and_strips_to_javascript(region, bearer, load, typescript_project):
    source = core(region, bearer, load)
    (typescript_project / "messenger.ts").write_text(source)
    javascript = strip_types(source)
    (typescript_project / "messenger.mjs").write_text(javascript)
    checked = subprocess.run(
        # The strictest settings the scaffolds use: create-vue's and Angular's.
        ["npx", "tsc", "--noEmit", "--strict", "--noUncheckedIndexedAccess", "--noPropertyAccessFromIndexSignature", "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler",
         "--lib", "es2022,dom", "--skipLibCheck", "messenger.ts"],
        cwd=typescript_project, capture_output=True, text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    syntax = subprocess.run(["node", "--check", "messenger.mjs"], cwd=typescript_project, capture_output=True, text=True)
    assert syntax.returncode == 0, syntax.stderr
    for type_only in (": string", ": void", "type LoadStrategy", " as {", "token?:", "Promise<"):
        assert type_only not in javascript
    assert "export function startIntercomMessenger()" in javascript
    # The SDK is a dynamic import (its own chunk); only the chosen load strategy and auth remain.
    assert "await import('@intercom/messenger-js-sdk')" in javascript and "// iw:" not in javascript
    assert ("requestIdleCallback" in javascript) is (load is LoadStrategy.IDLE)
    assert ("pointerdown" in javascript) is (load is LoadStrategy.INTERACTION)
    assert ("ACCESS_TOKEN_KEY" in javascript) is bearer and ("credentials: 'include'" in javascript) is not bearer
    if region is Region.AU:
        assert "const REGION = 'ap';" in javascript and "const API_BASE = 'https://api-iam.au.intercom.io';" in javascript


def test_javascript_runs_the_same_code_paths():
    """Stripping removes types only: every statement of the TypeScript survives."""
    source = core()
    javascript = strip_types(source)
    for line in ("Intercom({ ...wanted, region: REGION });", "shutdown();", "boot(wanted);", "update({ last_request_at"):
        assert line in source and line in javascript


def test_anonymous_only_core_type_checks_and_never_requests_a_token(typescript_project):
    """An app without sign-in: TOKEN_URL is null, and the core boots leads without a request."""
    options = InstallOptions(workspace=parse_workspace_id("abc12345"))
    source = core_source(options, anonymous_only=True)
    assert "const TOKEN_URL: string | null = null;" in source
    (typescript_project / "anonymous.ts").write_text(source)
    checked = subprocess.run(
        ["npx", "tsc", "--noEmit", "--strict", "--noUncheckedIndexedAccess", "--target", "es2022", "--module", "esnext",
         "--moduleResolution", "bundler", "--lib", "es2022,dom", "--skipLibCheck", "anonymous.ts"],
        cwd=typescript_project, capture_output=True, text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "if (!TOKEN_URL) {\n    bootAnonymous();" in strip_types(source)
