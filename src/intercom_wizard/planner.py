"""plan(project, options): the one place decisions are made. Pure: it reads, never writes.

The pages branch (layouts, static sites, response pages, the static folder) is carried out in planner_pages.py."""

from dataclasses import replace
from typing import Any, TypeVar

from intercom_wizard import csp
from intercom_wizard.builder import PlanBuilder
from intercom_wizard.errors import AlreadyInstalled, Ambiguous, BadInput, Candidate, NothingDetected
from intercom_wizard.integrations import BACKENDS, FRONTENDS
from intercom_wizard.integrations.base import HAND_WRITTEN_JWT, BackendDetails, Detection, FrontendDetails, PlanContext
from intercom_wizard.integrations.frontends import html
from intercom_wizard.integrations.package_json import manifest_of
from intercom_wizard.options import AuthMode, ClientAuth, InstallOptions, TokenEncoding
from intercom_wizard.phpcompat import fit_created_php
from intercom_wizard.plan import DependencyChange, FileChange, Plan
from intercom_wizard.planner_pages import check_cookie_auth, page_host, plan_pages
from intercom_wizard.project import Project
from intercom_wizard.pythoncompat import fit_created_python
from intercom_wizard.receipt import RECEIPT_PATH, Receipt
from intercom_wizard.remote_endpoint import require_token_endpoint_elsewhere
from intercom_wizard.signin import find_sign_in
from intercom_wizard.step_lines import relocate_lines
from intercom_wizard.support import check_supported
from intercom_wizard.unsupported_servers import UnsupportedServer, endpoint_contract, find_unsupported_servers
from intercom_wizard.upgrade import for_backends, keeps_own_client, keeps_server_library, upgrade_steps

SUPPORTED_FRONTENDS = tuple(FRONTENDS)
DetectionT = TypeVar("DetectionT", bound=Detection[Any])
SUPPORTED_BACKENDS = tuple(BACKENDS)


def choose_backend(project: Project, options: InstallOptions) -> Detection[BackendDetails] | None:
    if options.backend is not None:
        if options.backend == "none":
            return None
        if options.backend not in BACKENDS:
            raise BadInput(f"Unknown back end {options.backend!r}.", hint=f"Choose one of: {', '.join(SUPPORTED_BACKENDS)}, none.")
        matches = [d for d in project.backends if d.name == options.backend and options.backend_root in (None, d.root)]
        if not matches:
            raise NothingDetected(f"--backend {options.backend} was given, but no {options.backend} app was found in {project.tree.root}.")
        return _single("backend", matches)
    if options.backend_root is not None:  # --backend-root: one of the detected back ends, by its folder
        matches = [d for d in project.backends if d.root == options.backend_root]
        if not matches:
            found = ", ".join(d.root or "." for d in project.backends) or "none"
            raise BadInput(f"No back end was detected in {options.backend_root or '.'} (detected: {found}).", hint="Give one of the detected folders to --backend-root.")
        return _single("backend", matches)
    return _single("backend", project.backends) if project.backends else None


def choose_frontend(project: Project, options: InstallOptions) -> Detection[Any] | None:
    if options.frontend is not None:
        if options.frontend not in FRONTENDS:
            raise BadInput(
                f"Unknown or not yet supported front end {options.frontend!r}.",
                hint=f"This release installs: {', '.join(SUPPORTED_FRONTENDS)}.",
            )
        chosen = [d for d in project.frontends if d.name == options.frontend and d.root == options.frontend_root]
        if chosen:  # picked from the detected apps (interactive choice): that app, at its folder
            return chosen[0]
        # No detection of its own: the base details say so, and the integration reads its own from the tree.
        return Detection(options.frontend, "frontend", options.frontend_root or "", ("chosen with --frontend",), FrontendDetails())
    if options.frontend_root is not None:  # --frontend-root: one of the detected apps, by its folder
        matches = [d for d in project.frontends if d.root == options.frontend_root]
        if not matches:
            found = ", ".join(d.root or "." for d in project.frontends) or "none"
            raise BadInput(f"No front end was detected in {options.frontend_root or '.'} (detected: {found}).", hint="Give one of the detected folders to --frontend-root.")
        return _single("frontend", matches)
    return _single("frontend", project.frontends) if project.frontends else None


