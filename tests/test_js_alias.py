"""Import aliases: an import we add goes through the project's alias where the file's own imports do.

The aliases come from tsconfig/jsconfig `paths` and from Vite's `resolve.alias` in each of its
common spellings (`fileURLToPath(new URL('./src', import.meta.url))`, `path.resolve(__dirname,
'src')`, a '/src' string, the `{ find, replacement }` list). Before, Vite's aliases were not read,
and a React entry importing its root component as `@/App` got a manual step instead of the
Messenger component (the root component was looked up among relative imports only).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import git, install_signed_in_app, snapshot

from intercom_wizard.js_config import alias_specifier, alias_target, project_aliases
from intercom_wizard.tree import ProjectTree

VITE_CONFIGS = {
    "url": "resolve: {\n    alias: {\n      '@': fileURLToPath(new URL('./src', import.meta.url)),\n    },\n  },",
    "path.resolve": "resolve: {\n    alias: {\n      '@': path.resolve(__dirname, './src'),\n      '~lib': path.join(__dirname, 'lib/'),\n    },\n  },",
    "resolve": "resolve: { alias: { '@': resolve(__dirname, 'src') } },",
    "string": "resolve: { alias: { '@': '/src' } },",
    "list": "resolve: {\n    alias: [{ find: '@', replacement: path.resolve(__dirname, 'src') }],\n  },",
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


@pytest.mark.parametrize("shape", sorted(VITE_CONFIGS))
def test_vite_alias_shapes(tmp_path: Path, shape: str) -> None:
    config = (
        "import path, { resolve } from 'node:path'\nimport { fileURLToPath, URL } from 'node:url'\n\n"
        "export default defineConfig({\n  plugins: [react()],\n  " + VITE_CONFIGS[shape] + "\n  base: '/other/',\n})\n"
    )
    _write(tmp_path, {"vite.config.ts": config, "src/main.ts": "import App from '@/App'\n", "src/util.ts": "import x from './x'\n"})
    tree = ProjectTree(tmp_path)
    aliases = project_aliases(tree, "src/main.ts")
    assert aliases[0] == ("@", "src")
    assert ("base", "other") not in aliases  # only what is inside `alias: {...}`
    assert alias_specifier(tree, "src/main.ts", "src/intercom/messenger.ts") == "@/intercom/messenger"
    assert alias_specifier(tree, "src/util.ts", "src/intercom/messenger.ts") is None  # the file itself imports relatively
    assert alias_specifier(tree, "src/main.ts", "other/messenger.ts") is None  # not under the aliased folder
    assert alias_target(tree, "src/main.ts", "@/App") == "src/App"
    if shape == "path.resolve":
        assert ("~lib", "lib") in aliases


def test_tsconfig_paths_with_base_url_and_other_prefixes(tmp_path: Path) -> None:
    _write(tmp_path, {
        "tsconfig.json": '{ "compilerOptions": { "baseUrl": "./src", "paths": { "~/*": ["./*"], "@app/*": ["app/*"] } } }\n',
        "src/main.ts": "import { config } from '~/config'\nimport { api } from '@app/api'\n",
    })
    tree = ProjectTree(tmp_path)
    assert project_aliases(tree, "src/main.ts") == [("~", "src"), ("@app", "src/app")]
    assert alias_specifier(tree, "src/main.ts", "src/intercom/messenger.ts") == "~/intercom/messenger"
    assert alias_specifier(tree, "src/main.ts", "src/app/intercom.ts") == "~/app/intercom"


REACT_APP = {
    "package.json": json.dumps({"name": "r", "private": True, "type": "module",
                                "dependencies": {"react": "^18.3.1", "react-dom": "^18.3.1"},
                                "devDependencies": {"vite": "^5.4.0", "@vitejs/plugin-react": "^4.3.0", "typescript": "^5.5.0"}}, indent=2) + "\n",
    "vite.config.ts": "import path from 'node:path'\nimport react from '@vitejs/plugin-react'\nimport { defineConfig } from 'vite'\n\n"
                      "export default defineConfig({\n  plugins: [react()],\n  resolve: {\n    alias: {\n      '@': path.resolve(__dirname, './src'),\n    },\n  },\n})\n",
    "index.html": '<!doctype html>\n<html>\n  <body>\n    <div id="root"></div>\n    <script type="module" src="/src/main.tsx"></script>\n  </body>\n</html>\n',
    "tsconfig.json": '{ "compilerOptions": { "jsx": "react-jsx", "strict": true } }\n',
    "src/main.tsx": "import { StrictMode } from 'react'\nimport { createRoot } from 'react-dom/client'\n\nimport App from '@/App'\n\n"
                    "createRoot(document.getElementById('root')!).render(\n  <StrictMode>\n    <App />\n  </StrictMode>,\n)\n",
    "src/App.tsx": "import Header from '@/components/Header'\n\nexport default function App() {\n  return <Header />\n}\n",
    "src/components/Header.tsx": "export default function Header() {\n  return <h1>Hi</h1>\n}\n",
}

VUE_APP = {
    "package.json": json.dumps({"name": "v", "private": True, "type": "module",
                                "dependencies": {"vue": "^3.4.0", "vue-router": "^4.3.0"},
                                "devDependencies": {"vite": "^5.4.0", "@vitejs/plugin-vue": "^5.0.0"}}, indent=2) + "\n",
    "vite.config.js": "import { fileURLToPath, URL } from 'node:url'\n\nimport vue from '@vitejs/plugin-vue'\nimport { defineConfig } from 'vite'\n\n"
                      "export default defineConfig({\n  plugins: [vue()],\n  resolve: {\n    alias: {\n      '@': fileURLToPath(new URL('./src', import.meta.url)),\n    },\n  },\n})\n",
    "index.html": '<!doctype html>\n<html>\n  <body>\n    <div id="app"></div>\n    <script type="module" src="/src/main.js"></script>\n  </body>\n</html>\n',
    "src/main.js": "import { createApp } from 'vue'\n\nimport App from '@/App.vue'\nimport router from '@/router'\n\nconst app = createApp(App)\n\napp.use(router)\n\napp.mount('#app')\n",
    "src/router/index.js": "import { createRouter, createWebHistory } from 'vue-router'\n\nimport Home from '@/components/Home.vue'\n\n"
                           "export default createRouter({\n  history: createWebHistory(),\n  routes: [{ path: '/', component: Home }],\n})\n",
    "src/App.vue": "<template>\n  <router-view />\n</template>\n",
    "src/components/Home.vue": "<template>\n  <h1>Home</h1>\n</template>\n",
}


@pytest.mark.parametrize(("files", "entry", "expected"), [
    (REACT_APP, "src/main.tsx", "import { IntercomMessenger } from '@/intercom/IntercomMessenger'\n"),
    (VUE_APP, "src/main.js", "import { intercomMessenger } from '@/plugins/intercom'\n"),
], ids=["react", "vue"])
def test_an_install_imports_through_the_vite_alias(tmp_path: Path, cli, files: dict[str, str], entry: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "app"
    _write(root, files)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-qm", "app")
    before = snapshot(root)
    result = install_signed_in_app(cli, root)
    assert result.exit_code == 4, result.output  # no API in the project: its endpoint is a manual step
    text = (root / entry).read_text()
    assert expected in text, text
    assert "'./intercom" not in text and "'./plugins" not in text
    if entry.endswith(".tsx"):
        assert "<App />\n    <IntercomMessenger />" in text  # the root component found through its alias
    assert cli("uninstall", str(root), "--yes").exit_code == 0
    assert snapshot(root) == before
