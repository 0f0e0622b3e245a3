"""Servers in the project that the wizard does not install into (NestJS): the plan says so.

nx-nest-next-starter (Nx 19: a Next.js front end and a NestJS API run by `@nx/js:node`): a NestJS app
is no Express back end of ours (its routes are decorated controllers, its bootstrap
`NestFactory.create(AppModule)`), so it is not detected as a back end, and the install went into the
front end only without a word about the API. Each such server gets a note that names it, says that
nothing of it was changed and no token endpoint was added there, and what that means for identity.
"""

from dataclasses import dataclass
from pathlib import PurePosixPath

from intercom_wizard.options import InstallOptions
from intercom_wizard.signin import in_test_folder
from intercom_wizard.tree import ProjectTree, folder_of, join

SCRIPT_SUFFIXES = (".ts", ".js", ".mts", ".cts", ".mjs", ".cjs")
NEST_BOOTSTRAP = b"NestFactory.create"
NEST_PACKAGE = b'"@nestjs/core"'


@dataclass(frozen=True)
class UnsupportedServer:
    """A server framework the wizard cannot add the token endpoint to, and where it is."""

    framework: str
    folder: str  # the server's own project folder (its project.json or package.json)
    file: str  # where it starts

    def nothing_changed(self) -> str:
        return (
            f"{self.folder or '.'} is a {self.framework} server ({self.file} calls {NEST_BOOTSTRAP.decode()}): the wizard does not "
            f"install into {self.framework}, so it changed nothing there and added no token endpoint to it."
        )


def find_unsupported_servers(tree: ProjectTree) -> list[UnsupportedServer]:
    """Every NestJS bootstrap outside test folders, one per server folder, under a package.json that
    declares `@nestjs/core` (an Nx repo's root one declares it for all its apps); no other file is read."""
    found: dict[str, UnsupportedServer] = {}
    for manifest in tree.named("package.json"):
        if not tree.mentions(manifest, (NEST_PACKAGE,)):
            continue
        for path in tree.glob(*SCRIPT_SUFFIXES, under=folder_of(manifest)):
            if in_test_folder(PurePosixPath(path)) or ".spec." in path or not tree.mentions(path, (NEST_BOOTSTRAP,)):
                continue
            folder = _project_folder(tree, folder_of(path))
            found.setdefault(folder, UnsupportedServer("NestJS", folder, path))
    return list(found.values())


def endpoint_contract(options: InstallOptions) -> str:
    """What the endpoint written by hand must do (README: "What the generated code does")."""
    return (
        f"GET {options.endpoint.path}: for a signed-in user 200 {{\"token\": JWT}}, HS256 with the secret from "
        "INTERCOM_IDENTITY_SECRET, claims user_id (the user's primary key), email, name, iat, exp = now + 2 h; "
        "401 otherwise; Cache-Control: no-store"
    )


def _project_folder(tree: ProjectTree, folder: str) -> str:
    """The nearest folder at or above `folder` with a project.json or package.json (the server's own)."""
    current = folder
    while current and not (tree.exists(join(current, "project.json")) or tree.exists(join(current, "package.json"))):
        current = folder_of(current)
    return current
