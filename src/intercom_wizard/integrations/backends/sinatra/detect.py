"""Finding Sinatra apps: classic (`require "sinatra"`, or config.ru running Sinatra::Application) and
modular (`class App < Sinatra::Base`), merged into one app where several files or controllers make
one (a classic app split over files, a config.ru composing controllers); and the folders an app
sets for its views and public files."""

import dataclasses
import re
from typing import Literal

from ast_grep_py import SgNode

from intercom_wizard.astgrep import field_text
from intercom_wizard.integrations.backends.ruby_common import first_argument, gemfile_path, method_name, ruby, string_value
from intercom_wizard.integrations.backends.sinatra.auth import auth_style
from intercom_wizard.integrations.backends.sinatra.details import SinatraDetails
from intercom_wizard.integrations.base import Detection
from intercom_wizard.tree import ProjectTree, folder_of, join

NAME = "sinatra"
APP_CLASSES = ("Sinatra::Base", "Sinatra::Application")
ROUTE_METHODS = ("get", "post", "put", "patch", "delete", "options", "link", "unlink")
TEST_FOLDERS = ("spec", "test")
SinatraApp = Detection[SinatraDetails]


def detect(tree: ProjectTree) -> list[SinatraApp]:
    found = []
    for path in tree.glob(".rb"):
        if path.split("/", 1)[0] in TEST_FOLDERS:
            continue
        text = tree.text(path)
        if "inatra" not in text and not _rackup_runs_classic(tree, folder_of(path)):
            continue
        root = ruby(text)
        classes = [k for k in root.find_all(kind="class") if _superclass(k) in APP_CLASSES]
        folder = folder_of(path)
        for klass in classes:
            name = field_text(klass, "name") or ""
            found.append(_detection(tree, path, folder, "modular", name, f"{path}: class {name} < {_superclass(klass)}"))
        if not classes and _requires(root, "sinatra"):
            found.append(_detection(tree, path, folder, "classic", None, f'{path}: require "sinatra"'))
        elif not classes and _rackup_runs_classic(tree, folder) and _top_level_routes(root):
            # Bundler.require loads sinatra and config.ru runs Sinatra::Application: the routes file is the app.
            found.append(_detection(tree, path, folder, "classic", None, f"{join(folder, 'config.ru')}: run Sinatra::Application"))
    return _one_classic_app_per_folder(tree, _one_app_per_rackup(tree, found))


def _rackup_runs_classic(tree: ProjectTree, folder: str) -> bool:
    rackup = join(folder, "config.ru")
    return tree.exists(rackup) and re.search(r"^\s*run\s+Sinatra::Application\b", tree.text(rackup), re.MULTILINE) is not None


def _top_level_routes(root: SgNode) -> int:
    """Routes declared at the top level (`get "/" do ... end`), the mark of a classic app's own file."""
    return sum(
        1
        for statement in root.children()
        if statement.kind() == "call" and method_name(statement) in ROUTE_METHODS and statement.field("receiver") is None
    )


def _one_app_per_rackup(tree: ProjectTree, found: list[SinatraApp]) -> list[SinatraApp]:
    """The skeleton most Sinatra courses use: config.ru runs Sinatra::Application after config/environment.rb
    requires sinatra, and the routes live in app/controllers/*.rb. That is one app, rooted at config.ru's
    folder (where views/ and public/ are), whose route file is the controller with the most routes."""
    result = list(found)
    for rackup in tree.named("config.ru"):
        root = folder_of(rackup)
        result = _rackup_modular_app(tree, rackup, result)
        if not _rackup_runs_classic(tree, root):
            continue
        inside = [d for d in result if d.details.style == "classic" and (not root or d.root == root or d.root.startswith(root + "/"))]
        if not inside or all(d.root == root for d in inside):
            continue  # the app file sits beside config.ru: the folder rule decides
        routes = {
            path: _top_level_routes(ruby(tree.text(path)))
            for path in tree.glob(".rb", under=root)
            if not set(path[len(root) :].strip("/").split("/")[:1]) & {*TEST_FOLDERS, "db", "vendor"}
        }
        best = max(routes, key=lambda path: (routes[path], path.rpartition("/")[2] in ("index.rb", "app.rb")), default=None)
        if best is None or not routes[best]:
            continue
        result = [d for d in result if d not in inside]
        result.append(_detection(tree, best, root, "classic", None, f"{rackup}: run Sinatra::Application ({best} has the most routes)"))
    return result


