"""astgrep.required_field / field_text: ast-grep types every SgNode field as optional; these say which
fields the grammar always fills, and fail loudly (not with None passed on) if it ever does not."""

import pytest
from ast_grep_py import SgRoot

from intercom_wizard.astgrep import MissingNodeField, field_text, required_field


def test_required_field_returns_the_field_the_grammar_fills():
    aliased = SgRoot("import jwt as signer\n", "python").root().find(kind="aliased_import")
    assert aliased is not None
    assert required_field(aliased, "name").text() == "jwt"
    assert required_field(aliased, "alias").text() == "signer"


def test_required_field_names_the_node_line_and_field_when_absent():
    statement = SgRoot("import os\n\nfrom flask import session\n", "python").root().find(kind="import_from_statement")
    assert statement is not None
    with pytest.raises(MissingNodeField, match=r"import_from_statement at line 3 has no 'alias' field"):
        required_field(statement, "alias")


def test_field_text_is_the_text_or_none():
    pair = SgRoot('const { sign: s } = require("jsonwebtoken")\n', "javascript").root().find(kind="pair_pattern")
    assert pair is not None
    assert field_text(pair, "key") == "sign"
    assert field_text(pair, "value") == "s"
    assert field_text(pair, "alias") is None
