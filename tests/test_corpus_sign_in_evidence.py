"""What counts as sign-in evidence, from the real-app corpus (docs/corpus.md), with apps of our own.

react-boilerplate has no sign-in: its Redux state keeps the GitHub user name typed into a search
form under `currentUser`, and a list item compares `props.currentUser` with a repository's owner.
A bare `currentUser` in code is just a variable, so that app was planned with a fail-closed
identity adapter (`incomplete`, exit 4) instead of `anonymous-only`. In code, `currentUser` counts
only as a member of an auth or session object (`getAuth().currentUser`, `authService.currentUser`);
in a page template it is the signed-in user.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import install_and_check_uninstall, write_files
from test_corpus_react import CONNECTED_ENTRY, _react_app

from intercom_wizard.signin import find_sign_in
from intercom_wizard.tree import ProjectTree

REDUCER = """\
export const initialState = { loading: false, currentUser: false, repositories: false };

export default function appReducer(state = initialState, action) {
  if (action.type === 'REPOS_LOADED') {
    return { ...state, repositories: action.repos, currentUser: action.username };
  }
  return state;
}
"""
REPO_ITEM = """\
import React from 'react';

export default function RepoItem(props) {
  const prefix = props.item.owner !== props.currentUser ? `${props.item.owner}/` : '';
  return <li>{prefix + props.item.name}</li>;
}
"""
SERVER = """\
const express = require('express');
const path = require('path');

const app = express();
const outputPath = path.resolve(process.cwd(), 'build');
app.use('/', express.static(outputPath));
app.get('*', (req, res) => res.sendFile(path.resolve(outputPath, 'index.html')));

app.listen(process.env.PORT || 3000);
"""


def test_a_search_form_state_named_current_user_is_no_sign_in(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _react_app(tmp_path, {
        "app/app.js": CONNECTED_ENTRY,
        "app/index.html": '<!doctype html>\n<html>\n<body>\n<div id="app"></div>\n</body>\n</html>\n',
        "app/containers/App/index.js": "import React from 'react';\n\nexport default function App() {\n  return <main>Repos</main>;\n}\n",
        "app/containers/App/reducer.js": REDUCER,
        "app/containers/RepoItem/index.js": REPO_ITEM,
        "app/configureStore.js": "export default function configureStore(state, history) {\n  return { state, history };\n}\n",
        "app/utils/history.js": "import { createBrowserHistory } from 'history';\nexport default createBrowserHistory();\n",
        "server/index.js": SERVER,
    }, {"react-router-dom": "^5.3.4", "connected-react-router": "^6.9.3", "react-redux": "^7.2.9", "express": "^4.16.4"})
    server = (root / "server/index.js").read_text()
    result, after = install_and_check_uninstall(cli, root, exit_code=0)
    assert result.stderr.rstrip().splitlines()[-1] == "result: anonymous-only - the app has no sign-in, so every visitor is a lead."
    assert after["server/index.js"] == server and not [path for path in after if "intercom-jwt" in path]
    assert "const TOKEN_URL = null;" in after["app/intercom/messenger.js"]
    assert "<IntercomMessenger />" in after["app/app.js"] and "manual step" not in result.stderr


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("src/firebase.js", "import { getAuth } from 'firebase/auth';\n\nexport const uid = () => getAuth().currentUser.uid;\n"),
        ("src/app/header.component.ts", "export class Header {\n  user = this.authService.currentUser;\n}\n"),
        ("src/session.js", "export const user = () => session.currentUser;\n"),
        ("app/templates/application.hbs", "{{#if this.currentUser}}<p>{{this.currentUser.name}}</p>{{/if}}\n"),
    ],
)
def test_current_user_of_an_auth_object_or_in_a_template_is_sign_in(tmp_path: Path, path: str, source: str) -> None:
    write_files(tmp_path, {"package.json": '{"name": "app"}\n', path: source})
    evidence = find_sign_in(ProjectTree(tmp_path), None, None)
    assert [item.file for item in evidence] == [path]


def test_current_user_as_a_plain_variable_in_code_is_not(tmp_path: Path) -> None:
    write_files(tmp_path, {"package.json": '{"name": "app"}\n', "app/reducer.js": REDUCER, "app/RepoItem.js": REPO_ITEM})
    assert find_sign_in(ProjectTree(tmp_path), None, None) == []
