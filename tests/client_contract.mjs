// Runs one Messenger client (the plain-JS script or the single-page core) through one scenario in a
// stand-in browser, and prints what it did as a normalized log (see tests/test_client_contract.py).
//
// usage: node client_contract.mjs <plain|spa> <client file> <scenario.json>
// The scenario: {"storage": {...}, "env": {...}, "location": "http://...", "responses": [{"status": 200, "body": {...}} | {"status": 500} | ...],
//                "steps": ["start" | "settle" | "route" | "login" | "logout" | ["tick", ms] | ["storage", key, value]
//                          | ["together", name | ["storage", key, value], ...]]}
// Responses are consumed one per token request; the last one repeats.
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

const [kind, clientPath, scenarioPath] = process.argv.slice(2);
const scenario = JSON.parse(readFileSync(scenarioPath, 'utf8'));
const log = [];

// --- a virtual clock: the clients' timers (retry delays, token refresh) run when a step ticks ---
const T0 = 1_700_000_000_000;
const realSetTimeout = globalThis.setTimeout;
let now = T0;
let nextTimerId = 1;
const timers = new Map();
Date.now = () => now;
globalThis.setTimeout = (callback, ms = 0) => {
  const id = nextTimerId++;
  timers.set(id, { at: now + Math.max(0, Number(ms) || 0), callback });
  return id;
};
globalThis.clearTimeout = (id) => {
  timers.delete(id);
};
// Lets pending promises, module loads and I/O callbacks run (virtual timers stay put).
const settle = async () => {
  for (let i = 0; i < 5; i += 1) {
    await new Promise((resolve) => realSetTimeout(resolve, 2));
  }
};
async function tick(ms) {
  const until = now + ms;
  for (;;) {
    const due = [...timers.entries()].filter(([, timer]) => timer.at <= until).sort((a, b) => a[1].at - b[1].at || a[0] - b[0]);
    if (!due.length) {
      break;
    }
    const [id, timer] = due[0];
    timers.delete(id);
    now = timer.at;
    timer.callback();
    await settle();
  }
  now = until;
}

// --- the page: storage, history, events, the token endpoint ---
const store = new Map(Object.entries(scenario.storage || {}));
const storage = {
  getItem: (key) => (store.has(key) ? store.get(key) : null),
  setItem: (key, value) => store.set(key, String(value)),
  removeItem: (key) => store.delete(key),
};
const listeners = {};
const eventTarget = {
  addEventListener: (name, listener) => (listeners[name] = listeners[name] || []).push(listener),
  removeEventListener: () => {},
};
globalThis.window = globalThis;
globalThis.addEventListener = eventTarget.addEventListener;
globalThis.removeEventListener = eventTarget.removeEventListener;
globalThis.localStorage = storage;
globalThis.sessionStorage = storage;
globalThis.history = { pushState: () => {} };
globalThis.document = {
  readyState: 'complete',
  currentScript: null,
  addEventListener: eventTarget.addEventListener,
  createElement: () => ({}),
  getElementsByTagName: () => [{ parentNode: { insertBefore: () => {} } }],
};
// The app's env values as its bundler would inline them (process.env.REACT_APP_*), and the page's URL.
Object.assign(process.env, scenario.env || {});
if (scenario.location) {
  globalThis.location = { href: scenario.location };
}
globalThis.console.warn = () => {}; // the clients warn on failures; the log records what they did

let responseIndex = 0;
// Pages patch window.fetch (fake back ends, polyfills, API clients) and read the options of every call
// (`opts.headers['Authorization']`, `opts.method`): the token request is shaped like an ordinary call.
globalThis.fetch = async (url, init) => {
  const headers = init && init.headers;
  if (!headers || typeof init.method !== 'string' || init.method.toUpperCase() !== 'GET' || !init.credentials) {
    log.push(`fetch ${url} without method, headers and credentials: ${JSON.stringify(init)}`);
    throw new TypeError('Cannot read properties of undefined');
  }
  log.push(`fetch ${url} ${init.credentials} ${headers.Authorization || '-'}`);
  const responses = scenario.responses;
  const response = responses[Math.min(responseIndex, responses.length - 1)];
  responseIndex += 1;
  return {
    status: response.status,
    ok: response.status >= 200 && response.status < 300,
    json: async () => {
      if (!('body' in response)) {
        throw new SyntaxError('Unexpected token < in JSON');
      }
      return response.body;
    },
  };
};

// --- what the Messenger was asked to do, in one vocabulary for both clients ---
function identity(settings) {
  if (!settings || settings.app_id !== 'abc12345') {
    return 'with a wrong app_id';
  }
  const apiBase = settings.api_base ? ` @${settings.api_base}` : '';
  if (!settings.intercom_user_jwt) {
    return `anonymous${apiBase}`;
  }
  const payload = settings.intercom_user_jwt.split('.')[1];
  return `user:${JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')).user_id}${apiBase}`;
}

let client;
if (kind === 'plain') {
  // The loader snippet's command API (window.Intercom), already loaded.
  globalThis.Intercom = (command, settings) => {
    log.push(command === 'boot' ? `boot ${identity(settings)}` : command);
  };
  client = {
    start: () => vm.runInThisContext(readFileSync(clientPath, 'utf8'), { filename: clientPath }),
    route: () => window.history.pushState({}, '', '/next'),
    login: () => window.intercomMessenger.login(),
    logout: () => window.intercomMessenger.logout(),
  };
} else {
  // @intercom/messenger-js-sdk as the core imports it (node_modules beside the client file). The
  // SDK's first call, Intercom(settings), loads the widget and boots it: logged as `load`.
  globalThis.__sdkCalls = {
    Intercom: (settings) => log.push(`load ${identity(settings)}`),
    boot: (settings) => log.push(`boot ${identity(settings)}`),
    shutdown: () => log.push('shutdown'),
    update: () => log.push('update'),
  };
  const core = await import(pathToFileURL(clientPath).href);
  // Loaded once here, so that the core's own dynamic import finds it in the module cache.
  await import(new URL('node_modules/@intercom/messenger-js-sdk/index.js', pathToFileURL(clientPath)).href);
  client = {
    start: () => core.startIntercomMessenger(),
    route: () => core.intercomPageChanged(),
    login: () => core.intercomLogin(),
    logout: () => core.intercomLogout(),
  };
}

for (const step of scenario.steps) {
  const [name, ...args] = Array.isArray(step) ? step : [step];
  if (name === 'tick') {
    await tick(args[0]);
  } else if (name === 'storage') {
    storage.setItem(args[0], args[1]);
  } else if (name === 'together') {
    // Several calls with nothing settled between them (a login page that signs out while loading).
    for (const call of args) {
      if (Array.isArray(call)) {
        // ["storage", key, value]: the app's store writing its token in the same turn as the call before.
        storage.setItem(call[1], call[2]);
        continue;
      }
      log.push(`-- ${call}`);
      client[call]();
    }
  } else if (name !== 'settle') {
    log.push(`-- ${name}`);
    client[name]();
  }
  await settle();
}
process.stdout.write(JSON.stringify({ log, booted_user: store.get('intercom-messenger:user-id') ?? null }));
