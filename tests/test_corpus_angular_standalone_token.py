"""An Angular 17 standalone SPA beside its Flask-JWT-Extended API, shaped like the corpus entry
angular17-flask-jwt (FarhanAlieZhire/yumpair; docs/corpus.md, h10new2 round). Fixtures of our own
writing; the shapes:

- the sign-in stores the API's access token under a key held in a class field
  (`localStorage.setItem(this.tokenKey, response.access_token)`, `private readonly tokenKey = '...'`),
  and no call of the SPA sends it yet (no `Authorization` header anywhere): exit 3, "where the front
  end keeps its token is unclear";
- its sign-out removes that key (`removeItem(this.tokenKey)`) in the service a component's `logout()`
  calls: two logout candidates, a manual step;
- the API base is an Angular environment value copied into a class field
  (`private readonly baseUrl = `${environment.apiUrl}/auth``) that starts the request URLs: the core
  asked the SPA's own server for the token;
- the login's Observable ends its `.pipe(...)` with a trailing comma: the added `tap(...)` made `, ,`,
  a syntax error.
"""

from __future__ import annotations

import json
from pathlib import Path

from conftest import install_and_check_uninstall, write_files

from intercom_wizard.edits import parse

SERVICE = """\
import { Injectable } from '@angular/core';
import { HttpClient } from '@angular/common/http';
import { map, Observable, tap } from 'rxjs';
import { environment } from '../environments/environment';

@Injectable({ providedIn: 'root' })
export class SessionService {
  private readonly storageKey = 'session_jwt';
  private readonly baseUrl = `${environment.apiUrl}/session`;

  constructor(private readonly http: HttpClient) {}

  login(payload: { email: string; password: string }): Observable<void> {
    return this.http.post<{ access_token: string }>(`${this.baseUrl}/login`, payload).pipe(
      tap((response) => localStorage.setItem(this.storageKey, response.access_token)),
      map(() => void 0),
    );
  }

  signedIn(): boolean {
    return !!localStorage.getItem(this.storageKey);
  }

  logout(): void {
    localStorage.removeItem(this.storageKey);
  }
}
"""

PAGE = """\
import { Component } from '@angular/core';
import { Router } from '@angular/router';
import { SessionService } from '../session.service';

@Component({ selector: 'app-home', standalone: true, template: '<button (click)="logout()">Sign out</button>' })
export class HomeComponent {
  constructor(private readonly session: SessionService, private readonly router: Router) {}

  logout(): void {
    this.session.logout();
    this.router.navigate(['/login']);
  }
}
"""

API = """\
from flask import Flask, jsonify
from flask_jwt_extended import JWTManager, create_access_token

app = Flask(__name__)
app.config["JWT_SECRET_KEY"] = "not-the-identity-secret"
jwt = JWTManager(app)


class User:
    id = None


@app.post("/api/session/login")
def login():
    user = User()
    return jsonify(access_token=create_access_token(identity=str(user.id)))
"""


def test_a_class_field_key_an_environment_base_and_a_trailing_comma_pipe(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    write_files(
        tmp_path,
        {
            "api/requirements.txt": "Flask==3.0.3\nFlask-JWT-Extended==4.6.0\n",
            "api/app.py": API,
            "web/package.json": json.dumps(
                {
                    "name": "web",
                    "dependencies": {
                        "@angular/core": "^17.3.0",
                        "@angular/common": "^17.3.0",
                        "@angular/router": "^17.3.0",
                        "@angular/platform-browser": "^17.3.0",
                        "rxjs": "~7.8.0",
                    },
                    "devDependencies": {"@angular/cli": "^17.3.0", "typescript": "~5.4.0"},
                }
            ),
            "web/angular.json": json.dumps(
                {
                    "version": 1,
                    "projects": {
                        "web": {
                            "projectType": "application",
                            "root": "",
                            "sourceRoot": "src",
                            "architect": {
                                "build": {
                                    "builder": "@angular-devkit/build-angular:application",
                                    "options": {"browser": "src/main.ts", "outputPath": "dist/web"},
                                }
                            },
                        }
                    },
                }
            ),
            "web/src/main.ts": "import { bootstrapApplication } from '@angular/platform-browser';\nimport { provideRouter } from '@angular/router';\nimport { AppComponent } from './app/app.component';\n\nbootstrapApplication(AppComponent, { providers: [provideRouter([])] }).catch((err) => console.error(err));\n",
            "web/src/app/app.component.ts": "import { Component } from '@angular/core';\nimport { RouterOutlet } from '@angular/router';\n\n@Component({ selector: 'app-root', standalone: true, imports: [RouterOutlet], template: '<router-outlet />' })\nexport class AppComponent {}\n",
            "web/src/environments/environment.ts": "export const environment = {\n  apiUrl: 'http://127.0.0.1:5101/api',\n};\n",
            "web/src/app/session.service.ts": SERVICE,
            "web/src/app/home/home.component.ts": PAGE,
        },
    )
    _, after = install_and_check_uninstall(cli, tmp_path, exit_code=0)
    service = after["web/src/app/session.service.ts"]
    assert "      map(() => void 0),\n      tap(() => void intercomLogin()),\n    );\n" in service
    assert parse(service, "typescript").find(kind="ERROR") is None
    assert "  logout(): void {\n    intercomLogout();\n    localStorage.removeItem(this.storageKey);\n" in service
    assert "intercom" not in after["web/src/app/home/home.component.ts"]
    core = after["web/src/intercom-messenger.ts"]
    assert "const ACCESS_TOKEN_KEY = 'session_jwt';" in core
    assert "const APP_API_BASE: string | undefined = environment.apiUrl;" in core


def test_a_token_stored_by_a_module_that_sends_no_sign_in_request_is_no_evidence(tmp_path: Path) -> None:
    """Only a module that sends a sign-in request counts: a settings page that keeps some `.token`
    field of its own in storage is not where the API's access token lives."""
    from intercom_wizard.integrations.frontends.client_auth import find_token_storage
    from intercom_wizard.tree import ProjectTree

    write_files(tmp_path, {"src/prefs.ts": "export function keep(prefs: { token: string }) {\n  localStorage.setItem('prefs', prefs.token);\n}\n"})
    assert find_token_storage(ProjectTree(tmp_path), stored_at_sign_in=True) == []
    write_files(
        tmp_path,
        {
            "src/prefs.ts": "export async function login() {\n  const r = await (await fetch('/api/login', { method: 'POST' })).json();\n  localStorage.setItem('prefs', r.token);\n}\n"
        },
    )
    assert [found.key for found in find_token_storage(ProjectTree(tmp_path), stored_at_sign_in=True)] == ["prefs"]
    # Without a bearer API, a token the sign-in stores is no evidence that the app sends it.
    assert find_token_storage(ProjectTree(tmp_path)) == []
