"""The Messenger core is written without optional chaining (`?.`) and nullish coalescing (`??`):
Babel before 7.8 and webpack 4's parser (acorn 6) reject both, and apps of that era build the
core with their own toolchain (react-boilerplate: Babel 7.4 + webpack 4 failed `npm run build`
after the install with "Support for the experimental syntax 'optionalChaining'")."""

import itertools

import pytest

from intercom_wizard.edits import parse
from intercom_wizard.integrations.frontends.spa_common import core_source
from intercom_wizard.options import ClientAuth, InstallOptions, LoadStrategy, parse_workspace_id
from intercom_wizard.typescript import strip_types


def _es2020_only_syntax(source: str, language: str) -> list[str]:
    """Every optional chain and `??` expression in `source`, as text (empty when there is none)."""
    root = parse(source, language)
    found = [chain.parent().text() if chain.parent() else chain.text() for chain in root.find_all(kind="optional_chain")]
    for binary in root.find_all(kind="binary_expression"):
        operator = binary.field("operator")
        if operator is not None and operator.text() == "??":
            found.append(binary.text())
    return found


@pytest.mark.parametrize(
    ("bearer", "load", "anonymous", "sdk_import"),
    list(itertools.product([False, True], list(LoadStrategy), [False, True], ["dynamic", "static"])),
)
def test_every_variant_of_the_core_parses_on_pre_es2020_toolchains(bearer: bool, load: LoadStrategy, anonymous: bool, sdk_import: str) -> None:
    options = InstallOptions(
        workspace=parse_workspace_id("abc12345"), load=load,
        auth=ClientAuth.BEARER if bearer else None, token_storage_key="access_token" if bearer else None,
    )
    typescript = core_source(options, anonymous_only=anonymous, sdk_import=sdk_import)
    assert _es2020_only_syntax(typescript, "typescript") == []
    javascript = strip_types(typescript)
    assert _es2020_only_syntax(javascript, "javascript") == []
    assert not parse(javascript, "javascript").find(kind="ERROR")


def test_the_check_finds_both_constructs() -> None:
    # The control: the search above is not blind to the syntax it looks for.
    assert _es2020_only_syntax("const a = sdk?.update({}); const b = c ?? '';\n", "javascript") == ["sdk?.update", "c ?? ''"]
