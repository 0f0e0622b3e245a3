"""Which versions a project runs: its frameworks' and its language's, read from evidence.

Generated code must compile on the versions the project actually uses, not the newest ones. For a
package the evidence is, in this order: the installed copy (`node_modules/<pkg>/package.json`, a
virtualenv's `*.dist-info`, Composer's `vendor/composer/installed.json`), else the lockfile
(package-lock.json, yarn.lock, pnpm-lock.yaml, poetry.lock, uv.lock, Pipfile.lock, composer.lock,
Gemfile.lock), else the lowest version the manifest's range allows. For a language level it is the
lowest of every declaration (a project that says `requires-python >= 3.8` and pins 3.12 locally
still has to run on 3.8).

Ranges are read with the ecosystems' own grammars: PEP 440 specifiers with `packaging`, npm ranges
with `node-semver` (a port of npm's own); Composer and RubyGems ranges differ from npm's only in
operators whose lower bound is the same (`~>`, `|`, `,`), so they are rewritten to npm's syntax
for the floor alone.
"""

from intercom_wizard.tree import ProjectTree
from intercom_wizard.versions.common import (
    VIRTUALENV_DIRS,
    Ecosystem,
    Found,
    How,
    Language,
    Release,
    is_language,
    parse_release,
)
from intercom_wizard.versions.levels import language_level
from intercom_wizard.versions.npm import module_system, npm_version, pnpm_locked, yarn_locked
from intercom_wizard.versions.php_ruby import composer_version, gem_version
from intercom_wizard.versions.python import python_version
from intercom_wizard.versions.ranges import composer_range_floor, gem_range_floor, npm_range_floor, python_specifier_floor

__all__ = [
    "VIRTUALENV_DIRS",
    "Ecosystem",
    "Found",
    "How",
    "Language",
    "Release",
    "composer_range_floor",
    "composer_version",
    "gem_range_floor",
    "gem_version",
    "is_language",
    "language_level",
    "module_system",
    "npm_range_floor",
    "npm_version",
    "package_version",
    "parse_release",
    "pnpm_locked",
    "python_specifier_floor",
    "python_version",
    "yarn_locked",
]


def package_version(tree: ProjectTree, root: str, ecosystem: Ecosystem, package: str) -> Found | None:
    readers = {"npm": npm_version, "python": python_version, "php": composer_version, "ruby": gem_version}
    return readers[ecosystem](tree, root, package)
