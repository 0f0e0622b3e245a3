"""Every registered integration declares what base.py's protocols require, with the declared types;
the shared tables are derived from those declarations (issue 15: a new framework is its folder and one
registry line, and nothing else fails silently when a declaration is forgotten)."""

import types
from pathlib import Path

import pytest
from conftest import FIXTURES

from intercom_wizard.integrations import registry
from intercom_wizard.integrations.base import BackendDetails
from intercom_wizard.integrations.registry import IntegrationContractError
from intercom_wizard.project import detect
from intercom_wizard.tree import ProjectTree

REPO = Path(__file__).resolve().parents[1]
REGISTERED = [(role, module) for role, (table, _protocol) in registry.ROLES.items() for module in table.values()]


@pytest.mark.parametrize(("role", "module"), REGISTERED, ids=[f"{role}:{module.NAME}" for role, module in REGISTERED])
def test_every_integration_meets_its_protocol(role: str, module: types.ModuleType) -> None:
    assert registry.contract_problems(role, module) == []


@pytest.mark.parametrize(("role", "module"), REGISTERED, ids=[f"{role}:{module.NAME}" for role, module in REGISTERED])
def test_the_docs_page_exists(role: str, module: types.ModuleType) -> None:
    doc = registry.declared(role, module, "DOC")
    assert doc is None or (REPO / doc).is_file(), doc


def test_names_are_the_registry_keys() -> None:
    for table, _protocol in registry.ROLES.values():
        assert all(name == module.NAME for name, module in table.items())


def test_a_missing_declaration_is_named() -> None:
    incomplete = types.ModuleType("intercom_wizard.integrations.frontends.svelte")
    incomplete.NAME = "svelte"  # type: ignore[attr-defined]
    incomplete.SUPPORTED = ()  # type: ignore[attr-defined]
    incomplete.PACKAGES = "svelte"  # type: ignore[attr-defined]  # a string, not a tuple of them
    problems = registry.contract_problems("frontend", incomplete)
    assert any("'svelte'" in problem and "does not declare SOURCE_SUFFIXES" in problem for problem in problems)
    assert any("does not declare DOC" in problem for problem in problems)
    assert any("PACKAGES is 'svelte', not of the declared type tuple[str, ...]" in problem for problem in problems)
    assert any("does not declare detect" in problem for problem in problems)
    assert any("does not declare plan" in problem for problem in problems)
    with pytest.raises(IntegrationContractError, match=r"the frontend 'svelte' \(intercom_wizard.integrations.frontends.svelte\) does not declare SOURCE_SUFFIXES"):
        registry.declared("frontend", incomplete, "SOURCE_SUFFIXES")


def test_a_backend_must_say_where_its_pages_take_the_script() -> None:
    incomplete = types.ModuleType("intercom_wizard.integrations.backends.koa")
    incomplete.NAME = "koa"  # type: ignore[attr-defined]
    problems = registry.contract_problems("backend", incomplete)
    assert any("does not declare page_host" in problem for problem in problems)
    assert not any("SOURCE_SUFFIXES" in problem for problem in problems), "a back end declares no file kinds"


def test_spa_packages_is_derived_from_the_registry_in_the_order_detection_needs() -> None:
    # The table spa.py kept by hand before it read this one.
    derived = registry.spa_packages()
    assert derived == (("next", "nextjs"), ("@angular/core", "angular"), ("ember-source", "ember"), ("vue", "vue"), ("react", "react"))
    names = [name for _package, name in derived]
    assert names.index("nextjs") < names.index("react"), "a Next.js app depends on react too"
    assert {name for name in names} == set(registry.FRONTENDS) - {"html"}


def test_component_suffixes_are_the_front_ends_own_file_kinds() -> None:
    assert registry.component_suffixes() == (".vue",)
    from intercom_wizard import existing, formatting_tools

    assert ".vue" not in formatting_tools.JS_SUFFIXES and ".vue" not in existing.SCANNED_SUFFIXES, "derived, not listed twice"


@pytest.mark.parametrize("name", list(registry.FRONTENDS))
def test_the_written_out_component_kinds_are_what_source_suffixes_add(name: str) -> None:
    """registry.COMPONENT_KINDS (read without importing the front ends) agrees with their declarations."""
    module = registry.FRONTENDS[name]
    assert registry.component_kinds(name, registry.declared("frontend", module, "SOURCE_SUFFIXES")) == registry.COMPONENT_KINDS.get(name, ())


def test_only_single_page_front_ends_add_component_kinds() -> None:
    assert registry.component_kinds("vue", (".ts", ".js", ".mts", ".mjs", ".vue")) == (".vue",)
    assert registry.component_kinds("ember", (".ts", ".js")) == ()
    assert registry.component_kinds("html", (".js", ".html", ".erb", ".php")) == (), "page templates are not scripts"


@pytest.mark.parametrize("fixture", sorted(FIXTURES))
def test_every_back_end_detection_is_typed(fixture: str) -> None:
    """Shared code reads `Detection[BackendDetails]` directly (no dict payloads, no translation)."""
    for detection in detect(FIXTURES[fixture]).backends:
        assert isinstance(detection.details, BackendDetails), (detection.name, type(detection.details))


# Every app the tests install into: the fixtures and the bundled samples (the golden and band apps are
# copies of these with other manifests, whose marker files are the same).
SAMPLES = REPO / "src" / "intercom_wizard" / "samples"
APPS = {**FIXTURES, **{f"samples/{path.name}": path for path in sorted(SAMPLES.iterdir()) if path.is_dir()}}


def test_every_registered_integration_has_a_pre_test() -> None:
    for table, _protocol in registry.ROLES.values():
        assert list(table.pre_tests) == list(table), "one pre-test per registry line, in registry order"


@pytest.mark.parametrize("app", sorted(APPS))
def test_a_pre_test_never_says_no_to_an_app_its_detection_finds(app: str) -> None:
    """Every integration's full detection runs here, whatever its pre-test says."""
    tree = ProjectTree(APPS[app])
    for role, (table, _protocol) in registry.ROLES.items():
        for name in table:
            if table[name].detect(tree):
                assert table.may_apply(name, tree), f"{role} {name}: its pre-test says no, its detection finds {app}"


def test_pre_tests_say_no_where_the_framework_is_absent() -> None:
    """Otherwise they would save nothing: a Flask app is no Django, Rails or Express app."""
    tree = ProjectTree(FIXTURES["flask_login_app"])
    assert registry.BACKENDS.may_apply("flask", tree)
    assert [name for name in registry.BACKENDS if registry.BACKENDS.may_apply(name, tree)] == ["flask"]
    assert not any(registry.FRONTENDS.may_apply(name, tree) for name in registry.FRONTENDS if name != "html")


def test_detection_still_finds_what_it_found_without_pre_tests() -> None:
    """project.detect with the pre-tests equals running every detector (the fixtures' back ends and front ends)."""
    for app, root in APPS.items():
        project = detect(root)
        tree = ProjectTree(root)
        every = [d for module in registry.BACKENDS.values() for d in module.detect(tree)]
        assert [(d.name, d.root, d.evidence) for d in project.backends] == [(d.name, d.root, d.evidence) for d in every], app
