"""Small hand-written Angular CLI project trees (shaped like `ng new` 21.2 output) for the golden tests,
and the files the end-to-end test adds to a fresh scaffold."""

import json
from pathlib import Path

from conftest import git

STANDALONE_MAIN = """import { bootstrapApplication } from '@angular/platform-browser';
import { appConfig } from './app/app.config';
import { App } from './app/app';

bootstrapApplication(App, appConfig)
  .catch((err) => console.error(err));
"""

APP_CONFIG = """import { ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideRouter } from '@angular/router';

import { routes } from './app.routes';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(routes)
  ]
};
"""

APP_CONFIG_NO_ROUTER = """import { ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';

export const appConfig: ApplicationConfig = {
  providers: [provideBrowserGlobalErrorListeners()]
};
"""

SSR_APP_CONFIG = """import { ApplicationConfig, provideBrowserGlobalErrorListeners } from '@angular/core';
import { provideRouter } from '@angular/router';

import { routes } from './app.routes';
import { provideClientHydration, withEventReplay } from '@angular/platform-browser';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideRouter(routes), provideClientHydration(withEventReplay())
  ]
};
"""

SSR_SERVER_CONFIG = """import { mergeApplicationConfig, ApplicationConfig } from '@angular/core';
import { provideServerRendering, withRoutes } from '@angular/ssr';
import { appConfig } from './app.config';
import { serverRoutes } from './app.routes.server';

const serverConfig: ApplicationConfig = {
  providers: [
    provideServerRendering(withRoutes(serverRoutes))
  ]
};

export const config = mergeApplicationConfig(appConfig, serverConfig);
"""

SSR_MAIN_SERVER = """import { BootstrapContext, bootstrapApplication } from '@angular/platform-browser';
import { App } from './app/app';
import { config } from './app/app.config.server';

const bootstrap = (context: BootstrapContext) =>
    bootstrapApplication(App, config, context);

export default bootstrap;
"""

MODULE_MAIN = """import { platformBrowser } from '@angular/platform-browser';
import { AppModule } from './app/app-module';

platformBrowser().bootstrapModule(AppModule, {
  
})
  .catch(err => console.error(err));
"""

APP_MODULE = """import { NgModule, provideBrowserGlobalErrorListeners } from '@angular/core';
import { BrowserModule } from '@angular/platform-browser';

import { AppRoutingModule } from './app-routing-module';
import { App } from './app';

@NgModule({
  declarations: [
    App
  ],
  imports: [
    BrowserModule,
    AppRoutingModule
  ],
  providers: [
    provideBrowserGlobalErrorListeners(),
  ],
  bootstrap: [App]
})
export class AppModule { }
"""

APP_MODULE_NO_PROVIDERS = """import { NgModule } from '@angular/core';
import { BrowserModule } from '@angular/platform-browser';

import { AppRoutingModule } from './app-routing-module';
import { App } from './app';

@NgModule({
  declarations: [App],
  imports: [BrowserModule, AppRoutingModule],
  bootstrap: [App]
})
export class AppModule { }
"""

ROUTING_MODULE = """import { NgModule } from '@angular/core';
import { RouterModule, Routes } from '@angular/router';

const routes: Routes = [];

@NgModule({
  imports: [RouterModule.forRoot(routes)],
  exports: [RouterModule]
})
export class AppRoutingModule { }
"""

ROUTES = """import { Routes } from '@angular/router';
import { About } from './about';

export const routes: Routes = [{ path: 'about', component: About }];
"""

APP_COMPONENT = """import { Component, inject } from '@angular/core';
import { RouterLink, RouterOutlet } from '@angular/router';

import { AuthService } from './auth.service';

@Component({
  selector: 'app-root',
  imports: [RouterLink, RouterOutlet],
  template: `
    <nav>
      <a routerLink="/about">About</a>
      <button id="logout" type="button" (click)="auth.logout()">Sign out</button>
    </nav>
    <router-outlet />
  `,
})
export class App {
  protected readonly auth = inject(AuthService);
}
"""

ABOUT_COMPONENT = """import { Component } from '@angular/core';

@Component({
  selector: 'app-about',
  template: '<h1>About</h1>',
})
export class About {}
"""

