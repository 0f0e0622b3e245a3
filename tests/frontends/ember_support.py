"""Sources for the Ember tests: the small hand-written apps of the golden tests, and the login,
logout and route the end-to-end test adds to a freshly generated ember-cli app."""

import json
from pathlib import Path

CONFIG_JS = """'use strict';

module.exports = function (environment) {
  const ENV = {
    modulePrefix: 'shop',
    environment,
    rootURL: '/',
    locationType: 'history',
  };
  return ENV;
};
"""

APP_JS = """import Application from '@ember/application';
import Resolver from 'ember-resolver';
import loadInitializers from 'ember-load-initializers';
import config from 'shop/config/environment';

export default class App extends Application {
  modulePrefix = config.modulePrefix;
  Resolver = Resolver;
}

loadInitializers(App, config.modulePrefix);
"""

# The same app without a module-prefixed import: its code imports relatively.
APP_RELATIVE_JS = APP_JS.replace("'shop/config/environment'", "'./config/environment'")

ROUTER_JS = """import EmberRouter from '@ember/routing/router';
import config from 'shop/config/environment';

export default class Router extends EmberRouter {
  location = config.locationType;
  rootURL = config.rootURL;
}

Router.map(function () {
  this.route('orders');
});
"""

AUTH_JS = """import Service from '@ember/service';
import { tracked } from '@glimmer/tracking';

export default class SessionService extends Service {
  @tracked user = null;

  async login(username, password) {
    const response = await fetch('/api/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = await response.json();
    localStorage.setItem('access_token', body.access_token);
    this.user = body.user;
  }

  logout() {
    localStorage.removeItem('access_token');
    this.user = null;
  }
}
"""

AUTH_TS = """import Service from '@ember/service';
import { tracked } from '@glimmer/tracking';

type User = { name: string };

export default class SessionService extends Service {
  @tracked user: User | null = null;

  async login(username: string, password: string): Promise<void> {
    const response = await fetch('/api/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    const body = (await response.json()) as { access_token: string; user: User };
    localStorage.setItem('access_token', body.access_token);
    this.user = body.user;
  }

  logout(): void {
    localStorage.removeItem('access_token');
    this.user = null;
  }
}
"""

# A profile service with an unrelated method: no logout or login to wire.
PROFILE_JS = """import Service from '@ember/service';

export default class ProfileService extends Service {
  name = 'guest';
}
"""


def write_app(
    root: Path, *, typescript: bool = False, router: bool = True, auth: bool = True, relative: bool = False
) -> Path:
    """A minimal ember-cli app: package.json, config/environment.js, app/app, and what is asked for."""
    extension = ".ts" if typescript else ".js"
    dev = {"ember-cli": "~6.4.0", "ember-resolver": "^13.1.0", "ember-source": "~6.4.0", "ember-load-initializers": "^3.0.1"}
    if typescript:
        dev["typescript"] = "^5.8.3"
    manifest = {"name": "shop", "version": "0.0.0", "private": True, "devDependencies": dev}
    files = {
        "package.json": json.dumps(manifest, indent=2) + "\n",
        "config/environment.js": CONFIG_JS,
        f"app/app{extension}": APP_RELATIVE_JS if relative else APP_JS,
        f"app/services/profile{extension}": PROFILE_JS,
    }
    if router:
        files[f"app/router{extension}"] = ROUTER_JS
    if auth:
        files[f"app/services/session{extension}"] = AUTH_TS if typescript else AUTH_JS
    if typescript:
        files["tsconfig.json"] = '{\n  "compilerOptions": { "strict": true, "paths": { "shop/*": ["./app/*"] } }\n}\n'
    for path, text in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text)
    return root


# ---- the end-to-end app: added to `ember new` output ----------------------------------------------

E2E_AUTH_SERVICE = """import Service from '@ember/service';
import { tracked } from '@glimmer/tracking';

export default class AuthService extends Service {
  @tracked user = null;

  async login(username, password) {
    const response = await fetch('/api/login', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) {
      throw new Error('Wrong username or password');
    }
    this.user = (await response.json()).user;
  }

  async logout() {
    await fetch('/logout', { method: 'POST', credentials: 'same-origin' });
    this.user = null;
  }
}
"""

E2E_APPLICATION_CONTROLLER = """import Controller from '@ember/controller';
import { action } from '@ember/object';
import { service } from '@ember/service';

export default class ApplicationController extends Controller {
  @service auth;
  @service router;

  @action
  async signOutAndGoHome() {
    await this.auth.logout();
    this.router.transitionTo('index');
  }
}
"""

E2E_APPLICATION_TEMPLATE = """{{page-title "Shop"}}

<nav>
  <LinkTo @route="index">Home</LinkTo>
  <LinkTo @route="about">About</LinkTo>
  <button id="logout" type="button" {{on "click" this.signOutAndGoHome}}>Log out</button>
</nav>

{{outlet}}
"""

E2E_ABOUT_TEMPLATE = """<h1 id="about">About</h1>
"""

# Type-checks the wizard's TypeScript output against the app's own ember-source types.
TSCONFIG_CHECK = {
    "compilerOptions": {
        "target": "es2022",
        "module": "esnext",
        "moduleResolution": "bundler",
        "strict": True,
        "noEmit": True,
        "experimentalDecorators": True,
        "skipLibCheck": True,
        "lib": ["es2022", "dom"],
        "types": ["ember-source/types"],
        "paths": {"shop/*": ["./app/*"]},
    },
    "include": ["app/**/*"],
}

# What ember-cli's TypeScript blueprint declares for config/environment.
CONFIG_TYPES = """declare const config: {
  environment: string;
  modulePrefix: string;
  podModulePrefix: string;
  locationType: 'history' | 'hash' | 'none';
  rootURL: string;
  APP: Record<string, unknown>;
};

export default config;
"""
