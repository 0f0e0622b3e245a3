"""An access token kept only in memory, on axios' default headers (react-fastapi-jwt-memory's shape,
docs/corpus.md): the SPA's sign-in sets `axios.defaults.headers.common['Authorization'] = `Bearer ${token}``
and its sign-out deletes it; nothing is stored. Before the fix the install stopped at "where the front end
keeps its token is unclear" (exit 3 with --yes). Now the core imports axios and sends the header the app's
own requests carry (`auth=axios`); an axios instance's defaults, which the core cannot import, still stop
the install with the place named. The FastAPI API beside it has an `__init__.py` but imports its siblings
by bare name (`import models`) and runs from its own folder: the router is imported the same way and PyJWT
goes into that folder's requirements.txt.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import git, install_quietly, snapshot, write_files
from test_client_contract import HARNESS, SDK_STAND_IN, URL, ok

from intercom_wizard.integrations.frontends.spa_common import core_source
from intercom_wizard.options import ClientAuth, InstallOptions, parse_workspace_id
from intercom_wizard.typescript import strip_types

API_MAIN = """\
from fastapi import Depends, FastAPI

import models, security
from storage import people

app = FastAPI()


@app.get("/whoami")
def whoami(person: models.Person = Depends(security.current_person)):
    return {"name": person.name}
"""

API_SECURITY = """\
from fastapi import Depends, HTTPException
from fastapi.security import OAuth2PasswordBearer
from jose import JWTError, jwt

import models
from storage import people

SECRET = "dev-only"
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="token")


def current_person(token: str = Depends(oauth2_scheme)) -> models.Person:
    try:
        name = jwt.decode(token, SECRET, algorithms=["HS256"])["sub"]
    except JWTError:
        raise HTTPException(status_code=401)
    person = people.get(name)
    if person is None:
        raise HTTPException(status_code=401)
    return person
"""

API_MODELS = """\
from dataclasses import dataclass


@dataclass
class Person:
    id: int
    name: str
"""

API_STORAGE = """\
import models

people = {"uma": models.Person(id=5, name="uma")}
"""

PROVIDER = """\
import axios from 'axios';
import { createContext, useContext, useState } from 'react';

const SessionContext = createContext({
  signedIn: false,
  login: async (_name: string, _password: string) => false,
  logout: () => {},
});

