"""Detection: which front ends and back ends a project has, and what else the plan needs to know."""

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intercom_wizard.existing import Finding, find_existing_intercom
from intercom_wizard.integrations import BACKENDS, FRONTENDS
from intercom_wizard.integrations.base import BackendDetails, Detection
from intercom_wizard.integrations.package_json import manifest_of
from intercom_wizard.receipt import Receipt, load_receipt
from intercom_wizard.support import versions_json
from intercom_wizard.tree import ProjectTree


@dataclass
class Project:
    """What detection found in the project: its front ends, back ends, receipt and existing Intercom code."""

    tree: ProjectTree
    frontends: list[Detection[Any]]
    backends: list[Detection[BackendDetails]]
    receipt: Receipt | None
    existing_intercom: list[Finding]
    package_managers: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "root": str(self.tree.root),
            "git": self.tree.is_git_repo,
            # "supported": this release installs it (every framework detection recognises is registered).
            "frontends": [d.summary() | {"supported": d.name in FRONTENDS, "versions": self.versions(d)} for d in self.frontends],
            "backends": [d.summary() | {"supported": d.name in BACKENDS, "auth": _auth_summary(d), "versions": self.versions(d)} for d in self.backends],
            "package_managers": self.package_managers,
            "installed_by_wizard": self.receipt.settings if self.receipt else None,
            "existing_intercom": [str(f) for f in self.existing_intercom],
        }

    def versions(self, detection: Detection[Any]) -> dict[str, object]:
        """The versions the detected app runs, against what its integration generates for."""
        module = (FRONTENDS if detection.role == "frontend" else BACKENDS).get(detection.name)
        return versions_json(self.tree, detection.root, module.SUPPORTED) if module is not None else {}


def _auth_summary(detection: Detection[BackendDetails]) -> str:
    if detection.name == "django":
        return "django.contrib.auth (request.user)"
    details = detection.details
    kind = details.sign_in or "none"
    return f"{kind} ({details.sign_in_name})" if details.sign_in_name else kind


def detect(root: Path) -> Project:
    tree = ProjectTree(root)
    receipt = load_receipt(tree)
    # Only the integrations whose pre-test (integrations/presence.py) says they may be here are imported and run.
    backends = [d for module in BACKENDS.detectors(tree) for d in module.detect(tree)]
    spas = [d for module in FRONTENDS.detectors(tree, leaving_out="html") for d in module.detect(tree)]
    # Laravel's resources/js (Vite, Mix, Inertia) is the bundle its Blade layout loads, not a separate app.
    laravel_roots = {d.root for d in backends if d.name == "laravel"}
    spas = [d for d in spas if d.root not in laravel_roots]
    frontends = spas or FRONTENDS["html"].detect(tree)
    with_manifest = [d for d in backends + frontends if tree.exists(manifest_of(tree, d.root))]
    managers: dict[str, str] = {}
    if with_manifest:  # npm_common (with jsonedit) loads only for a package.json (start-up time, issue 14)
        from intercom_wizard.integrations.backends.npm_common import package_manager

        managers = {d.root or ".": package_manager(tree, d.root) for d in with_manifest}
    return Project(tree, frontends, backends, receipt, find_existing_intercom(tree, receipt), managers)
