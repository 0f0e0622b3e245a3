"""A Vue 3 + Vuex single-page app on an API of its own on another origin, shaped like the corpus app
vue3-fastapi-cookie-jwt (testdriven.io's fastapi-vue; docs/corpus.md, g10new round): the entry sets
`axios.defaults.withCredentials = true` and `axios.defaults.baseURL = 'http://localhost:5000/'`; the
store's actions `logIn`/`logOut` do the work, a mutation `logout(state, user)` clears the state, and
the nav bar's `logout()` method dispatches the action and then navigates.

Before the fixes: the core asked the SPA's own origin for the token (`axios.defaults.baseURL = ...` was
no API base: only `baseURL:` keys and `withCredentials: true` properties counted), and the sign-out
was a manual step with three candidates (the component's method, the action, the mutation): exit 4.
Now the base is the defaults' literal, mutations are never hook places, and a method that dispatches
the store's own action hands over to it: the hooks go into the actions, exit 0.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import git, install_quietly, snapshot, write_files

from intercom_wizard.integrations.frontends.api_base import find_api_base
from intercom_wizard.tree import ProjectTree

MAIN = """\
import { createApp } from "vue";
import axios from "axios";

import App from "./App.vue";
import router from "./router";
import store from "./store";

axios.defaults.withCredentials = true;
axios.defaults.baseURL = "http://localhost:5000/";

createApp(App).use(router).use(store).mount("#app");
"""

ROUTER = """\
import { createRouter, createWebHistory } from "vue-router";
import HomeView from "../views/HomeView.vue";

const routes = [{ path: "/", name: "Home", component: HomeView }];

export default createRouter({ history: createWebHistory(), routes });
"""

STORE = """\
import { createStore } from "vuex";
import axios from "axios";

const state = { member: null };

const actions = {
  async logIn({ dispatch }, form) {
    await axios.post("login", form);
    await dispatch("whoAmI");
  },
  async whoAmI({ commit }) {
    const { data } = await axios.get("members/me");
    commit("setMember", data);
  },
  async logOut({ commit }) {
    commit("logout", null);
  },
};

const mutations = {
  setMember(state, member) {
    state.member = member;
  },
  logout(state, member) {
    state.member = member;
  },
};

export default createStore({ state, actions, mutations });
"""

NAV = """\
<template>
  <nav>
    <a @click="logout">Log out</a>
  </nav>
</template>

<script>
export default {
  name: "NavBar",
  methods: {
    async logout() {
      await this.$store.dispatch("logOut");
      this.$router.push("/login");
    },
  },
};
</script>
"""

APP = """\
<template>
  <NavBar />
  <router-view />
</template>

<script>
import NavBar from "./components/NavBar.vue";

export default { name: "App", components: { NavBar } };
</script>
"""

SERVER = """\
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.middleware.cors import CORSMiddleware

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["http://localhost:8080"], allow_credentials=True)
MEMBERS = {"cookie-1": {"id": 3, "email": "ann@example.com"}}


def get_current_user(request: Request):
    member = MEMBERS.get(request.cookies.get("member", ""))
    if member is None:
        raise HTTPException(status_code=401)
    return member


@app.get("/members/me")
def me(member=Depends(get_current_user)):
    return member
