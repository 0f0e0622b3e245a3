"""A React + Redux Toolkit single-page app and its API side by side (corpus: cornflourblue's
react-18-redux-jwt example with node-jwt-authentication-api), as a small project of our own.

- The Authorization header is built from a bare variable (`Bearer ${token}`) that a helper fills from
  the Redux store (`store.getState().auth.user?.token`), which the login fills from localStorage
  `user`: the install stopped with exit 3 ("where the front end keeps its token is unclear").
- The login is a `createAsyncThunk` named `login` plus a `login()` that builds the case reducers; the
  `[fulfilled]` reducer stores the user. Two `login` functions and no certain success path: the
  install ended `incomplete` with a manual step. The hook now goes right after the one statement
  that stores the access token the Messenger sends.
"""

from __future__ import annotations

from pathlib import Path

from conftest import git, install_and_check_uninstall, write_files

FETCH_WRAPPER = """
    import { store } from '../store';

    export function request(url, options = {}) {
        const token = authToken();
        const headers = token ? { Authorization: `Bearer ${token}` } : {};
        return fetch(url, { ...options, headers });
    }

    function authToken() {
        return store.getState().auth.user?.token;
    }
"""
AUTH_SLICE = """
    import { createAsyncThunk, createSlice } from '@reduxjs/toolkit';
    import { request } from '../helpers/request';

    const name = 'auth';
    const extraActions = createExtraActions();
    const slice = createSlice({ name, initialState: createInitialState(), reducers: createReducers(), extraReducers: createExtraReducers() });

    export const authActions = { ...slice.actions, ...extraActions };
    export const authReducer = slice.reducer;

    function createInitialState() {
        return { user: JSON.parse(localStorage.getItem('user')), error: null };
    }

    function createReducers() {
        return { logout };

        function logout(state) {
            state.user = null;
            localStorage.removeItem('user');
        }
    }

    function createExtraActions() {
        return { login: login() };

        function login() {
            return createAsyncThunk(`${name}/login`, async (credentials) => await request('http://localhost:4000/accounts/login', { method: 'POST', body: JSON.stringify(credentials) }));
        }
    }

    function createExtraReducers() {
        return { ...login() };

        function login() {
            const { fulfilled, rejected } = extraActions.login;
            return {
                [fulfilled]: (state, action) => {
                    const user = action.payload;
                    localStorage.setItem('user', JSON.stringify(user));
                    state.user = user;
                },
                [rejected]: (state, action) => {
                    state.error = action.error;
                }
            };
        }
    }
"""
FILES = {
    "client/package.json": '{\n  "name": "ledger-client",\n  "dependencies": {\n    "@reduxjs/toolkit": "^1.8.2",\n    "react": "^18.1.0",\n    "react-dom": "^18.1.0",\n    "react-redux": "^8.0.2",\n    "react-router-dom": "^6.3.0"\n  },\n  "devDependencies": {"react-scripts": "5.0.1"}\n}\n',
    "client/public/index.html": '<!doctype html>\n<html><body><div id="root"></div></body></html>\n',
    "client/src/index.js": """
        import { createRoot } from 'react-dom/client';
        import { Provider } from 'react-redux';
        import { BrowserRouter } from 'react-router-dom';
        import { store } from './store';
        import { App } from './App';

        createRoot(document.getElementById('root')).render(
            <Provider store={store}>
                <BrowserRouter>
                    <App />
                </BrowserRouter>
            </Provider>
        );
    """,
    "client/src/App.jsx": "export function App() {\n    return <p>Ledger</p>;\n}\n",
    "client/src/store/index.js": "import { configureStore } from '@reduxjs/toolkit';\nimport { authReducer } from './auth.slice';\n\nexport const store = configureStore({ reducer: { auth: authReducer } });\n",
    "client/src/store/auth.slice.js": AUTH_SLICE,
    "client/src/helpers/request.js": FETCH_WRAPPER,
    "api/package.json": '{\n  "name": "ledger-api",\n  "dependencies": {\n    "cors": "^2.8.5",\n    "express": "^4.18.2",\n    "express-jwt": "^8.4.1",\n    "jsonwebtoken": "^9.0.0"\n  }\n}\n',
    "api/server.js": """
        const express = require('express');
        const { expressjwt } = require('express-jwt');
        const jwt = require('jsonwebtoken');

        const app = express();
        app.use(express.json());
        app.use(expressjwt({ secret: process.env.ACCESS_SECRET, algorithms: ['HS256'] }).unless({ path: ['/accounts/login'] }));
        app.post('/accounts/login', (req, res) => res.json({ id: 7, token: jwt.sign({ sub: account(req).id }, process.env.ACCESS_SECRET) }));

        function account(req) {
            return { id: 7, username: req.body.username };
        }

        app.listen(4000);
    """,
}


