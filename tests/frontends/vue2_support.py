"""A Vue 2.7 app (vue-router 3, Vite 4 with @vitejs/plugin-vue2, TypeScript checked by vue-tsc) with
sign-in and sign-out, for the Vue 2 build test (tests/frontends/test_vue2_build.py). Our own fixture,
written the way vue-cli / create-vue@legacy lay out a Vue 2 app; the pins are in docs/frontends-vue.md."""

PACKAGE_JSON = """\
{
  "name": "vue2-app",
  "private": true,
  "type": "module",
  "scripts": {
    "build": "vue-tsc --noEmit && vite build"
  },
  "dependencies": {
    "vue": "2.7.16",
    "vue-router": "3.6.5"
  },
  "devDependencies": {
    "@vitejs/plugin-vue2": "2.3.1",
    "typescript": "5.4.5",
    "vite": "4.5.5",
    "vue-tsc": "1.8.27"
  }
}
"""

MAIN_TS = """\
import Vue from 'vue';
import App from './App.vue';
import router from './router';

Vue.config.productionTip = false;

new Vue({
  router,
  render: (h) => h(App),
}).$mount('#app');
"""

ROUTER_TS = """\
import Vue from 'vue';
import VueRouter from 'vue-router';
import HomeView from '../views/HomeView.vue';
import AboutView from '../views/AboutView.vue';

Vue.use(VueRouter);

export default new VueRouter({
  mode: 'history',
  routes: [
    { path: '/', component: HomeView },
    { path: '/about', component: AboutView },
  ],
});
"""

AUTH_TS = """\
export async function login(username: string, password: string): Promise<void> {
  const response = await fetch('/api/login', {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (!response.ok) {
    throw new Error('Wrong username or password');
  }
}

export async function logout(): Promise<void> {
  await fetch('/logout', { method: 'POST', credentials: 'same-origin' });
}
"""

APP_VUE = """\
<template>
  <div>
    <nav>
      <router-link to="/">Home</router-link>
      <router-link to="/about">About</router-link>
      <button id="logout" type="button" @click="handleSignOut">Sign out</button>
    </nav>
    <router-view />
  </div>
</template>

<script lang="ts">
import Vue from 'vue';
import { logout } from './services/auth';

export default Vue.extend({
  name: 'App',
  methods: {
    async handleSignOut(): Promise<void> {
      await logout();
      if (this.$route.path !== '/') {
        await this.$router.push('/');
      }
    },
  },
});
</script>
"""

FILES = {
    "package.json": PACKAGE_JSON,
    "vite.config.ts": "import { defineConfig } from 'vite';\nimport vue from '@vitejs/plugin-vue2';\n\nexport default defineConfig({ plugins: [vue()] });\n",
    "tsconfig.json": (
        '{\n  "compilerOptions": {\n    "target": "ES2020",\n    "module": "ESNext",\n    "moduleResolution": "node",\n'
        '    "strict": true,\n    "isolatedModules": true,\n    "skipLibCheck": true,\n    "lib": ["ES2020", "DOM"]\n  },\n'
        '  "include": ["src/**/*.ts", "src/**/*.vue"],\n  "vueCompilerOptions": { "target": 2.7 }\n}\n'
    ),
    "index.html": '<!doctype html>\n<html lang="en">\n  <body>\n    <div id="app"></div>\n    <script type="module" src="/src/main.ts"></script>\n  </body>\n</html>\n',
    "src/shims-vue.d.ts": "declare module '*.vue' {\n  import Vue from 'vue';\n  export default Vue;\n}\n",
    "src/main.ts": MAIN_TS,
    "src/router/index.ts": ROUTER_TS,
    "src/services/auth.ts": AUTH_TS,
    "src/App.vue": APP_VUE,
    "src/views/HomeView.vue": "<template>\n  <h1>Home</h1>\n</template>\n",
    "src/views/AboutView.vue": "<template>\n  <h1>About</h1>\n</template>\n",
    ".gitignore": "node_modules\ndist\n",
}
