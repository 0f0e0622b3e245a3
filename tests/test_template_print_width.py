"""The Messenger scripts we create fit prettier's default print width (80 columns), in every variant.

A project that configures prettier without installing it gets our files in the style its
configuration infers (no tool to run): if a statement were wider than 80 columns, its own
`prettier --check` would fail on our file (measured on the corpus: html-mdn-beginner-scripted had 7
such statements, react-boilerplate's stripped core 6, and the TypeScript-only `type Settings = {...}`
line of the core was 82 columns). So every code line of each rendered variant - the plain-JS script
in ES5-era and modern syntax (cookie or bearer, raw or base64 token, each page-navigation framework, no sign-in) and the SPA core
(TypeScript and the JavaScript stripped from it, each auth mode, load strategy, SDK import, API base
and region) - is at most 80 columns; then the real prettier (npm, in a folder of its own) checks the
same files under its defaults and under `semi: false` + `singleQuote`, after the style adaptation an
install makes.

Comment lines may be longer: prettier never re-wraps comments. This is why the templates need no
note about the width in the code they write into someone else's project.
"""

from __future__ import annotations

import itertools
import json
import re
import subprocess
from pathlib import Path

import pytest
from conftest import copy_app, install_quietly, install_signed_in_app
from test_formatting_prettier_config import prettier  # noqa: F401  (the session fixture: prettier in a folder of its own)

from intercom_wizard import csp
from intercom_wizard.integrations.frontends.api_base import ApiBase
from intercom_wizard.integrations.frontends.html.navigation import Navigation
from intercom_wizard.integrations.frontends.html.script import script_source
from intercom_wizard.integrations.frontends.nextjs.csp_nonce import _directives
from intercom_wizard.integrations.frontends.spa_common.core import core_source
from intercom_wizard.integrations.shared.javascript import to_javascript
from intercom_wizard.options import ClientAuth, InstallOptions, LoadStrategy, Region, TokenEncoding, parse_workspace_id
from intercom_wizard.style import infer_js_style, js_language
from intercom_wizard.templates import _template_text, render
from intercom_wizard.tree import ProjectTree
from intercom_wizard.typescript import strip_types

PRINT_WIDTH = 80
NAVIGATIONS = [(), ("turbo",), ("htmx",), ("inertia",), ("livewire",), ("turbo", "htmx", "inertia", "livewire")]
# The app's own API base as its bundler fills it in (the longest shapes api_base.py finds).
API_BASES = [None, ApiBase("import.meta.env.VITE_API_URL", "src/api.ts"),
             ApiBase("environment.apiUrl", "src/app/api.service.ts", "src/environments/environment.ts"),
             ApiBase("config.apiUrl", "src/_services/user.service.js", external_module="config")]


def _options(bearer: bool, encoding: TokenEncoding = TokenEncoding.RAW, load: LoadStrategy = LoadStrategy.IDLE,
             region: Region = Region.US) -> InstallOptions:
    return InstallOptions(
        workspace=parse_workspace_id("abc12345"), load=load, region=region,
        auth=ClientAuth.BEARER if bearer else None,
        token_storage_key="access_token" if bearer else None, token_storage_encoding=encoding,
        token_storage="sessionStorage" if bearer else "localStorage", token_storage_field="token" if bearer else None,
    )


def plain_scripts(*, modern: bool = False) -> dict[str, str]:
    """Every variant of the plain-JS script (or of its modern-syntax form), by file name."""
    files = {}
    prefix = "modern" if modern else "plain"
    for bearer, encoding, navigation in itertools.product([False, True], list(TokenEncoding), NAVIGATIONS):
        if encoding is TokenEncoding.BASE64 and not bearer:
            continue
        name = f"{prefix}-{'bearer' if bearer else 'cookie'}-{encoding.value}-{'-'.join(navigation) or 'full-loads'}.js"
        files[name] = script_source(_options(bearer, encoding), token_url="/api/intercom-jwt", navigation=Navigation(navigation), modern=modern)
    files[f"{prefix}-anonymous.js"] = script_source(_options(False), token_url=None, modern=modern)
    return files