def test_token_traced_through_the_store_and_login_hook_after_the_token_write(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "ledger"
    write_files(root, FILES)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")
    options = ("--frontend-origin", "http://127.0.0.1:3000", "--endpoint", "http://localhost:4000/api/intercom-jwt")
    result, files = install_and_check_uninstall(cli, root, *options, exit_code=0)
    messenger = files["client/src/intercom/messenger.js"]
    assert "const ACCESS_TOKEN_KEY = 'user';" in messenger
    assert "const ACCESS_TOKEN_FIELD = 'token';" in messenger
    slice_after = files["client/src/store/auth.slice.js"]
    stored = "localStorage.setItem('user', JSON.stringify(user));\n"
    assert stored + "                void intercomLogin();\n" in slice_after, slice_after
    assert "function logout(state) {\n        intercomLogout();\n" in slice_after


CLASSIC_REDUX = {
    "client/src/services/account.service.js": """
        import { authHeader } from './auth-header';

        export const accountService = { login, logout };

        function login(username, password) {
            return fetch('http://localhost:4000/accounts/login', { method: 'POST', body: JSON.stringify({ username, password }) })
                .then((response) => response.json())
                .then((account) => {
                    localStorage.setItem('account', JSON.stringify(account));
                    return account;
                });
        }

        function logout() {
            localStorage.removeItem('account');
        }

        export function ledger() {
            return fetch('http://localhost:4000/ledger', { headers: authHeader() });
        }
    """,
    "client/src/services/auth-header.js": """
        export function authHeader() {
            const account = JSON.parse(localStorage.getItem('account'));
            return account && account.token ? { Authorization: 'Bearer ' + account.token } : {};
        }
    """,
    "client/src/actions/account.actions.js": """
        import { accountService } from '../services/account.service';

        export const accountActions = { login, logout };

        function login(username, password) {
            return (dispatch) => {
                dispatch({ type: 'LOGIN_REQUEST' });
                accountService.login(username, password).then((account) => dispatch({ type: 'LOGIN_SUCCESS', account }));
            };
        }

        function logout() {
            accountService.logout();
            return { type: 'LOGOUT' };
        }
    """,
}


def test_classic_redux_action_creators_and_services_hook_where_the_token_is_stored_and_removed(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """React + Redux (react-redux-registration-login-example's shape): `login`/`logout` action creators
    beside the service's `login`/`logout`; the action creator's logout calls the service and returns
    an action (two statements, not a plain delegate). Two of each: the hooks go where the access token
    is stored and removed."""
    root = tmp_path / "ledger"
    files = {path: text for path, text in FILES.items() if not path.startswith(("client/src/store/", "client/src/helpers/"))}
    files["client/src/index.js"] = FILES["client/src/index.js"].replace("import { store } from './store';\n", "import { store } from './store';\n").replace(
        "        import { store } from './store';\n", "        import { createStore } from 'redux';\n"
    ).replace("<Provider store={store}>", "<Provider store={createStore((state) => state)}>")
    write_files(root, files | CLASSIC_REDUX)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "fixture")
    options = ("--frontend-origin", "http://127.0.0.1:3000", "--endpoint", "http://localhost:4000/api/intercom-jwt")
    result, installed = install_and_check_uninstall(cli, root, *options, exit_code=0)
    service = installed["client/src/services/account.service.js"]
    assert "localStorage.setItem('account', JSON.stringify(account));\n            void intercomLogin();\n" in service, service
    assert "function logout() {\n    intercomLogout();\n    localStorage.removeItem('account');\n" in service, service
    assert "intercom" not in installed["client/src/actions/account.actions.js"]