def resolve_client_auth(
    project: Project, options: InstallOptions, backend: Detection[BackendDetails] | None, *, has_pages: bool, cookies_unproven: bool = False
) -> InstallOptions:
    """Cookie or bearer: what the back end's auth implies, and for bearer where the front end keeps its token.

    Cookie auth needs evidence: a back end in this project with session auth, or front-end calls that
    send cookies. A front end that signs users in with neither is asked (`--yes`: exit 2)."""
    auth = options.auth
    token_auth = backend.details.token_auth if backend is not None else None
    declared = token_auth.scheme if token_auth is not None else None
    if declared and options.auth_scheme == "Bearer":  # the back end's own scheme (JWT_HEADER_TYPE, DRF's Token)
        options = replace(options, auth_scheme=str(declared))
    # client_auth (ast-grep queries over the front end's calls) loads only where they are looked at (start-up time, issue 14).
    if auth is None and token_auth is None and backend is None and cookies_unproven:
        from intercom_wizard.integrations.frontends.client_auth import sends_cookies

        if not sends_cookies(project.tree):
            raise Ambiguous(
                "auth",
                [Candidate("auth", "cookie", "", "cookie: the browser's session cookie"), Candidate("auth", "bearer", "", "bearer: an access token the front end keeps")],
                "The app signs users in, but nothing in this project says how its API calls prove it: no back end with "
                "session auth here, and no front-end call that sends cookies (credentials: 'include', withCredentials: true).",
                hint="Say which with --auth cookie or --auth bearer (with --token-storage-key KEY where the front end keeps its token).",
            )
    if auth is None:
        auth = ClientAuth.BEARER if token_auth is not None else ClientAuth.COOKIE
    if auth is ClientAuth.COOKIE:
        return replace(options, auth=auth)
    if options.token_storage_key or not has_pages:
        return replace(options, auth=auth)
    from intercom_wizard.integrations.frontends.client_auth import find_token_storage

    candidates = find_token_storage(project.tree, stored_at_sign_in=True)
    if not candidates and options.auth is None and token_auth is not None and token_auth.kind == HAND_WRITTEN_JWT:
        # The app's own jwt.verify middleware, fed from somewhere the Messenger cannot read (a js-cookie
        # cookie): cookies are sent, and check_cookie_auth's manual step says what the route needs.
        return replace(options, auth=ClientAuth.COOKIE)
    if len(candidates) == 1:
        found = candidates[0]
        encoding = options.token_storage_encoding or TokenEncoding(found.encoding)
        return replace(
            options, auth=auth, token_storage_key=found.key, auth_scheme=found.scheme, token_storage=found.storage,
            token_storage_field=found.field, token_storage_encoding=encoding,
        )
    unreadable = ""
    if not candidates:
        from intercom_wizard.integrations.frontends.axios_header import axios_default_header

        header, unreadable = axios_default_header(project.tree)
        if header is not None:  # kept only in memory, on axios' defaults: the core reads that header
            return replace(options, auth=auth, auth_scheme=header.scheme, token_axios_headers=header.member)
    listed = "; ".join(f"{c.key!r} in {c.file}" for c in candidates) or unreadable or (
        "no localStorage/sessionStorage key read next to an Authorization header, and none set on axios' defaults"
    )
    raise Ambiguous(
        "token_storage_key",
        [Candidate("token_storage_key", c.key, c.file, f"{c.key!r} in {c.file}") for c in candidates],
        f"The API authenticates with bearer tokens, but where the front end keeps its token is unclear ({listed}).",
        hint="Pass --token-storage-key KEY (and --auth-scheme Token for DRF's TokenAuthentication), or --auth cookie.",
    )