AUTH_SERVICE = """import { Injectable, signal } from '@angular/core';

@Injectable({ providedIn: 'root' })
export class AuthService {
  readonly username = signal<string | null>(null);

  async login(username: string, password: string): Promise<void> {
    const response = await fetch('/api/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (!response.ok) {
      throw new Error('Wrong username or password');
    }
    this.username.set(username);
  }

  async logout(): Promise<void> {
    await fetch('/logout', { method: 'POST' });
    this.username.set(null);
  }
}
"""


def manifest(*, core: str = "^21.2.0", router: bool = True, ssr: bool = False, zone: bool = False, typescript: bool = True) -> str:
    dependencies = {"@angular/common": core, "@angular/core": core, "@angular/platform-browser": core, "rxjs": "~7.8.0", "tslib": "^2.3.0"}
    if router:
        dependencies["@angular/router"] = core
    if ssr:
        dependencies["@angular/platform-server"] = core
        dependencies["@angular/ssr"] = "^21.2.27"
        dependencies["express"] = "^5.1.0"
    if zone:
        dependencies["zone.js"] = "~0.15.0"
    dev = {"@angular/build": "^21.2.27", "@angular/cli": "^21.2.27", "@angular/compiler-cli": core}
    if typescript:
        dev["typescript"] = "~5.9.2"
    document = {"name": "app", "version": "0.0.0", "private": True, "dependencies": dict(sorted(dependencies.items())), "devDependencies": dev}
    return json.dumps(document, indent=2) + "\n"


ANGULAR_JSON = json.dumps(
    {
        "version": 1,
        "projects": {
            "app": {
                "projectType": "application",
                "root": "",
                "sourceRoot": "src",
                "architect": {"build": {"builder": "@angular/build:application", "options": {"browser": "src/main.ts", "tsConfig": "tsconfig.app.json"}}},
            }
        },
    },
    indent=2,
) + "\n"


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "scaffold")
    return root


def standalone_app(root: Path, *, router: bool = True, auth: bool = True, core: str = "^21.2.0", zone: bool = False) -> Path:
    files = {
        "package.json": manifest(core=core, router=router, zone=zone),
        "angular.json": ANGULAR_JSON,
        "tsconfig.json": "{}\n",
        "src/main.ts": STANDALONE_MAIN,
        "src/app/app.config.ts": APP_CONFIG if router else APP_CONFIG_NO_ROUTER,
        "src/app/app.ts": APP_COMPONENT if auth else ABOUT_COMPONENT.replace("About", "App"),
        "src/app/about.ts": ABOUT_COMPONENT,
    }
    if router:
        files["src/app/app.routes.ts"] = ROUTES
    if auth:
        files["src/app/auth.service.ts"] = AUTH_SERVICE
    return write_tree(root, files)


def module_app(root: Path, *, providers: bool = True) -> Path:
    return write_tree(
        root,
        {
            "package.json": manifest(),
            "angular.json": ANGULAR_JSON,
            "tsconfig.json": "{}\n",
            "src/main.ts": MODULE_MAIN,
            "src/app/app-module.ts": APP_MODULE if providers else APP_MODULE_NO_PROVIDERS,
            "src/app/app-routing-module.ts": ROUTING_MODULE,
            "src/app/app.ts": ABOUT_COMPONENT.replace("About", "App"),
            "src/app/auth.service.ts": AUTH_SERVICE,
        },
    )


def ssr_app(root: Path) -> Path:
    return write_tree(
        root,
        {
            "package.json": manifest(ssr=True),
            "angular.json": ANGULAR_JSON,
            "tsconfig.json": "{}\n",
            "src/main.ts": STANDALONE_MAIN,
            "src/main.server.ts": SSR_MAIN_SERVER,
            "src/app/app.config.ts": SSR_APP_CONFIG,
            "src/app/app.config.server.ts": SSR_SERVER_CONFIG,
            "src/app/app.routes.ts": ROUTES,
            "src/app/app.ts": APP_COMPONENT,
            "src/app/about.ts": ABOUT_COMPONENT,
            "src/app/auth.service.ts": AUTH_SERVICE,
        },
    )
