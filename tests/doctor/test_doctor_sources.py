"""Which code runs in the browser and which on the server, and line numbers inside inline scripts."""

import pytest

from intercom_wizard.doctor.sources import Side, is_test_path, units_of


@pytest.mark.parametrize(
    ("path", "code", "side"),
    [
        ("server.js", "const express = require('express');\n", Side.BACKEND),
        ("lib/token.mjs", "import jwt from 'jsonwebtoken';\n", Side.BACKEND),
        ("src/util.ts", "import fs from 'node:fs';\n", Side.BACKEND),
        ("app/api/intercom-jwt/route.ts", "export async function GET() {}\n", Side.BACKEND),
        ("pages/api/token.js", "export default function handler(req, res) {}\n", Side.BACKEND),
        ("src/actions.ts", "'use server';\nexport async function f() {}\n", Side.BACKEND),
        ("static/app.js", "const jwt = require('jsonwebtoken');\n", Side.FRONTEND),  # served as is
        ("src/App.tsx", "export default () => null;\n", Side.FRONTEND),
        ("src/main.js", "import { createApp } from 'vue';\n", Side.FRONTEND),
    ],
)
def test_script_side(path, code, side):
    [unit] = units_of(path, code)
    assert unit.side is side


def test_pages_give_their_inline_scripts_with_file_line_numbers():
    page = "<html>\n<body>\n<script src='/x.js'></script>\n<script type='application/json'>{}</script>\n<script>\nvar a = 1;\nvar b = 2;\n</script>\n</body>\n</html>\n"
    units = units_of("templates/base.html", page)
    assert [u.language for u in units] == ["html", "javascript"]
    script = units[1]
    [declaration] = [d for d in script.find_all("variable_declarator") if d.text().startswith("b")]
    assert script.line_of(declaration) == 7


def test_vue_single_file_component_script_is_typescript():
    units = units_of("src/Chat.vue", "<template><div/></template>\n<script setup lang=\"ts\">\nconst a: number = 1;\n</script>\n")
    assert [u.language for u in units] == ["html", "typescript"]


def test_php_file_is_server_code_and_its_page_is_front_end():
    units = units_of("index.php", "<?php $x = 1; ?>\n<html><body><script>Intercom('boot', {app_id: 'a'});</script></body></html>\n")
    assert [(u.language, u.side) for u in units] == [("php", Side.BACKEND), ("html", Side.FRONTEND), ("javascript", Side.FRONTEND)]


@pytest.mark.parametrize(("path", "is_test"), [("tests/test_app.py", True), ("src/app.test.ts", True), ("spec/x_spec.rb", True), ("app.py", False), ("contest.py", False)])
def test_test_files_are_skipped(path, is_test):
    assert is_test_path(path) is is_test