"""


def _app(root: Path) -> Path:
    write_files(root, {
        "backend/requirements.txt": "fastapi==0.110.0\nuvicorn==0.27.1\n",
        "backend/main.py": SERVER,
        "frontend/package.json": json.dumps({"name": "frontend", "private": True,
                                             "dependencies": {"axios": "^1.2.1", "vue": "^3.2.13", "vue-router": "^4.0.3", "vuex": "^4.1.0"},
                                             "devDependencies": {"@vue/cli-service": "~5.0.0"}}, indent=2) + "\n",
        "frontend/public/index.html": '<!DOCTYPE html>\n<html>\n  <body>\n    <div id="app"></div>\n  </body>\n</html>\n',
        "frontend/src/main.js": MAIN,
        "frontend/src/App.vue": APP,
        "frontend/src/router/index.js": ROUTER,
        "frontend/src/store/index.js": STORE,
        "frontend/src/components/NavBar.vue": NAV,
        "frontend/src/views/HomeView.vue": "<template>\n  <h1>Home</h1>\n</template>\n",
    })
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    return root


def test_vuex_actions_get_the_hooks_and_the_token_url_follows_axios_defaults(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    root = _app(tmp_path / "app")
    before = snapshot(root)
    result = install_quietly(cli, root, "--frontend-origin", "http://localhost:8080")
    assert result.exit_code == 0, result.output
    store = (root / "frontend/src/store/index.js").read_text()
    actions, mutations = store.split("const mutations = {", 1)
    log_in = actions.split("async logIn(", 1)[1].split("async whoAmI(", 1)[0]
    assert log_in.index('await dispatch("whoAmI");') < log_in.index("intercomLogin()")
    assert "intercomLogout()" in actions.split("async logOut(", 1)[1]
    assert "intercom" not in mutations
    assert "intercom" not in (root / "frontend/src/components/NavBar.vue").read_text()
    core = next((root / "frontend/src/intercom").glob("messenger.*")).read_text()
    assert re.search(r"APP_API_BASE = ['\"]http://localhost:5000/['\"];", core), core
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before


def test_axios_defaults_base_counts_only_with_credentials_or_a_token(tmp_path: Path) -> None:
    write_files(tmp_path, {"src/main.js": 'import axios from "axios";\naxios.defaults.baseURL = "https://api.example.org/";\n'})
    assert find_api_base(ProjectTree(tmp_path), "").chosen is None
    write_files(tmp_path, {"src/main.js": 'import axios from "axios";\naxios.defaults.withCredentials = true;\naxios.defaults.baseURL = "https://api.example.org/";\n'})
    chosen = find_api_base(ProjectTree(tmp_path), "").chosen
    assert chosen is not None and chosen.expression == "'https://api.example.org/'"
    # An env base set on the defaults, as Vite apps write it.
    write_files(tmp_path, {"src/main.js": 'import axios from "axios";\naxios.defaults.withCredentials = true;\naxios.defaults.baseURL = import.meta.env.VITE_API_URL;\n'})
    chosen = find_api_base(ProjectTree(tmp_path), "").chosen
    assert chosen is not None and chosen.expression == "import.meta.env.VITE_API_URL"


# vue3-flask-token (gaotianchi/login-register-vue-flask, tried in the g10new round): no function is named
# like login, and the step for the login hook named `components/icons/UserAvatar.vue`, an SVG icon,
# because its path says "user". The likely file must be code that speaks of signing in.
ICON = """\
<template>
  <svg viewBox="0 0 16 16"><circle cx="8" cy="8" r="4" /></svg>
</template>
"""

AUTH_PANEL = """\
<template>
  <form @submit.prevent="submit">
    <input v-model="name" />
    <input v-model="password" type="password" />
  </form>
</template>

<script setup>
import { ref } from "vue";
import { postToken } from "../api";

const name = ref("");
const password = ref("");

async function submit() {
  const answer = await postToken(name.value, password.value);
  localStorage.setItem("token", answer.accessToken);
}
</script>
"""


def test_the_likely_login_file_is_code_that_signs_in_not_an_icon_named_user(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    from conftest import install_signed_in_app

    write_files(tmp_path, {
        "package.json": json.dumps({"name": "site", "private": True, "dependencies": {"vue": "^3.4.0"}, "devDependencies": {"vite": "^5.4.0"}}, indent=2) + "\n",
        "index.html": '<!doctype html>\n<html>\n  <body>\n    <div id="app"></div>\n    <script type="module" src="/src/main.js"></script>\n  </body>\n</html>\n',
        "src/main.js": 'import { createApp } from "vue";\nimport App from "./App.vue";\n\ncreateApp(App).mount("#app");\n',
        "src/App.vue": "<template>\n  <AuthPanel />\n</template>\n\n<script setup>\nimport AuthPanel from \"./views/AuthPanel.vue\";\n</script>\n",
        "src/api.js": 'export async function postToken(name, password) {\n  const r = await fetch("/account/token", { method: "POST", body: JSON.stringify({ name, password }) });\n  return r.json();\n}\n',
        "src/components/icons/UserAvatar.vue": ICON,
        "src/views/AuthPanel.vue": AUTH_PANEL,
    })
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "app")
    before = snapshot(tmp_path)
    result = install_signed_in_app(cli, tmp_path)
    assert result.exit_code == 4, result.output
    output = " ".join(result.output.split())
    assert "manual step in src/views/AuthPanel.vue: Call the Messenger hook from your login code" in output
    assert "UserAvatar" not in output
    assert cli("uninstall", str(tmp_path), "--yes").exit_code == 0
    assert snapshot(tmp_path) == before