def _single(role: str, candidates: list[DetectionT]) -> DetectionT:
    if len(candidates) == 1:
        return candidates[0]
    listed = [Candidate(role, d.name, d.root, f"{d.name} in {d.root or '.'}") for d in candidates]
    raise Ambiguous(
        role,
        listed,
        f"Found more than one {role}: " + "; ".join(c.display for c in listed) + ".",
        hint=(
            f"Say which with --{role}-root FOLDER (one of the folders above)."
            if len({d.root for d in candidates}) == len(candidates)
            else f"Say which with --{role} NAME (and run the wizard in that app's folder)."
        ),
    )


def make_plan(project: Project, options: InstallOptions, secret: str | None) -> Plan:
    steps = for_backends(upgrade_steps(project.tree, project.existing_intercom), [d.name for d in project.backends], [d.name for d in project.frontends])
    if steps and options.upgrade:
        from intercom_wizard.upgrade_plan import check_upgradable  # only an upgrade loads its planners (start-up time)

        check_upgradable(steps)
    elif steps:
        listed = "\n  ".join(str(step) for step in steps[:10])
        raise AlreadyInstalled(
            f"Intercom is already installed in this project by hand. `intercom-wizard install --upgrade` would change:\n  {listed}",
            hint="Run `intercom-wizard install --upgrade` to see these changes as a diff and make them "
            "(`intercom-wizard uninstall` restores today's code), or keep the installation as it is.",
        )
    settings = _settings(options)
    if project.receipt and project.receipt.settings and project.receipt.settings != settings:
        raise AlreadyInstalled(
            f"The wizard already installed Intercom here with other settings ({project.receipt.settings}).",
            hint="Run `intercom-wizard uninstall` first, then install with the new settings.",
        )
    backend = choose_backend(project, options)
    frontend = choose_frontend(project, options)
    if backend is None and frontend is None:
        raise NothingDetected(
            f"No web app was found in {project.tree.root}: no supported back end and no HTML pages.",
            hint=f"Point the wizard at your app's folder, or pass --frontend ({', '.join(SUPPORTED_FRONTENDS)}) "
            f"and --backend ({', '.join(SUPPORTED_BACKENDS)}).",
        )
    _check_versions(project, backend, frontend)
    builder = PlanBuilder(project.tree, project.receipt)
    secure = options.mode is AuthMode.SECURE
    # `--auth cookie|bearer` says the app signs users in, even where the evidence search found nothing.
    anonymous_only = secure and options.auth is None and not find_sign_in(project.tree, backend, project.receipt)
    if anonymous_only:
        builder.note(
            "This app has no sign-in (no auth library, no login route, form or action, no session user), so the "
            "Messenger boots every visitor anonymously, as a lead: no token endpoint and no token request were added. "
            "To identify users later, add sign-in to the app, then run `intercom-wizard uninstall` and install again "
            "(if it does sign users in already, install with --auth cookie or --auth bearer to say so)."
        )
    single_page_app = frontend is not None and frontend.name != html.NAME
    host = None if single_page_app else page_host(PlanContext(project.tree, options, builder, secret, anonymous_only=anonymous_only), project, backend)
    # Options and client auth are settled here, once, before any integration plans: every plan() reads
    # the same frozen context. (Where pages take the script decides whether the front end's token
    # storage is looked for, so page_host, which reads only the endpoint, comes first.)
    # Evidence of cookies without looking further: pages sign in with forms the server answers with a
    # session cookie; Next.js signs its tokens in its own route handler, with the app's own session.
    cookies_unproven = secure and not anonymous_only and single_page_app and frontend is not None and frontend.name != "nextjs"
    resolved = resolve_client_auth(project, options, backend, has_pages=single_page_app or host is not None, cookies_unproven=cookies_unproven)
    context = PlanContext(project.tree, resolved, builder, secret, anonymous_only=anonymous_only)
    if keeps_server_library(project.tree):
        pass  # intercom-rails puts the Messenger in the pages and signs the JWT itself (upgrade_rails.py)
    elif frontend is not None and single_page_app:
        _plan_single_page_app(context, project, backend, frontend, own_client=keeps_own_client(project.existing_intercom))
    else:
        plan_pages(context, project, backend, host)
    if steps:
        from intercom_wizard.upgrade_plan import plan_upgrade

        plan_upgrade(context, steps, frontend)
    for server in find_unsupported_servers(project.tree):
        builder.note(_unsupported_server_note(server, context, backend, frontend), "warning")
    ours = set(project.receipt.created) if project.receipt else set()
    policies = [path for path in csp.find_policies(project.tree) if path not in ours]  # not the proxy --csp-nonce wrote
    if policies:
        builder.note(
            f"A Content Security Policy is set in {', '.join(policies)}: it must allow Intercom's sources (listed in the "
            "next steps) or the browser blocks the Messenger.",
            "warning",
        )
    # New modules in the idiom of the app's own language level (templates are written in today's).
    changes = fit_created_php(project.tree, fit_created_python(project.tree, builder.changes()))
    # Integrations name the user's code by its line before the install; the user reads it after.
    manual_steps, notes = relocate_lines(changes, builder.manual_steps, builder.notes)
    plan = Plan(
        str(project.tree.root),
        frontend.name if frontend else None,
        backend.name if backend else None,
        changes,
        builder.dependencies,
        manual_steps,
        notes,
        _next_steps(context.options, backend is not None and secure and not context.anonymous_only, has_policy=bool(policies), anonymous=context.anonymous_only),
        identifies_users=not context.anonymous_only,
    )
    if changes:
        plan.changes.append(_receipt_change(project, settings, changes, builder.dependencies))
    return plan