def _plain_scripts() -> dict[str, str]:
    return {**plain_scripts(), **plain_scripts(modern=True)}


def _cores() -> dict[str, str]:
    files = {}
    for bearer, load, sdk, base, region in itertools.product([False, True], list(LoadStrategy), ["dynamic", "static"],
                                                            range(len(API_BASES)), [Region.US, Region.AU]):
        options = _options(bearer, TokenEncoding.BASE64 if bearer else TokenEncoding.RAW, load, region)
        source = core_source(options, sdk_import=sdk, app_api=API_BASES[base], module_file="src/app/intercom-messenger.ts")
        name = f"core-{'bearer' if bearer else 'cookie'}-{load.value}-{sdk}-base{base}-{region.value}"
        files[f"{name}.ts"] = source
        files[f"{name}.js"] = strip_types(source)
    for load in LoadStrategy:
        source = core_source(_options(False, load=load), anonymous_only=True)
        files[f"core-anonymous-{load.value}.ts"] = source
        files[f"core-anonymous-{load.value}.js"] = strip_types(source)
    return files


def _every_choice(name: str) -> list[dict[str, str]]:
    """Every combination of the template's `iw:if KEY=VALUE` variants."""
    options: dict[str, set[str]] = {}
    for key, values in re.findall(r"// iw:if (\w+)=([\w|-]+)", _template_text(name)):
        options.setdefault(key, set()).update(values.split("|"))
    return [dict(zip(options, combo, strict=True)) for combo in itertools.product(*(sorted(v) for v in options.values()))]


def _next_and_upgrade_files() -> dict[str, str]:
    """The Next.js files we create (route handler, API route, proxy/middleware, getServerSideProps, the
    adapter snippet) and the upgrade's token helper, in every variant, TypeScript and JavaScript."""
    typescript = {}
    for number, choices in enumerate(_every_choice("nextjs/route.ts")):
        for imports, response in [("", "Response"), ("import { connection, NextResponse } from 'next/server';", "NextResponse")]:
            typescript[f"next-route-{number}-{response}.ts"] = render(
                "nextjs/route.ts", choices, next_server_import=imports, auth_module="@/lib/auth", response=response,
                nextauth_secret="process.env.NEXTAUTH_SECRET")
    for number, choices in enumerate(_every_choice("nextjs/api-route.ts")):
        signing_key = "key" if choices["key"] == "bytes" else "await key"
        typescript[f"next-api-route-{number}.ts"] = render(
            "nextjs/api-route.ts", choices, auth_module="../../lib/auth", signing_key=signing_key,
            nextauth_secret="process.env.NEXTAUTH_SECRET")
    for region, function in itertools.product([Region.US, Region.EU, Region.AU], ["middleware", "proxy"]):
        typescript[f"next-{function}-{region.value}.ts"] = render(
            "nextjs/proxy.ts", rendering="Only pages rendered per request (with getServerSideProps) carry a nonce.",
            region=region.value.upper(), help_url=csp.HELP_URL, directives=_directives(csp.intercom_sources(region)),
            function=function)
    for choices in _every_choice("nextjs/user-adapter.ts"):
        typescript[f"next-user-adapter-{choices['router']}.ts"] = render("nextjs/user-adapter.ts", choices).split("\n", 1)[1]
    files = {**typescript, **{name[:-3] + ".js": to_javascript(text) for name, text in typescript.items()}}
    helper = render("upgrade/intercom-user-jwt.ts", token_url="/api/intercom-jwt")
    files |= {"upgrade-intercom-user-jwt.ts": helper, "upgrade-intercom-user-jwt.js": strip_types(helper)}  # as upgrade_react.py writes it
    for language in ("ts", "js"):
        files[f"next-get-server-side-props.{language}"] = render("nextjs/get-server-side-props.ts", {"language": language})
    return files


