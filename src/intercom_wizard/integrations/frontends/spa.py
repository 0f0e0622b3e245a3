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


def detect(tree: ProjectTree) -> list[Detection]:
    found = []
    for path in tree.named("package.json"):
        dependencies = dependencies_of(read_package_json(tree, path))
        for package, name in SPA_PACKAGES:
            if package in dependencies:
                found.append(Detection(name, "frontend", folder_of(path), (f"{path}: depends on {package}",), supported=False))
                break
    return found