def _rackup_modular_app(tree: ProjectTree, rackup: str, found: list[SinatraApp]) -> list[SinatraApp]:
    """Modular controllers composed by config.ru (`use UsersController` ... `run ApplicationController`) are one
    app: the class config.ru runs gets the route, rooted at config.ru's folder (the paths the app sets for
    its views and public folder are relative to where rackup starts)."""
    text = tree.text(rackup)
    ran = re.search(r"^\s*run\s+([A-Z][\w:]*)\s*$", text, re.MULTILINE)
    if ran is None:
        return found
    mounted = set(re.findall(r"^\s*(?:use|run)\s+([A-Z][\w:]*)", text, re.MULTILINE))
    target = next((d for d in found if d.details.style == "modular" and d.details.class_name == ran.group(1)), None)
    if target is None:
        return found
    root = folder_of(rackup)
    # Every controller class under config.ru's folder is part of the Rack app it composes (mounted, or a base class).
    others = [
        d
        for d in found
        if d is not target and d.details.style == "modular" and (d.details.class_name in mounted or not root or d.root == root or d.root.startswith(root + "/"))
    ]
    # Sinatra's own root stays the class file's folder; folders the app sets by relative path start at rackup's.
    rooted = _detection(tree, target.details.entry_file, target.root, "modular", ran.group(1), f"{rackup}: run {ran.group(1)}")
    rooted = dataclasses.replace(rooted, details=dataclasses.replace(rooted.details, rackup_root=root))
    return [rooted if d is target else d for d in found if d not in others]


def _one_classic_app_per_folder(tree: ProjectTree, found: list[SinatraApp]) -> list[SinatraApp]:
    """A classic app split over files that each `require "sinatra"` (helpers, database code) is one app:
    the file with the routes (the most, when several have some)."""
    classic: dict[str, list[SinatraApp]] = {}
    for detection in found:
        if detection.details.style == "classic":
            classic.setdefault(detection.root, []).append(detection)
    dropped = set()
    for detections in classic.values():
        if len(detections) < 2:
            continue
        routes = {id(d): _top_level_routes(ruby(tree.text(d.details.entry_file))) for d in detections}
        best = max(detections, key=lambda d: routes[id(d)])
        if routes[id(best)] and sorted(routes.values())[-2] < routes[id(best)]:
            dropped |= {id(d) for d in detections if d is not best}
    return [d for d in found if id(d) not in dropped]


def _detection(
    tree: ProjectTree, path: str, folder: str, style: Literal["classic", "modular"], class_name: str | None, evidence: str
) -> SinatraApp:
    auth = auth_style(tree, folder)
    details = SinatraDetails(
        entry_file=path,
        sign_in=None if auth.kind == "none" else auth.kind,
        style=style,
        class_name=class_name,
        gemfile=gemfile_path(tree, folder, ""),
        auth=auth,
    )
    return Detection(NAME, "backend", folder, (evidence,), details)


def _superclass(klass: SgNode) -> str | None:
    superclass = field_text(klass, "superclass")
    return superclass.lstrip("< ").strip() if superclass is not None else None


def _requires(root: SgNode, library: str) -> bool:
    return any(method_name(c) == "require" and string_value(first_argument(c)) == library for c in root.find_all(kind="call"))


def folder_setting(root: SgNode, setting: str) -> str | None:
    """A plain relative folder given to `set :views, "app/views"` (computed paths are not followed)."""
    for call in root.find_all(kind="call"):
        arguments_node = call.field("arguments")
        if method_name(call) != "set" or string_value(first_argument(call)) != setting or arguments_node is None:
            continue
        arguments = [a for a in arguments_node.children() if a.is_named()]
        value = string_value(arguments[1]) if len(arguments) > 1 and arguments[1].kind() == "string" else None
        if value and not value.startswith("/") and ".." not in value:
            return value.strip("./") or None
    return None


def sets(root: SgNode, setting: str) -> bool:
    return any(method_name(c) == "set" and string_value(first_argument(c)) == setting for c in root.find_all(kind="call"))
