"""A Vuetify SPA with a persisted Pinia store beside its FastAPI-Users API, shaped like the corpus
entry vue3-vuetify-fastapi-users (cwebber314/fastapi_vuetify_boilerplate; docs/corpus.md, h10new2
round). Fixtures of our own writing; the shapes:

- the bearer token lives in a Pinia store persisted by pinia-plugin-persistedstate
  (`defineStore('session', { state: ..., persist: true })`: localStorage key `session`, a JSON object
  with the token in `access_token`), and every call sends `'Bearer ' + this.store.access_token`: exit 3,
  "where the front end keeps its token is unclear";
- the sign-in is guarded by the form's validation (`if (this.$refs.form.validate()) { try { ... } catch
  ... }`): the hook went after the `if`, which also runs when the form or the sign-in failed;
- the store saves to storage on Vue's scheduler, after the sign-in code that called the hook returned:
  the core read the storage first, found no token and booted the user anonymously.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import install_and_check_uninstall, write_files
from test_client_contract import HARNESS, _clients, ok

STORE = """\
import { defineStore } from 'pinia'

export const useSession = defineStore('session', {
  state: () => ({ access_token: null, signedIn: false }),
  persist: true,
})
"""

# A second persisted store without the token: not where the header's field lives.
PREFERENCES = """\
import { defineStore } from 'pinia'

export const usePreferences = defineStore('preferences', {
  state: () => ({ theme: 'light' }),
  persist: true,
})
"""

SIGN_IN = """\
<template>
  <v-form ref="form" @submit.prevent="submit"><v-text-field v-model="email" /><v-btn type="submit">Go</v-btn></v-form>
</template>

<script>
import axios from 'axios'
import { useSession } from '../stores/session'

export default {
  data() {
    return { session: useSession(), email: '', password: '' }
  },
  methods: {
    async submit() {
      if (this.$refs.form.validate()) {
        const form = new URLSearchParams({ username: this.email, password: this.password })
        try {
          const response = await axios.post('http://127.0.0.1:5191/auth/jwt/login', form)
          this.session.access_token = response.data.access_token
          this.session.signedIn = true
        } catch (error) {
          console.error(error)
        }
      }
    },
  },
}
</script>
"""

SIGN_OUT = """\
<template><v-btn @click="logout">Sign out</v-btn></template>

<script>
import axios from 'axios'
import { useSession } from '../stores/session'

export default {
  data() {
    return { store: useSession() }
  },
  methods: {
    async logout() {
      await axios.post('http://127.0.0.1:5191/auth/jwt/logout', {}, { headers: { Authorization: 'Bearer ' + this.store.access_token } })
      this.store.access_token = null
    },
  },
}
</script>
"""

API = """\
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi_users import FastAPIUsers
from fastapi_users.authentication import AuthenticationBackend, BearerTransport, JWTStrategy

from app.db import User, get_user_manager

bearer_transport = BearerTransport(tokenUrl="auth/jwt/login")


def get_jwt_strategy():
    return JWTStrategy(secret="not-the-identity-secret", lifetime_seconds=3600)


auth_backend = AuthenticationBackend(name="jwt", transport=bearer_transport, get_strategy=get_jwt_strategy)
fastapi_users = FastAPIUsers[User, int](get_user_manager, [auth_backend])
current_active_user = fastapi_users.current_user(active=True)

app = FastAPI()
app.add_middleware(CORSMiddleware, allow_origins=["http://127.0.0.1:5192"], allow_credentials=True, allow_methods=["*"], allow_headers=["*"])
app.include_router(fastapi_users.get_auth_router(auth_backend), prefix="/auth/jwt")


@app.get("/me")
async def me(user: User = Depends(current_active_user)):
    return {"email": user.email}
"""


def _app(root: Path) -> None:
    write_files(
        root,
        {
            "backend/requirements.txt": "fastapi==0.115.6\nfastapi-users==14.0.1\nfastapi-users-db-sqlalchemy==7.0.0\n",
            "backend/app/__init__.py": "",
            "backend/app/app.py": API,
            "backend/app/db.py": "class User:\n    id = None\n\n\nasync def get_user_manager():\n    yield None\n",
            "web/package.json": json.dumps(
                {
                    "name": "web",
                    "type": "module",
                    "dependencies": {"vue": "^3.4.31", "vuetify": "^3.6.14", "pinia": "^2.3.0", "pinia-plugin-persistedstate": "^4.2.0", "axios": "^1.7.9"},
                }
            ),
            "web/src/main.js": "import { createApp } from 'vue'\nimport { createPinia } from 'pinia'\nimport persisted from 'pinia-plugin-persistedstate'\nimport App from './App.vue'\n\nconst pinia = createPinia()\npinia.use(persisted)\ncreateApp(App).use(pinia).mount('#app')\n",
            "web/src/App.vue": "<template><SignIn /><SignOut /></template>\n\n<script>\nimport SignIn from './components/SignIn.vue'\nimport SignOut from './components/SignOut.vue'\n\nexport default { components: { SignIn, SignOut } }\n</script>\n",
            "web/src/stores/session.js": STORE,
            "web/src/stores/preferences.js": PREFERENCES,
            "web/src/components/SignIn.vue": SIGN_IN,
            "web/src/components/SignOut.vue": SIGN_OUT,
        },
    )


def test_a_persisted_pinia_store_is_the_tokens_storage_and_the_guarded_sign_in_gets_the_hook_inside(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    _app(tmp_path)
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    core = after["web/src/intercom/messenger.js"]
    assert "const ACCESS_TOKEN_KEY = 'session'" in core
    assert "const ACCESS_TOKEN_FIELD = 'access_token'" in core
    assert "const ACCESS_TOKEN_STORAGE = 'localStorage'" in core
    sign_in = after["web/src/components/SignIn.vue"]
    assert "          this.session.signedIn = true\n          void intercomLogin()\n        } catch" in sign_in
    assert "    async logout() {\n      intercomLogout();\n" in after["web/src/components/SignOut.vue"]


def test_the_login_hook_waits_for_a_store_that_saves_its_token_in_the_same_turn(tmp_path: Path) -> None:
    """The core run in Node: the sign-in calls intercomLogin() and the store writes the token right after,
    before any timer (Vue's scheduler). The core boots the user, not a lead."""
    import subprocess

    client = _clients(tmp_path, {"bearer": True})["spa"]
    scenario = tmp_path / "scenario.json"
    scenario.write_text(json.dumps({"responses": [ok("42")], "steps": ["start", ["together", "login", ["storage", "access_token", "tok-42"]]]}))
    run = subprocess.run(["node", str(HARNESS), "spa", str(client), str(scenario)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    log = list(json.loads(run.stdout)["log"])
    after_login = log[log.index("-- login") :]
    assert any(entry.startswith("fetch ") and entry.endswith("Bearer tok-42") for entry in after_login), log
    assert any(entry in ("boot user:42", "load user:42") for entry in after_login), log