export function SessionProvider({ children }: { children: React.ReactNode }) {
  const [signedIn, setSignedIn] = useState(false);

  const login = async (name: string, password: string) => {
    try {
      const answer = await axios.post('http://localhost:8100/token', new URLSearchParams({ username: name, password }));
      axios.defaults.headers.common['Authorization'] = `Bearer ${answer.data.access_token}`;
      setSignedIn(true);
      return true;
    } catch {
      return false;
    }
  };

  const logout = () => {
    setSignedIn(false);
    delete axios.defaults.headers.common['Authorization'];
  };

  return <SessionContext.Provider value={{ signedIn, login, logout }}>{children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);
"""

MAIN = """\
import React from 'react';
import ReactDOM from 'react-dom/client';
import { SessionProvider } from './session';

ReactDOM.createRoot(document.getElementById('root')!).render(
  <React.StrictMode>
    <SessionProvider>
      <p>hello</p>
    </SessionProvider>
  </React.StrictMode>
);
"""


def _app(root: Path, provider: str = PROVIDER) -> Path:
    write_files(root, {
        "api/__init__.py": "",
        "api/main.py": API_MAIN,
        "api/security.py": API_SECURITY,
        "api/models.py": API_MODELS,
        "api/storage.py": API_STORAGE,
        "api/requirements.txt": "fastapi==0.110.0\npython-jose==3.3.0\nuvicorn==0.27.1\n",
        "web/package.json": json.dumps({"name": "web", "private": True, "type": "module",
                                        "dependencies": {"axios": "^1.6.7", "react": "^18.2.0", "react-dom": "^18.2.0"},
                                        "devDependencies": {"typescript": "^5.2.2", "vite": "^5.1.4"}}, indent=2) + "\n",
        "web/tsconfig.json": json.dumps({"compilerOptions": {"jsx": "react-jsx", "strict": True}, "include": ["src"]}) + "\n",
        "web/index.html": '<!doctype html>\n<html>\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.tsx"></script>\n  </body>\n</html>\n',
        "web/src/main.tsx": MAIN,
        "web/src/session.tsx": provider,
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    return root


def test_a_token_on_axios_defaults_is_sent_by_the_core_and_the_install_is_complete(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _app(tmp_path / "app")
    before = snapshot(root)
    result = install_quietly(cli, root, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["manual_steps"] == []
    core = (root / "web/src/intercom/messenger.ts").read_text()
    assert "import axios from 'axios';" in core
    assert "axios.defaults.headers.common['Authorization']" in core
    assert "localStorage.getItem(ACCESS_TOKEN_KEY" not in core and "ACCESS_TOKEN_KEY" not in core
    session = (root / "web/src/session.tsx").read_text()
    # The login hook after the header is set (the core reads it), before the success `return`, the logout hook first in the provider's
    # logout; the context's default value (no provider rendered) gets none.
    assert session.index("axios.defaults.headers.common['Authorization'] =") < session.index("void intercomLogin();") < session.index("return true;")
    assert session.index("const logout = () => {\n    intercomLogout();") > 0
    assert "logout: () => {}," in session
    # The API runs from its own folder (`import models`): the router is imported the same way.
    api_main = (root / "api/main.py").read_text()
    assert "import intercom_jwt\n" in api_main and "from . import" not in api_main
    assert "PyJWT" in (root / "api/requirements.txt").read_text()
    assert not (root / "requirements.txt").exists()
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_an_axios_instances_defaults_stop_the_install_with_the_place_named(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """`api.defaults...` on the app's own `axios.create()`: the core could not import that object here."""
    provider = PROVIDER.replace("import axios from 'axios';\n", "import axios from 'axios';\n\nconst api = axios.create();\n").replace(
        "axios.defaults.headers.common['Authorization'] = `Bearer", "api.defaults.headers.common['Authorization'] = `Bearer")
    root = _app(tmp_path / "app", provider)
    before = snapshot(root)
    result = install_quietly(cli, root)
    assert result.exit_code == 3, result.output
    assert "api.defaults.headers.common['Authorization'] in web/src/session.tsx:18" in " ".join(result.output.split())
    assert snapshot(root) == before


FAKE_AXIOS = """\
// axios' default export as the core reads it: the app's header, set by the scenario's storage steps.
const common = {};
Object.defineProperty(common, 'Authorization', { get: () => globalThis.localStorage.getItem('app-sets-axios-header') || undefined });
export default { defaults: { headers: { common } } };
"""


# `load X`: the SDK's first call, Intercom(settings), which loads the widget and boots it (client_contract.mjs).
@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
@pytest.mark.parametrize(("scenario", "expected"), [
    ({"responses": [ok("5")], "steps": ["start"]}, ["-- start", "load anonymous"]),
    ({"storage": {"app-sets-axios-header": "Bearer abc"}, "responses": [ok("5")], "steps": ["start"]},
     ["-- start", f"fetch {URL} same-origin Bearer abc", "load user:5"]),
    ({"responses": [ok("5")], "steps": ["start", ["storage", "app-sets-axios-header", "Bearer abc"], "login"]},
     ["-- start", "load anonymous", "-- login", "shutdown", f"fetch {URL} same-origin Bearer abc", "boot user:5"]),
], ids=["no header: a lead, no request", "the header the app set is sent", "login after the app sets it"])
def test_the_core_sends_the_header_on_axios_defaults(tmp_path: Path, scenario: dict[str, object], expected: list[str]) -> None:
    options = InstallOptions(workspace=parse_workspace_id("abc12345"), auth=ClientAuth.BEARER, token_axios_headers="defaults.headers.common")
    (tmp_path / "messenger.mjs").write_text(strip_types(core_source(options)))
    for package, body in (("@intercom/messenger-js-sdk", SDK_STAND_IN), ("axios", FAKE_AXIOS)):
        folder = tmp_path / "node_modules" / package
        folder.mkdir(parents=True)
        (folder / "package.json").write_text(json.dumps({"name": package, "type": "module", "main": "index.js"}))
        (folder / "index.js").write_text(body)
    (tmp_path / "scenario.json").write_text(json.dumps(scenario))
    run = subprocess.run(["node", str(HARNESS), "spa", str(tmp_path / "messenger.mjs"), str(tmp_path / "scenario.json")], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["log"] == expected


def test_two_lockfiles_the_manager_that_installed_node_modules_decides(tmp_path: Path) -> None:
    """react-fastapi-jwt-memory's frontend/ ships package-lock.json and pnpm-lock.yaml (its README: `npm
    install`): the install job used pnpm, which is not installed here, and the SDK was never installed."""
    from intercom_wizard.integrations.backends.npm_common import package_manager
    from intercom_wizard.tree import ProjectTree

    write_files(tmp_path, {"web/package.json": '{"name": "web"}\n', "web/package-lock.json": "{}\n", "web/pnpm-lock.yaml": "lockfileVersion: '6.0'\n"})
    assert package_manager(ProjectTree(tmp_path), "web") == "pnpm"  # nothing installed: the lockfiles' order
    (tmp_path / "web/node_modules").mkdir()
    (tmp_path / "web/node_modules/.package-lock.json").write_text("{}\n")
    assert package_manager(ProjectTree(tmp_path), "web") == "npm"
    (tmp_path / "web/node_modules/.package-lock.json").unlink()
    (tmp_path / "web/node_modules/.pnpm").mkdir()
    assert package_manager(ProjectTree(tmp_path), "web") == "pnpm"