# The core module as the created component names it: beside it in React apps (react/__init__.py), the
# `@/` alias or a relative path in Next.js apps (nextjs/source.py's specifier), the longest shapes too.
CORE_IMPORTS = ["./messenger", "@/lib/intercom-messenger", "../lib/intercom-messenger", "../lib/intercom/intercom-messenger"]
ROUTER_PACKAGES = ["react-router-dom", "react-router"]
REACT_AND_NEXT_TEMPLATES = [
    "react/IntercomMessenger.tsx", "react/IntercomMessengerClass.tsx", "react/IntercomMessengerRouter.tsx",
    "react/IntercomMessengerWithRouter.tsx", "react/IntercomMessengerClassWithRouter.tsx",
    "nextjs/intercom-messenger.tsx", "nextjs/use-intercom-messenger.ts", "nextjs/_document.tsx",
]


def _react_and_next_components() -> dict[str, str]:
    """The React components (function and class, with each React Router shape and package), the Next.js
    client component and Pages Router hook, and the custom Document snippet: every core import path,
    TypeScript and the JavaScript an install writes for a JavaScript app."""
    files = {}
    for template in REACT_AND_NEXT_TEMPLATES:
        text = _template_text(template)
        cores = CORE_IMPORTS if "__IW_CORE_IMPORT__" in text else CORE_IMPORTS[:1]
        routers = ROUTER_PACKAGES if "__IW_ROUTER_PACKAGE__" in text else ROUTER_PACKAGES[:1]
        stem, suffix = template.replace("/", "-").rsplit(".", 1)
        for (number, core), router in itertools.product(enumerate(cores), routers):
            source = render(template, None, core_import=core, router_package=router)
            name = f"{stem}-{number}-{router}"
            files[f"{name}.{suffix}"] = source
            files[f"{name}.{'jsx' if suffix == 'tsx' else 'js'}"] = to_javascript(source, jsx=suffix == "tsx")
    return files


def _restyled(folder: Path, files: dict[str, str]) -> dict[str, str]:
    """The files as an install creates them in a project whose prettier configuration is in `folder`
    (builder.fit: the inferred style, imports wider than its printWidth broken as prettier breaks them)."""
    restyled = {}
    for name, text in files.items():
        language = js_language(name) or "javascript"
        restyled[name] = infer_js_style(ProjectTree(folder), name).restyle(text, language)
    return restyled


def _code_lines_over(text: str, width: int) -> list[str]:
    """Lines wider than `width` that are neither comment lines (prettier leaves comments as they are)
    nor a lone string argument (prettier never splits a string)."""
    return [line for line in text.splitlines()
            if len(line) > width and not line.lstrip().startswith(("//", "/*", "*"))
            and not re.fullmatch(r"\s*'[^']*',?", line)]


def test_every_code_line_of_every_variant_fits_80_columns() -> None:
    files = {**_plain_scripts(), **_cores(), **_next_and_upgrade_files()}
    assert len(files) > 100, len(files)
    too_wide = {name: lines for name, text in files.items() if (lines := _code_lines_over(text, PRINT_WIDTH))}
    assert too_wide == {}


def test_every_react_and_next_component_fits_80_columns(tmp_path: Path) -> None:
    """Under prettier's defaults (configured, not installed): the core import, 87 columns with
    `@/lib/intercom-messenger`, is broken one name per line; every other line fits as written."""
    (tmp_path / ".prettierrc.json").write_text("{}\n")
    files = _react_and_next_components()
    assert len(files) == 82, len(files)
    wide_imports = [name for name, text in files.items() if any(len(line) > PRINT_WIDTH for line in text.splitlines() if line.startswith("import"))]
    assert len(wide_imports) == 48, wide_imports  # three of the four paths, in the five templates that import two names
    restyled = _restyled(tmp_path, files)
    too_wide = {name: lines for name, text in restyled.items() if (lines := _code_lines_over(text, PRINT_WIDTH))}
    assert too_wide == {}
    raw = {name: lines for name, text in files.items() if (lines := _code_lines_over(text, PRINT_WIDTH))}
    assert set(raw) == set(wide_imports), "only the path-dependent import is wider before the restyling"