def _unsupported_server_note(
    server: UnsupportedServer, context: PlanContext, backend: Detection[BackendDetails] | None, frontend: Detection[Any] | None
) -> str:
    """What the install did and did not do, with a server in the project the wizard does not install into."""
    done = f" The Messenger was installed in {frontend.root or '.'} ({frontend.name})" if frontend is not None else ""
    if backend is not None:
        return f"{server.nothing_changed()}{done}; its token endpoint is in {backend.root or '.'} ({backend.name})."
    if context.anonymous_only:
        return (
            f"{server.nothing_changed()}{done} and boots every visitor as a lead. When this API signs users in, it needs "
            f"the token endpoint written by hand ({endpoint_contract(context.options)}); then install again with --auth."
        )
    if frontend is not None and frontend.name == "nextjs":
        return f"{server.nothing_changed()}{done}; Next.js signs the tokens in its own route handler, with its own session."
    return f"{server.nothing_changed()}{done}; see the manual step for the token endpoint."


def _check_versions(project: Project, backend: Detection[BackendDetails] | None, frontend: Detection[Any] | None) -> None:
    """Refuse before planning when the app runs versions an integration does not generate code for."""
    if backend is not None:
        check_supported(project.tree, backend.root, backend.name, BACKENDS[backend.name].SUPPORTED)
    if frontend is not None:
        check_supported(project.tree, frontend.root, frontend.name, FRONTENDS[frontend.name].SUPPORTED)


