"""An SPA whose API is on another origin: its API client builds URLs from an env-provided base
(`import.meta.env.VITE_API_URL`, `process.env.NEXT_PUBLIC_API_URL`, `process.env.REACT_APP_API_URL`,
Angular's `environment.apiUrl`). The Messenger core builds the token URL from that same base at run
time (`new URL(path, base)`), written only when the app's own code is the evidence.

Apps of our own, a few files each; the runtime half runs the rendered core in tests/client_contract.mjs.
"""

import json
import shutil
import subprocess
from pathlib import Path

import jwt
import pytest
from conftest import copy_app, install_quietly, write_files

from intercom_wizard.builder import PlanBuilder
from intercom_wizard.integrations.base import PlanContext
from intercom_wizard.integrations.frontends.api_base import ApiBase, find_api_base
from intercom_wizard.integrations.frontends.spa_common import core_source
from intercom_wizard.integrations.frontends.spa_common.core import SpaApp, core_module
from intercom_wizard.options import ClientAuth, InstallOptions, parse_workspace_id
from intercom_wizard.tree import ProjectTree
from intercom_wizard.typescript import strip_types

HARNESS = Path(__file__).with_name("client_contract.mjs")

VITE_AXIOS = """\
import axios from 'axios'

export const api = axios.create({ baseURL: import.meta.env.VITE_API_URL, withCredentials: true })
"""
CRA_CONSTANT = """\
const API_URL = process.env.REACT_APP_API_URL;

export async function getProfile(token) {
  const response = await fetch(`${API_URL}/profile`, { headers: { Authorization: `Bearer ${token}` } });
  return response.json();
}
"""
NEXT_FETCH = """\
export async function getPosts() {
  const response = await fetch(process.env.NEXT_PUBLIC_API_URL + '/posts', { credentials: 'include' });
  return response.json();
}
"""
# A constant holding a URL under the base, passed to the app's own request helper (a store's `baseUrl`).
STORE_URL_UNDER_BASE = """\
import { request } from '@/helpers/request';

const accountsUrl = `${import.meta.env.VITE_API_URL}/accounts`;

export async function signIn(email, password) {
  return request.post(`${accountsUrl}/sign-in`, { email, password });
}
"""
ANGULAR_SERVICE = """\
import { HttpClient } from '@angular/common/http';
import { Injectable } from '@angular/core';
import { environment } from '../../environments/environment';

@Injectable({ providedIn: 'root' })
export class AuthService {
  constructor(private http: HttpClient) {}

  login(email: string, password: string) {
    return this.http.post(`${environment.apiUrl}/login`, { email, password }, { withCredentials: true });
  }
}
"""
ANGULAR_ENVIRONMENT = "export const environment = {\n  production: false,\n  apiUrl: 'http://localhost:3000',\n};\n"


def _tree(root: Path, files: dict[str, str]) -> ProjectTree:
    write_files(root, files)
    return ProjectTree(root)


@pytest.mark.parametrize(
    ("files", "expression"),
    [
        ({"src/api.ts": VITE_AXIOS}, "import.meta.env.VITE_API_URL"),
        ({"src/api.js": CRA_CONSTANT}, "process.env.REACT_APP_API_URL"),
        ({"lib/posts.ts": NEXT_FETCH}, "process.env.NEXT_PUBLIC_API_URL"),
        ({"src/stores/session.js": STORE_URL_UNDER_BASE}, "import.meta.env.VITE_API_URL"),
    ],
)
def test_the_base_the_api_client_uses_is_found(tmp_path: Path, files: dict[str, str], expression: str) -> None:
    search = find_api_base(_tree(tmp_path, files), "")
    assert search.chosen is not None and search.chosen.expression == expression
    assert search.chosen.file == next(iter(files)) and search.chosen.environment_module is None


T3_ENV_FETCH_WRAPPER = """\
import { env } from '@/config/env';

export async function request(path: string) {
  const url = buildUrl(`${env.NEXT_PUBLIC_EXTERNAL_SERVER_URL}${path}`);
  return fetch(url, { credentials: 'include' });
}
"""
T3_ENV_TRPC_LINK = """\
import { env } from '@/config/env';
import { httpBatchLink } from '@trpc/client';

const getUrl = () => {
  const base = env.NEXT_PUBLIC_API_URL;
  return `${base}/trpc`;
};

export const link = httpBatchLink({ url: getUrl() });
"""


