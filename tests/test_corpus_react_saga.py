"""A React + redux-saga SPA served by its own Express + passport API, shaped like the corpus entry
react-saga-passport-pg (a project on Prime Digital Academy's "Express/Passport with React" template;
docs/corpus.md, h10new2 round). Fixtures of our own writing; the shapes:

- the login form only dispatches `{ type: 'LOGIN', payload }`; a saga worker registered with
  `takeLatest('LOGIN', loginUser)` sends the request: the hook went after the dispatch, which returns
  before anyone is signed in;
- the sign-out is a generator worker (`function* logoutUser()`) that posts to `/api/user/logout`, and
  no function is named like logout: generators were not functions to the request search, a manual step.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import install_and_check_uninstall, write_files

SERVER = """\
const express = require('express');
const session = require('express-session');
const passport = require('passport');
const LocalStrategy = require('passport-local').Strategy;

const users = [{ id: 1, username: 'ann', password: 'pw' }];
passport.use(new LocalStrategy((username, password, done) => done(null, users.find((u) => u.username === username && u.password === password) || false)));
passport.serializeUser((user, done) => done(null, user.id));
passport.deserializeUser((id, done) => done(null, users.find((u) => u.id === id) || null));

const app = express();
app.use(express.json());
app.use(session({ secret: 'not-the-identity-secret', resave: false, saveUninitialized: false }));
app.use(passport.initialize());
app.use(passport.session());
app.post('/api/user/login', passport.authenticate('local'), (req, res) => res.sendStatus(200));
app.post('/api/user/logout', (req, res) => { req.logout(() => res.sendStatus(200)); });
app.use(express.static('build'));
app.listen(process.env.PORT || 5000);
"""

SAGA = """\
import { put, takeLatest } from 'redux-saga/effects';
import axios from 'axios';

function* loginUser(action) {
  try {
    yield axios.post('/api/user/login', action.payload, { withCredentials: true });
    yield put({ type: 'FETCH_USER' });
  } catch (error) {
    yield put({ type: 'LOGIN_FAILED' });
  }
}

function* logoutUser() {
  try {
    yield axios.post('/api/user/logout', { withCredentials: true });
    yield put({ type: 'UNSET_USER' });
  } catch (error) {
    console.log(error);
  }
}

export default function* loginSaga() {
  yield takeLatest('LOGIN', loginUser);
  yield takeLatest('LOGOUT', logoutUser);
}
"""

FORM = """\
import React, { Component } from 'react';
import { connect } from 'react-redux';

class SignInForm extends Component {
  state = { username: '', password: '' };

  login = (event) => {
    event.preventDefault();
    this.props.dispatch({ type: 'LOGIN', payload: { ...this.state } });
  };

  render() {
    return <form onSubmit={this.login}><input name="username" /><input name="password" type="password" /></form>;
  }
}

export default connect()(SignInForm);
"""

APP = """\
import React from 'react';
import { HashRouter as Router, Route } from 'react-router-dom';
import { connect } from 'react-redux';
import SignInForm from './SignInForm';

const App = ({ dispatch }) => (
  <Router>
    <button onClick={() => dispatch({ type: 'LOGOUT' })}>Log Out</button>
    <Route path="/login" component={SignInForm} />
  </Router>
);

export default connect()(App);
"""


def test_a_dispatch_a_saga_takes_hands_the_hooks_to_the_generator_workers(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(
        tmp_path,
        {
            "package.json": json.dumps(
                {
                    "name": "solo",
                    "proxy": "http://localhost:5000",
                    "dependencies": {
                        "axios": "^0.19.0",
                        "express": "^4.16.4",
                        "express-session": "^1.17.0",
                        "passport": "^0.6.0",
                        "passport-local": "^1.0.0",
                        "react": "^16.8.6",
                        "react-dom": "^16.8.6",
                        "react-redux": "^7.1.1",
                        "react-router-dom": "^5.0.0",
                        "react-scripts": "^3.4.1",
                        "redux": "^4.0.1",
                        "redux-saga": "^1.0.2",
                    },
                }
            ),
            "server/server.js": SERVER,
            "src/index.js": "import React from 'react';\nimport ReactDOM from 'react-dom';\nimport App from './components/App';\n\nReactDOM.render(<App />, document.getElementById('react-root'));\n",
            "src/components/App.js": APP,
            "src/components/SignInForm.js": FORM,
            "src/redux/sagas/login.saga.js": SAGA,
        },
    )
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    saga = after["src/redux/sagas/login.saga.js"]
    assert "    yield put({ type: 'FETCH_USER' });\n    void intercomLogin();\n  } catch" in saga
    assert "function* logoutUser() {\n  intercomLogout();\n" in saga
    assert "intercom" not in after["src/components/SignInForm.js"]


def test_a_dispatch_no_saga_takes_keeps_its_function(tmp_path: Path) -> None:
    from intercom_wizard.edits import parse
    from intercom_wizard.integrations.frontends.spa_common import SpaApp
    from intercom_wizard.integrations.frontends.spa_common.auth_functions import AuthFunction
    from intercom_wizard.integrations.frontends.spa_common.sagas import saga_workers
    from intercom_wizard.tree import ProjectTree

    write_files(tmp_path, {"src/redux/sagas/login.saga.js": SAGA})
    body = parse("function login(dispatch) { dispatch({ type: 'SIGN_IN' }); }", "javascript").find(kind="statement_block")
    assert body is not None
    own = AuthFunction("src/form.js", "login", body, 0)
    assert saga_workers(ProjectTree(tmp_path), SpaApp("", "src", False, {}), [own]) == [own]
