"""Trailing commas where no formatter is installed: prettier's `trailingComma`, ESLint's
`comma-dangle`, `standard`, or the project's own multi-line literals (issue 13).

The real-tool test checks the files we create with the session's prettier (the project's config,
prettier not installed in the project, so the wizard writes in the inferred style)."""

from __future__ import annotations

import json
import subprocess

import pytest
from conftest import git, install_quietly
from test_formatting import _react_project, _touched, node_tools  # noqa: F401  (node_tools: the session fixture)

from intercom_wizard.style import JsStyle, infer_js_style
from intercom_wizard.tree import ProjectTree

LISTS_TS = (
    "import {\n  a,\n  b\n} from './x'\n"
    "export const settings = {\n  a,\n  b: [\n    1,\n    2\n  ]\n}\n"
    "boot(\n  settings,\n  b\n)\n"
    "export function f(\n  first: number,\n  second: string\n): void {\n  boot(first, second)\n}\n"
    "export function g(\n  first: number,\n  ...rest: string[]\n): void {\n  boot(first, rest)\n}\n"
)
LISTS = "const settings = {\n  a: 1,\n  b: [1, 2]\n}\nboot(\n  settings,\n  token\n)\nfunction f(\n  a,\n  ...rest\n) {}\n"


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({".prettierrc": '{ "trailingComma": "none" }'}, "none"),
        ({".prettierrc": '{ "trailingComma": "es5" }'}, "es5"),
        ({".prettierrc": "{}", "package.json": '{"devDependencies": {"prettier": "^2.8.0"}}'}, "es5"),  # prettier 2's default
        ({".prettierrc": "{}", "package.json": '{"devDependencies": {"prettier": "^3.6.2"}}'}, "all"),  # prettier 3's default
        ({".eslintrc.json": '{"rules": {"comma-dangle": ["error", "never"]}}'}, "none"),
        ({".eslintrc.json": '{"rules": {"comma-dangle": ["error", "always-multiline"]}}'}, "all"),
        ({"package.json": '{"devDependencies": {"standard": "^17"}}'}, "none"),
        ({"src/a.js": "const a = {\n  x: 1,\n}\nconst b = [\n  1,\n]\nf(\n  a,\n)\n"}, "all"),
        ({"src/a.js": "const a = {\n  x: 1\n}\nconst b = [\n  1\n]\nf(\n  a\n)\n"}, "none"),
        ({"src/a.js": "const a = 1\n"}, None),  # no multi-line list to learn from: ours stay as written
    ],
)
def test_trailing_comma_evidence(tmp_path, files, expected):
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    assert infer_js_style(ProjectTree(tmp_path), "src/new.js").trailing_commas == expected


def test_trailing_commas_follow_the_mode_on_multi_line_lists_only():
    assert JsStyle(trailing_commas="all").restyle(LISTS, "typescript") == (
        "const settings = {\n  a: 1,\n  b: [1, 2],\n}\nboot(\n  settings,\n  token,\n)\nfunction f(\n  a,\n  ...rest\n) {}\n"
    )
    es5 = JsStyle(trailing_commas="es5").restyle(LISTS, "typescript")
    assert "b: [1, 2],\n}" in es5 and "  token\n)" in es5
    assert JsStyle(trailing_commas="none").restyle(JsStyle(trailing_commas="all").restyle(LISTS, "typescript"), "typescript") == LISTS


def test_a_plain_script_gets_only_es5_commas_and_keeps_its_own():
    """No import/export: it may run unbundled in an old browser, where `f(a,)` is a syntax error."""
    plain = JsStyle(trailing_commas="all").restyle(LISTS, "javascript")
    assert "b: [1, 2],\n}" in plain and "  token\n)" in plain
    written = "boot(\n  settings,\n  token,\n)\n"
    assert JsStyle(trailing_commas="all").restyle(written, "javascript") == written


