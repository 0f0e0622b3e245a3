"""A Vue 3 SPA beside its Django REST framework API with DRF's own token auth, shaped like the
corpus entry vue3-drf-token (DanteOnline/django-vue-authentication; docs/corpus.md, h10new2 round).
Fixtures of our own writing; the shapes:

- the header's token comes from a component method (`const token = this.getToken()`): tracing it
  built the ast-grep pattern `function this.getToken() { ... }`, which raised (a traceback, exit 1);
- the sign-in is a method named `auth` that posts to DRF's `/api-token-auth/` (no function named
  like login, no /login URL): a manual step (`incomplete`);
- its request is `axios.post(...).then(cb).catch(report)`: the hook went after that statement, which
  runs when the request is sent, before the token is stored (the Messenger would boot anonymously).
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import install_and_check_uninstall, write_files

MANAGE = """\
import os
import sys

if __name__ == '__main__':
    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'zoo.settings')
    from django.core.management import execute_from_command_line
    execute_from_command_line(sys.argv)
"""

SETTINGS = """\
INSTALLED_APPS = [
    'django.contrib.auth',
    'django.contrib.contenttypes',
    'django.contrib.sessions',
    'rest_framework',
    'rest_framework.authtoken',
    'corsheaders',
]
ROOT_URLCONF = 'zoo.urls'
REST_FRAMEWORK = {
    'DEFAULT_AUTHENTICATION_CLASSES': [
        'rest_framework.authentication.TokenAuthentication',
    ],
}
CORS_ALLOWED_ORIGINS = ['http://127.0.0.1:5182']
"""

URLS = """\
from django.urls import path
from rest_framework.authtoken import views

urlpatterns = [
    path('api-token-auth/', views.obtain_auth_token),
]
"""

APP_VUE = """\
<template>
  <button v-if="signedIn" @click="logout">Sign out</button>
  <SignInForm v-else @credentials="auth" />
</template>

<script>
import axios from 'axios'
import SignInForm from './components/SignInForm.vue'

export default {
  components: { SignInForm },
  data() {
    return { signedIn: false }
  },
  methods: {
    load() {
      const token = this.getToken()
      return axios.get('http://127.0.0.1:5181/api/things/', { headers: { Authorization: 'Token ' + token } })
    },
    auth(name, password) {
      axios.post('http://127.0.0.1:5181/api-token-auth/', { username: name, password })
        .then(response => {
          localStorage.setItem('token', response.data.token)
          this.signedIn = true
        }).catch(error => alert('Wrong name or password ' + error))
    },
    logout() {
      this.signedIn = false
      localStorage.setItem('token', '')
    },
    getToken() {
      return localStorage.getItem('token')
    },
  },
}
</script>
"""

FORM_VUE = """\
<template>
  <form><input v-model="name" /><input v-model="password" type="password" />
  <button type="button" @click="$emit('credentials', name, password)">Go</button></form>
</template>

<script>
export default {
  data() {
    return { name: '', password: '' }
  },
}
</script>
"""


def test_a_token_from_a_method_a_drf_token_login_and_a_caught_promise_chain(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(
        tmp_path,
        {
            "manage.py": MANAGE,
            "requirements.txt": "Django==5.1.3\ndjangorestframework==3.15.2\ndjango-cors-headers==4.6.0\n",
            "zoo/__init__.py": "",
            "zoo/settings.py": SETTINGS,
            "zoo/urls.py": URLS,
            "frontend/package.json": json.dumps({"name": "frontend", "type": "module", "dependencies": {"vue": "^3.5.12", "axios": "^1.7.7"}}),
            "frontend/src/main.js": "import { createApp } from 'vue'\nimport App from './App.vue'\n\ncreateApp(App).mount('#app')\n",
            "frontend/src/App.vue": APP_VUE,
            "frontend/src/components/SignInForm.vue": FORM_VUE,
        },
    )
    result, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    app = after["frontend/src/App.vue"]
    # The login hook inside the `.then` callback, after the token is stored; the logout hook first in logout().
    assert "          this.signedIn = true\n          void intercomLogin()\n        }).catch(" in app
    assert "    logout() {\n      intercomLogout();\n" in app
    core = after["frontend/src/intercom/messenger.js"]
    assert "const ACCESS_TOKEN_KEY = 'token'" in core and "const AUTH_SCHEME = 'Token'" in core
    assert "'http://127.0.0.1:5181'" in core
    assert 'path("api/intercom-jwt", intercom_jwt' in after["zoo/urls.py"]


def test_a_method_returning_a_member_chain_is_followed_like_a_function(tmp_path: Path) -> None:
    """`this.authToken()` whose method returns `this.$store.state.auth.token`: the header's value is
    the store's `auth.token`, as for a same-file function (no pattern with a member name in it)."""
    from intercom_wizard.edits import parse
    from intercom_wizard.integrations.frontends.client_auth import _returned_by

    source = "export default { methods: { authToken() { return this.$store.state.auth.token }, load() { const t = this.authToken() } } }\n"
    root = parse(source, "javascript")
    call = root.find(pattern="this.authToken()")
    assert call is not None
    callee = call.field("function")
    assert callee is not None
    returned = _returned_by(root, callee)
    assert returned is not None and returned.text() == "this.$store.state.auth.token"
