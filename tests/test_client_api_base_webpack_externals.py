"""An SPA whose API base is a webpack `externals` entry (cornflourblue's react-redux and Vue 2 examples:
`externals: { config: JSON.stringify({ apiUrl: 'http://localhost:4000' }) }` in webpack.config.js, read as
`config.apiUrl` after `import config from 'config'`). Before, the install did not read it, and the corpus
sheets gave the install `--endpoint` with the whole URL. Now the Messenger core imports the same external
(`import APP_CONFIG from 'config'`) and builds its token URL on `APP_CONFIG.apiUrl`, and verify reads the
value from the webpack configuration (`verify/recorded_endpoint.py`).

Evidence only: the bare module must be an externals entry of the app's webpack configuration whose value is
a serialised object; the same code importing an npm package named `config` gives no base.
"""

from pathlib import Path

from conftest import install_quietly, write_files

from intercom_wizard.integrations.frontends.api_base import ApiBase, find_api_base
from intercom_wizard.integrations.frontends.spa_common import core_source
from intercom_wizard.options import ClientAuth, InstallOptions, parse_workspace_id
from intercom_wizard.tree import ProjectTree
from intercom_wizard.verify.recorded_endpoint import recorded_endpoint

WEBPACK_CONFIG = """\
var HtmlWebpackPlugin = require('html-webpack-plugin');

module.exports = {
    mode: 'development',
    resolve: { extensions: ['.js', '.jsx'] },
    module: { rules: [{ test: /\\.jsx?$/, loader: 'babel-loader' }] },
    plugins: [new HtmlWebpackPlugin({ template: './src/index.html' })],
    externals: {
        // global app config object
        config: JSON.stringify({
            apiUrl: 'http://localhost:4000'
        })
    }
}
"""
USER_SERVICE = """\
import config from 'config';

export const userService = { login, logout, getAll };

function login(username, password) {
    const requestOptions = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username, password }) };
    return fetch(`${config.apiUrl}/users/authenticate`, requestOptions)
        .then(response => response.json())
        .then(user => {
            localStorage.setItem('user', JSON.stringify(user));
            return user;
        });
}

function logout() {
    localStorage.removeItem('user');
}

function getAll() {
    const user = JSON.parse(localStorage.getItem('user'));
    return fetch(`${config.apiUrl}/users`, { headers: { Authorization: 'Bearer ' + user.token } });
}
"""
PACKAGE_JSON = """\
{
  "name": "react-webpack-externals",
  "private": true,
  "scripts": { "build": "webpack --mode production" },
  "dependencies": { "react": "^16.12.0", "react-dom": "^16.12.0" },
  "devDependencies": { "@babel/core": "^7.7.0", "babel-loader": "^8.0.6", "html-webpack-plugin": "^3.2.0", "webpack": "^4.41.2", "webpack-cli": "^3.3.10" }
}
"""
INDEX = """\
import React from 'react';
import { render } from 'react-dom';
import { userService } from './_services/user.service';

function App() {
    return <button onClick={() => userService.login('ann', 'ann-password')}>Sign in</button>;
}

render(<App />, document.getElementById('app'));
"""


def test_a_webpack_external_config_field_is_the_api_base(tmp_path: Path) -> None:
    write_files(tmp_path, {"webpack.config.js": WEBPACK_CONFIG, "src/_services/user.service.js": USER_SERVICE})
    chosen = find_api_base(ProjectTree(tmp_path), "").chosen
    assert chosen == ApiBase("config.apiUrl", "src/_services/user.service.js", external_module="config")
    source = core_source(InstallOptions(workspace=parse_workspace_id("abc12345")), app_api=chosen, module_file="src/intercom/messenger.ts")
    assert "import APP_CONFIG from 'config';" in source
    assert "const APP_API_BASE: string | undefined = APP_CONFIG.apiUrl;" in source
    assert "fetchTokenWithRetry(tokenUrl(TOKEN_URL))" in source


def test_an_npm_package_named_config_is_no_evidence(tmp_path: Path) -> None:
    # The same import and calls, but webpack defines no such external: `config` is a library (node-config).
    plain = WEBPACK_CONFIG.replace("config: JSON.stringify", "lodash: 'commonjs lodash', other: JSON.stringify")
    write_files(tmp_path, {"webpack.config.js": plain, "src/_services/user.service.js": USER_SERVICE})
    assert find_api_base(ProjectTree(tmp_path), "").chosen is None
    write_files(tmp_path / "none", {"src/_services/user.service.js": USER_SERVICE})
    assert find_api_base(ProjectTree(tmp_path / "none"), "").chosen is None


def test_install_imports_the_external_and_verify_reads_its_value(tmp_path, cli) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "app"
    write_files(root, {"client/package.json": PACKAGE_JSON, "client/webpack.config.js": WEBPACK_CONFIG,
                       "client/src/_services/user.service.js": USER_SERVICE, "client/src/index.jsx": INDEX,
                       "client/src/index.html": '<!doctype html><html><body><div id="app"></div></body></html>\n'})
    result = install_quietly(cli, root, "--auth", "bearer", "--token-storage-key", "user")
    assert result.exit_code == 4, result.stderr  # no back end in the project: the endpoint is the API's to add
    text = " ".join(result.stderr.split())
    assert "The app's API client builds its URLs from config.apiUrl (client/src/_services/user.service.js)" in text
    core = (root / "client/src/intercom/messenger.js").read_text()
    assert "import APP_CONFIG from 'config';" in core and "const APP_API_BASE = APP_CONFIG.apiUrl;" in core
    again = install_quietly(cli, root, "--auth", "bearer", "--token-storage-key", "user", "--dry-run")
    assert "Nothing to do: Intercom is already installed as planned." in again.stdout + again.stderr, again.stderr
    recorded = recorded_endpoint(root, required=True)
    assert recorded is not None and recorded.unknown is None
    assert [(c.url, c.source) for c in recorded.candidates] == [
        ("http://localhost:4000/api/intercom-jwt", "client/webpack.config.js's externals.config sets apiUrl")
    ]
    # The external without the field: nothing recorded says the URL, and verify is told why.
    (root / "client/webpack.config.js").write_text(WEBPACK_CONFIG.replace("apiUrl:", "title:"))
    recorded = recorded_endpoint(root, required=True)
    assert recorded is not None and not recorded.candidates
    assert recorded.unknown == (
        "the Messenger core client/src/intercom/messenger.js builds the token URL on APP_CONFIG.apiUrl at run time, and no file "
        "the install can read sets it (no webpack configuration beside the app gives that external's field a string)"
    )


def test_bearer_option_keeps_the_external_import() -> None:
    api = ApiBase("config.apiUrl", "src/_services/user.service.js", external_module="config")
    options = InstallOptions(workspace=parse_workspace_id("abc12345"), auth=ClientAuth.BEARER, token_storage_key="user", token_storage_field="token")
    source = core_source(options, app_api=api, module_file="src/intercom/messenger.ts")
    assert source.count("import APP_CONFIG from 'config';") == 1 and "environment" not in source