def test_typescript_object_types_keep_their_semicolons_and_get_no_comma() -> None:
    """The core's multi-line `type Settings = {...}` read `intercom_user_jwt?: string,;` under prettier 3's
    default "all" (a syntax error prettier reported); its members end in `;`, or nothing with `semi: false`."""
    source = "type Settings = {\n  app_id: string;\n  api_base?: string; // the region's\n};\ninterface A {\n  b: number;\n}\n"
    assert JsStyle(trailing_commas="all").restyle(source, "typescript") == source
    assert JsStyle(trailing_commas="all", semicolons=False).restyle(source, "typescript") == (
        "type Settings = {\n  app_id: string\n  api_base?: string // the region's\n}\ninterface A {\n  b: number\n}\n"
    )
    one_line = "type Claims = { user_id: string; exp: number };\n"  # prettier keeps the inner `;` there
    assert JsStyle(semicolons=False).restyle(one_line, "typescript") == "type Claims = { user_id: string; exp: number }\n"


COMMA_DANGLE = {
    "none": '"never"',
    "all": '"always-multiline"',
    "es5": '{ arrays: "always-multiline", objects: "always-multiline", imports: "always-multiline", '
    'exports: "always-multiline", functions: "never" }',
}


@pytest.mark.parametrize("mode", ["none", "es5", "all"])
def test_created_files_keep_the_projects_trailing_comma(tmp_path, cli, node_tools, mode):  # noqa: F811
    """prettier configured (`trailingComma`) but not installed: ESLint's comma-dangle, set to the same
    rule, finds nothing in the files we create (line wrapping is prettier's own job: not ours to imitate)."""
    root = _react_project(tmp_path / "app", node_tools)
    (root / ".prettierrc.json").write_text(json.dumps({"semi": False, "singleQuote": True, "trailingComma": mode}) + "\n")
    (root / "node_modules").unlink()
    git(root, "commit", "-qam", f"trailingComma {mode}")
    result = install_quietly(cli, root)
    assert result.exit_code == 4, result.output  # incomplete: no back end here signs the tokens
    created = [p for p in _touched(root) if p.endswith((".ts", ".tsx")) and "intercom" in p]
    assert created
    (root / "node_modules").symlink_to(node_tools, target_is_directory=True)
    (root / "comma.config.mjs").write_text(
        "import tseslint from 'typescript-eslint'\n"
        "export default [{ files: ['**/*.ts', '**/*.tsx'], languageOptions: { parser: tseslint.parser, "
        "parserOptions: { ecmaFeatures: { jsx: true } } }, "
        f"rules: {{ 'comma-dangle': ['error', {COMMA_DANGLE[mode]}] }} }}]\n"
    )
    (root / "src/sample.ts").write_text(JsStyle(trailing_commas=mode).restyle(LISTS_TS, "typescript"))
    checked = subprocess.run(
        [str(root / "node_modules/.bin/eslint"), "-c", "comma.config.mjs", "--format", "json", *created, "src/sample.ts"],
        cwd=root, capture_output=True, text=True, check=False,
    )
    assert checked.returncode in (0, 1), checked.stderr
    problems = [(r["filePath"], m["line"], m["message"]) for r in json.loads(checked.stdout) for m in r["messages"]]
    sample_problems = [problem for problem in problems if problem[0].endswith("sample.ts")]
    assert [problem for problem in problems if problem not in sample_problems] == [], f"comma-dangle ({mode}): {problems}"
    # The generated modules keep their lists on one line today; the restyled sample proves the edits
    # themselves match the rule (objects, arrays, imports, call arguments, parameters).
    assert sample_problems == [], f"comma-dangle ({mode}) on our restyled sample: {sample_problems}"


def test_a_named_import_wider_than_prettiers_width_is_broken_as_prettier_breaks_it() -> None:
    line = "import { intercomPageChanged, startIntercomMessenger } from '../intercom/messenger';\n"  # 84 columns
    assert JsStyle(print_width=80, trailing_commas="all").restyle(line, "javascript") == (
        "import {\n  intercomPageChanged,\n  startIntercomMessenger,\n} from '../intercom/messenger';\n"
    )
    assert JsStyle(print_width=120, trailing_commas="all").restyle(line, "javascript") == line
    assert JsStyle(print_width=80, trailing_commas="none", semicolons=False, indent="\t").restyle(line, "javascript") == (
        "import {\n\tintercomPageChanged,\n\tstartIntercomMessenger\n} from '../intercom/messenger'\n"
    )
    one_name = "import { aVeryLongNameThatTheMessengerCoreExportsForThisTest } from '../intercom/messenger';\n"
    assert JsStyle(print_width=80).restyle(one_name, "javascript") == one_name  # prettier keeps a single name
    assert JsStyle().restyle(line, "javascript") == line  # no prettier configuration: nobody checks the width