@pytest.mark.parametrize(
    ("source", "expression"),
    [(T3_ENV_FETCH_WRAPPER, "process.env.NEXT_PUBLIC_EXTERNAL_SERVER_URL"), (T3_ENV_TRPC_LINK, "process.env.NEXT_PUBLIC_API_URL")],
    ids=["fetch-wrapper", "trpc-link"],
)
def test_t3_env_bases_in_url_templates_are_read_as_process_env(tmp_path: Path, source: str, expression: str) -> None:
    """t3-env's `env.NEXT_PUBLIC_X` (turbo-next-express) starting a URL template in a module that sends requests."""
    assert find_api_base(_tree(tmp_path, {"src/lib/api.ts": source}), "").chosen == ApiBase(expression, "src/lib/api.ts")


def test_a_url_template_in_a_module_that_sends_no_request_is_no_evidence(tmp_path: Path) -> None:
    files = {
        "src/image.ts": "import { env } from '@/config/env';\n\nexport const logo = `${env.NEXT_PUBLIC_CDN_URL}/logo.png`;\n",
        # Not t3-env's object: a local `env` nobody imported.
        "src/local.ts": "const env = { NEXT_PUBLIC_API_URL: '' };\nexport const get = () => fetch(`${env.NEXT_PUBLIC_API_URL}/x`);\n",
    }
    assert find_api_base(_tree(tmp_path, files), "").chosen is None


def test_angular_environment_api_url_names_its_environment_module(tmp_path: Path) -> None:
    tree = _tree(tmp_path, {"src/app/auth/auth.service.ts": ANGULAR_SERVICE, "src/environments/environment.ts": ANGULAR_ENVIRONMENT})
    assert find_api_base(tree, "").chosen == ApiBase("environment.apiUrl", "src/app/auth/auth.service.ts", "src/environments/environment.ts")


def test_angular_environment_imported_through_a_tsconfig_alias_is_found(tmp_path: Path) -> None:
    # The shape of cornflourblue's Angular examples: `"@environments/*": ["src/environments/*"]` in
    # tsconfig.json's paths (from baseUrl), imported as '@environments/environment'.
    service = ANGULAR_SERVICE.replace("'../../environments/environment'", "'@environments/environment'")
    tsconfig = '{\n  "compilerOptions": {\n    "baseUrl": "./",\n    "paths": { "@environments/*": ["src/environments/*"] }\n  }\n}\n'
    files = {"src/app/auth/auth.service.ts": service, "src/environments/environment.ts": ANGULAR_ENVIRONMENT, "tsconfig.json": tsconfig}
    tree = _tree(tmp_path, files)
    assert find_api_base(tree, "").chosen == ApiBase("environment.apiUrl", "src/app/auth/auth.service.ts", "src/environments/environment.ts")
    # Without the alias the import names no module of the project: not Angular's environment, no base.
    del files["tsconfig.json"]
    assert find_api_base(_tree(tmp_path / "no-alias", files), "").chosen is None


def test_an_env_value_that_is_not_an_api_base_is_no_evidence(tmp_path: Path) -> None:
    files = {
        "src/analytics.ts": "export const trackingId = import.meta.env.VITE_GA_ID\n",
        # Named like a URL, but never the start of a request: a link in the page.
        "src/footer.ts": "export const docs = import.meta.env.VITE_DOCS_URL\n",
    }
    assert find_api_base(_tree(tmp_path, files), "").chosen is None


def test_of_several_bases_the_authenticated_one_wins(tmp_path: Path) -> None:
    files = {
        "src/api.js": CRA_CONSTANT,
        "src/weather.js": "const WEATHER_URL = process.env.REACT_APP_WEATHER_URL;\nexport const forecast = () => fetch(`${WEATHER_URL}/today`);\n",
    }
    assert find_api_base(_tree(tmp_path, files), "").chosen == ApiBase("process.env.REACT_APP_API_URL", "src/api.js")


def test_several_bases_without_an_authenticated_one_are_ambiguous(tmp_path: Path) -> None:
    files = {
        "src/a.js": "const A_URL = process.env.REACT_APP_A_URL;\nexport const a = () => fetch(`${A_URL}/a`);\n",
        "src/b.js": "const B_URL = process.env.REACT_APP_B_URL;\nexport const b = () => fetch(`${B_URL}/b`);\n",
    }
    search = find_api_base(_tree(tmp_path, files), "")
    assert search.chosen is None
    assert search.ambiguous == ("process.env.REACT_APP_A_URL", "process.env.REACT_APP_B_URL")


def test_without_a_base_the_core_keeps_the_same_origin_path() -> None:
    source = core_source(InstallOptions(workspace=parse_workspace_id("abc12345")))
    assert "APP_API_BASE" not in source and "environment" not in source


