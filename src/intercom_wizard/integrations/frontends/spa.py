"""Single-page front ends recognised from package.json, so detection can name them.

Their integrations (SDK-based client modules per framework) are not part of this release; the
install command says so instead of treating such an app as plain HTML.
"""

from intercom_wizard.integrations.base import Detection
from intercom_wizard.integrations.package_json import dependencies_of, read_package_json
from intercom_wizard.tree import ProjectTree, folder_of

# package.json dependency -> front-end name, most specific first (Next.js apps depend on react too).
SPA_PACKAGES = (
    ("next", "nextjs"),
    ("@angular/core", "angular"),
    ("ember-source", "ember"),
    ("vue", "vue"),
    ("react", "react"),
)


def framework_of(manifest: dict[str, object]) -> tuple[str, str] | None:
    """The single-page framework a package.json declares, with the dependency that says so."""
    dependencies = dependencies_of(manifest)  # type: ignore[arg-type]
    return next(((name, package) for package, name in SPA_PACKAGES if package in dependencies), None)


def detect_framework(tree: ProjectTree, name: str) -> list[Detection]:
    """Apps whose package.json makes them `name` apps (most specific framework first)."""
    found = []
    for path in tree.named("package.json"):
        framework = framework_of(read_package_json(tree, path))
        if framework is not None and framework[0] == name:
            found.append(Detection(name, "frontend", folder_of(path), (f"{path}: depends on {framework[1]}",)))
    return found


def detect(tree: ProjectTree, installable: frozenset[str] = frozenset()) -> list[Detection]:
    """The frameworks this release recognises but cannot install yet."""
    found = []
    for path in tree.named("package.json"):
        framework = framework_of(read_package_json(tree, path))
        if framework is not None and framework[0] not in installable:
            name, package = framework
            found.append(Detection(name, "frontend", folder_of(path), (f"{path}: depends on {package}",), supported=False))
    return found