def test_the_width_check_sees_a_wide_type_line() -> None:
    """The check above can fail: the core's former `type Settings` line (82 columns) is caught."""
    wide = "type Settings = { app_id: string; api_base?: string; intercom_user_jwt?: string };\n"
    assert _code_lines_over("// " + "x" * 100 + "\n" + wide, PRINT_WIDTH) == [wide.rstrip("\n")]


CONFIGS: dict[str, dict[str, object]] = {
    "defaults": {},
    "semi-false-single-quote": {"semi": False, "singleQuote": True},
}


@pytest.mark.parametrize("config", sorted(CONFIGS))
def test_every_variant_passes_prettier_check(tmp_path: Path, prettier: Path, config: str) -> None:  # noqa: F811
    (tmp_path / ".prettierrc.json").write_text(json.dumps(CONFIGS[config]) + "\n")
    files = {**_plain_scripts(), **_cores(), **_next_and_upgrade_files()}
    for name, text in files.items():
        # Our style adaptation, as an install makes it: the style inferred from the configuration.
        style = infer_js_style(ProjectTree(tmp_path), name)
        (tmp_path / name).write_text(style.restyle(text, "typescript" if name.endswith(".ts") else "javascript"))
    components = _restyled(tmp_path, _react_and_next_components())
    for name, text in components.items():
        (tmp_path / name).write_text(text)
    files |= components
    completed = subprocess.run([str(prettier), "--list-different", *sorted(files)], cwd=tmp_path,
                               capture_output=True, text=True, check=False)
    assert completed.returncode in (0, 1), completed.stderr  # 1: some file differs (listed below)
    rejected = completed.stdout.split()
    diffs = {}
    for name in rejected[:3]:  # what prettier would change, to read in the failure
        formatted = subprocess.run([str(prettier), name], cwd=tmp_path, capture_output=True, text=True, check=False).stdout
        diffs[name] = subprocess.run(["diff", "-u", name, "-"], cwd=tmp_path, input=formatted,
                                     capture_output=True, text=True, check=False).stdout
    assert (rejected, completed.returncode) == ([], 0), (len(rejected), len(files), diffs)


def test_the_angular_app_initializer_fits_80_columns_and_prettier(tmp_path: Path, cli, prettier: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """Angular before 19: the APP_INITIALIZER provider (113 columns on one line) goes into the NgModule's
    `providers: []` one property per line, as prettier lays it out."""
    root = copy_app("angular10_ngmodule_app", tmp_path)
    install_signed_in_app(cli, root)
    module = (root / "src/app/app.module.ts").read_text()
    assert "provide: APP_INITIALIZER" in module and _code_lines_over(module, PRINT_WIDTH) == []
    completed = subprocess.run([str(prettier), "--check", "--single-quote", "src/app/app.module.ts"], cwd=root,
                               capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_a_next_app_with_prettier_configured_gets_its_component_in_80_columns(tmp_path: Path, cli, prettier: Path) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    """End to end: create-next-app's `@/*` alias makes the component's core import 87 columns; with a
    `.prettierrc.json` and no prettier installed, the install breaks it as prettier does."""
    root = copy_app("next_app_no_sign_in", tmp_path)
    (root / ".prettierrc.json").write_text("{}\n")
    result = install_quietly(cli, root)
    assert result.exit_code == 0, result.stderr  # anonymous-only: the app has no sign-in
    component = (root / "components/intercom-messenger.tsx").read_text()
    assert 'import {\n  intercomPageChanged,\n  startIntercomMessenger,\n} from "@/lib/intercom-messenger";\n' in component
    created = ["components/intercom-messenger.tsx", "lib/intercom-messenger.ts"]
    assert {name: _code_lines_over((root / name).read_text(), PRINT_WIDTH) for name in created} == {name: [] for name in created}
    completed = subprocess.run([str(prettier), "--check", *created], cwd=root, capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stdout + completed.stderr