def test_install_writes_the_vite_base_into_the_core(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("vite_react_login_no_backend", tmp_path, commit=False)
    write_files(root, {"src/api.ts": VITE_AXIOS})
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.stderr  # the API's code is elsewhere: incomplete, as without a base
    core = (root / "src/intercom/messenger.ts").read_text()
    assert "const APP_API_BASE: string | undefined = import.meta.env.VITE_API_URL" in core
    assert "fetchTokenWithRetry(tokenUrl(TOKEN_URL))" in core
    text = " ".join(result.stderr.split())
    assert "The app's API client builds its URLs from import.meta.env.VITE_API_URL (src/api.ts)" in text


# --- the rendered core at run time: the request goes to the base + the endpoint path ---

def _token(user_id: str) -> str:
    return jwt.encode({"user_id": user_id, "iat": 1_700_000_000, "exp": 1_700_007_200}, "contract-secret-of-at-least-32-bytes", algorithm="HS256")


def _run_core(folder: Path, source: str, scenario: dict[str, object]) -> list[str]:
    core = folder / "messenger.mjs"
    core.write_text(strip_types(source))
    sdk = folder / "node_modules/@intercom/messenger-js-sdk"
    sdk.mkdir(parents=True, exist_ok=True)
    (sdk / "package.json").write_text(json.dumps({"name": "@intercom/messenger-js-sdk", "type": "module", "main": "index.js"}))
    (sdk / "index.js").write_text(
        "const calls = () => globalThis.__sdkCalls;\n"
        "export const Intercom = (s) => calls().Intercom(s);\nexport const boot = (s) => calls().boot(s);\n"
        "export const shutdown = () => calls().shutdown();\nexport const update = (s) => calls().update(s);\n"
        "export default { Intercom, boot, shutdown, update };\n"
    )
    scenario_file = folder / "scenario.json"
    scenario_file.write_text(json.dumps({"responses": [{"status": 200, "body": {"token": _token("42")}}], "steps": ["start"], **scenario}))
    run = subprocess.run(["node", str(HARNESS), "spa", str(core), str(scenario_file)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    log: list[str] = json.loads(run.stdout)["log"]
    return log


CRA_BASE = ApiBase("process.env.REACT_APP_API_URL", "src/api.js")


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
@pytest.mark.parametrize(
    ("env", "url"),
    [
        ({"REACT_APP_API_URL": "https://api.example.test"}, "https://api.example.test/api/intercom-jwt"),
        ({"REACT_APP_API_URL": "https://api.example.test/"}, "https://api.example.test/api/intercom-jwt"),
        ({"REACT_APP_API_URL": "https://api.example.test/v1"}, "https://api.example.test/api/intercom-jwt"),
        ({"REACT_APP_API_URL": "/backend"}, "http://app.example.test/api/intercom-jwt"),  # a relative base: the page's origin
        ({}, "/api/intercom-jwt"),  # the env value unset at build time: same origin, as before
    ],
)
def test_the_core_requests_the_token_from_the_app_api_base(tmp_path: Path, env: dict[str, str], url: str) -> None:
    options = InstallOptions(workspace=parse_workspace_id("abc12345"), auth=ClientAuth.BEARER, token_storage_key="token")
    log = _run_core(tmp_path, core_source(options, app_api=CRA_BASE), {"env": env, "location": "http://app.example.test/page", "storage": {"token": "abc"}})
    assert log == ["-- start", f"fetch {url} same-origin Bearer abc", "load user:42"]



@pytest.mark.parametrize(("framework", "written"), [("react", True), ("next", False)])
def test_next_keeps_its_token_route_on_the_pages_origin(tmp_path: Path, framework: str, written: bool) -> None:
    """Next.js serves the token endpoint from its own route handler: the API base does not move it."""
    manifest = {"dependencies": {framework: "18.3.1"}}
    tree = _tree(tmp_path, {"package.json": json.dumps(manifest), "src/posts.ts": NEXT_FETCH})
    builder = PlanBuilder(tree, None)
    context = PlanContext(tree=tree, options=InstallOptions(workspace=parse_workspace_id("abc12345")), builder=builder, secret=None)
    core_module(context, SpaApp("", "src", True, manifest), "src/intercom/messenger.ts")
    core = builder.created_text("src/intercom/messenger.ts") or ""
    assert ("process.env.NEXT_PUBLIC_API_URL" in core) is written


def test_a_full_endpoint_url_is_what_the_core_calls(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    root = copy_app("vite_react_login_no_backend", tmp_path, commit=False)
    write_files(root, {"src/api.ts": VITE_AXIOS})  # the explicit URL wins over the detected base
    result = install_quietly(cli, root, "--endpoint", "https://api.example.com/auth/intercom-jwt")
    assert result.exit_code == 4, result.stderr
    core = (root / "src/intercom/messenger.ts").read_text()
    assert "const TOKEN_URL: string | null = 'https://api.example.com/auth/intercom-jwt'" in core
    assert "APP_API_BASE" not in core
    # The API's own install serves the path.
    assert "--endpoint /auth/intercom-jwt" in " ".join(result.stderr.split())