def _plan_single_page_app(
    context: PlanContext, project: Project, backend: Detection[BackendDetails] | None, frontend: Detection[Any], *, own_client: bool = False
) -> None:
    """A framework front end: its own client module, plus the back end's endpoint when there is one."""
    check_cookie_auth(context, project, backend)
    if context.options.mode is not AuthMode.SECURE:
        raise BadInput(
            f"--insecure is only offered for server-rendered pages; the {frontend.name} integration always uses identity verification.",
            hint="Run without --insecure.",
        )
    if context.anonymous_only:
        pass  # no sign-in: nothing to sign a token for
    elif backend is not None:
        BACKENDS[backend.name].plan(context, backend)
    elif not getattr(FRONTENDS[frontend.name], "SERVES_TOKENS", False):
        # Its users sign in, but no endpoint can be written here to sign their tokens: a part left to do.
        # The step names the sign-in in the front end's own folder when it has one (a workspace: ember-simple-auth's
        # test-app, not the docs package beside it), else wherever the project shows it.
        evidence = find_sign_in(project.tree, None, project.receipt, under=frontend.root) or find_sign_in(project.tree, None, project.receipt)
        require_token_endpoint_elsewhere(context, frontend.name, evidence, manifest_of(project.tree, frontend.root))
    if not own_client:  # `install --upgrade` keeps the app's react-use-intercom (upgrade_react.py)
        # The front end knows the back end's folder: a Next.js app whose users sign in on it uses its endpoint.
        FRONTENDS[frontend.name].plan(replace(context, backend_root=backend.root if backend is not None else None), frontend)
    nonce_note = getattr(FRONTENDS[frontend.name], "CSP_NONCE_NOTE", None)
    if context.options.csp_nonce and nonce_note:
        context.builder.note(
            f"--csp-nonce: {nonce_note} The Messenger's script is created by your bundle, so it is trusted through "
            "'strict-dynamic' in script-src (or allow the script-src hosts in the next steps)."
        )


def _settings(options: InstallOptions) -> dict[str, str]:
    return {
        "workspace_id": options.workspace_id,
        "region": options.region.value,
        "endpoint": str(options.endpoint),
        "mode": options.mode.value,
        "load": options.load.value,
    } | ({"csp_nonce": "yes"} if options.csp_nonce else {})


def _receipt_change(project: Project, settings: dict[str, str], changes: list[FileChange], dependencies: list[DependencyChange]) -> FileChange:
    receipt = project.receipt or Receipt()
    if project.receipt is None:  # only the first install sees the lockfile as the user had it
        from intercom_wizard.lockfiles import pristine_lockfile_blobs

        receipt.lockfiles = pristine_lockfile_blobs(project.tree, dependencies)
    receipt.settings = settings
    for change in changes:
        receipt.record(change)
    from intercom_wizard.formatting import ProjectFormatter

    # Laid out as the project's Biome or prettier writes JSON, so its own check of `.` stays clean.
    text = ProjectFormatter(project.tree).format_created(RECEIPT_PATH, receipt.to_text())
    if project.receipt is None:
        return FileChange(RECEIPT_PATH, "create", "what the wizard added, for `intercom-wizard uninstall`", after=text)
    source = project.tree.read(RECEIPT_PATH)
    return FileChange(RECEIPT_PATH, "modify", "what the wizard added, for `intercom-wizard uninstall`", after=text, before=source.text, source=source)


def _next_steps(options: InstallOptions, has_backend: bool, *, has_policy: bool, anonymous: bool = False) -> list[str]:
    url = options.workspace.security_settings_url
    if anonymous:
        steps = ["Deploy, open the Messenger and send a test message; it should appear in the Inbox as a lead."]
        return steps + ([csp.hosts_step(options.region, nonce=options.csp_nonce)] if options.csp_nonce or has_policy else [])
    if options.mode is AuthMode.INSECURE:
        return [
            "This installation is INSECURE: anyone can impersonate any user by changing the attributes in the "
            "browser console. Switch to identity verification (run the wizard without --insecure) for production.",
            "Call Intercom('shutdown') in your logout handler before clearing the session: the insecure snippet "
            "cannot notice a server-side sign-out.",
        ]
    steps = []
    if has_backend:
        steps.append("Set INTERCOM_IDENTITY_SECRET on every server that runs the app (it is read from the environment).")
    steps += [
        f"Enable identity verification and then ENFORCE it on the Messenger Security page: {url} "
        "- without enforcement, anyone can still impersonate a user from the browser console.",
        "Mark attributes that identify users (email, name, and any you add) as protected on the same page.",
        "Deploy, sign in, open the Messenger and send a test message; it should appear in the Inbox under that user.",
    ]
    if options.csp_nonce or has_policy:
        steps.append(csp.hosts_step(options.region, nonce=options.csp_nonce))
    return steps
