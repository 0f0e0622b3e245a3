"""A Vue 2.6 app built the 2018 way (webpack 4, Babel 6 with babel-preset-env 1 and stage-0, vue-router 3.0),
the shape of the corpus app vue2-role-auth written by us, for the Babel 6 build test
(tests/frontends/test_vue26_babel6_build.py). Render functions instead of .vue files keep vue-loader out;
index.html is copied by the build script (html-webpack-plugin 3 pulls polyfills that no longer load on
Node 20). Pins: the package.json below, also in docs/frontends-vue.md."""

FILES = {
    'package.json': '{\n  "name": "vue26-babel6",\n  "private": true,\n  "scripts": {\n    "build": "webpack --mode production && cp index.html dist/index.html"\n  },\n  "dependencies": {\n    "vue": "2.6.14",\n    "vue-router": "3.0.7"\n  },\n  "devDependencies": {\n    "babel-core": "6.26.3",\n    "babel-loader": "7.1.5",\n    "babel-preset-env": "1.7.0",\n    "babel-preset-stage-0": "6.24.1",\n    "webpack": "4.46.0",\n    "webpack-cli": "3.3.12"\n  }\n}\n',
    '.babelrc': '{\n  "presets": ["env", "stage-0"]\n}\n',
    'webpack.config.js': "const path = require('path');\n\nmodule.exports = {\n  entry: './src/main.js',\n  output: { path: path.resolve(__dirname, 'dist'), publicPath: '/' },\n  module: { rules: [{ test: /\\.js$/, loader: 'babel-loader' }] },\n};\n",
    'index.html': '<!doctype html>\\n<html lang="en">\\n  <body>\\n    <div id="app"></div>\\n    <script src="/main.js"></script>\\n  </body>\\n</html>\\n',
    'src/main.js': "import Vue from 'vue';\nimport VueRouter from 'vue-router';\nimport { logout } from './auth';\n\nVue.use(VueRouter);\n\nconst Home = { render: (h) => h('h1', 'Home') };\nconst About = { render: (h) => h('h1', 'About') };\n\nconst router = new VueRouter({\n  mode: 'history',\n  routes: [\n    { path: '/', component: Home },\n    { path: '/about', component: About },\n  ],\n});\n\nnew Vue({\n  router,\n  methods: {\n    handleSignOut() {\n      return logout().then(() => {\n        if (this.$route.path !== '/') {\n          this.$router.push('/');\n        }\n      });\n    },\n  },\n  render(h) {\n    return h('div', [\n      h('nav', [\n        h('router-link', { props: { to: '/about' } }, 'About'),\n        h('button', { attrs: { id: 'logout', type: 'button' }, on: { click: this.handleSignOut } }, 'Sign out'),\n      ]),\n      h('router-view'),\n    ]);\n  },\n}).$mount('#app');\n",
    'src/auth.js': "export function login(username, password) {\n  return fetch('/api/login', {\n    method: 'POST',\n    credentials: 'same-origin',\n    headers: { 'Content-Type': 'application/json' },\n    body: JSON.stringify({ username, password }),\n  }).then((response) => {\n    if (!response.ok) {\n      throw new Error('Wrong username or password');\n    }\n  });\n}\n\nexport function logout() {\n  return fetch('/logout', { method: 'POST', credentials: 'same-origin' });\n}\n",
    '.gitignore': 'node_modules\ndist\n',
}
