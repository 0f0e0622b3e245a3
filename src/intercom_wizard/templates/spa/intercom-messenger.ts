/*
 * Intercom Messenger with identity verification, added by intercom-wizard.
 *
 * Signed-in users are booted with a short-lived JWT that the server signs at
 * TOKEN_URL; visitors who are not signed in are booted anonymously, as leads.
 * Call intercomLogin() after your app signs a user in and intercomLogout()
 * before it clears the session; call intercomPageChanged() after client-side
 * navigation. Everything here runs in the browser only (SSR-safe).
 *
 * The SDK is imported dynamically, when the load strategy fires: bundlers put it in a chunk of
 * its own, so the first page load carries only this module (Ember's classic build bundles it:
 * ember-auto-import leaves a dynamic import of a package unresolved there). Lines between `iw:if`
 * and `iw:end` markers are kept only for the options chosen at install time.
 */
// iw:if sdk=static
import * as bundledSdk from '@intercom/messenger-js-sdk';
// iw:end
// iw:if base=angular
import { environment } from '__IW_ENVIRONMENT_MODULE__';
// iw:end
// iw:if base=external
// The app's configuration object: a webpack `externals` entry, imported by
// its name as the app's own code does (`import config from 'config'`).
import APP_CONFIG from '__IW_EXTERNAL_MODULE__';
// iw:end
// iw:if auth=axios
import axios from 'axios';
// iw:end
type MessengerSdk = typeof import('@intercom/messenger-js-sdk');
type Settings = {
  app_id: string;
  api_base?: string;
  intercom_user_jwt?: string;
};

const APP_ID = '__IW_WORKSPACE_ID__';
// null when the app has no sign-in: every visitor is booted as a lead.
const TOKEN_URL: string | null = __IW_TOKEN_URL__;
// iw:if base=env|angular|external
// The app's own API client sends its requests to this base (another origin): the token endpoint is
// served there too, so its URL is built from the same value, as the app's bundler fills it in.
const APP_API_BASE: string | undefined = __IW_APP_API_BASE__;
// iw:end
// The SDK applies `region` when it first loads; later boots need the matching api_base
// (and Australia is 'ap' there).
const REGION: 'eu' | 'ap' | undefined = __IW_REGION__;
const API_BASE: string | undefined = __IW_API_BASE__;
// iw:if auth=bearer
// The app authenticates its API calls with an access token kept in storage under this key, sent as
// `AUTH_SCHEME <token>`: the value itself, or the ACCESS_TOKEN_FIELD of the JSON object stored there
// (e.g. `user` = {"token": ...}).
const ACCESS_TOKEN_KEY = '__IW_ACCESS_TOKEN_KEY__';
type TokenStorage = 'localStorage' | 'sessionStorage';
const ACCESS_TOKEN_STORAGE: TokenStorage = '__IW_ACCESS_TOKEN_STORAGE__';
const ACCESS_TOKEN_FIELD: string | null = __IW_ACCESS_TOKEN_FIELD__;
const AUTH_SCHEME = '__IW_AUTH_SCHEME__';
// iw:end
const REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000;
const MIN_REFRESH_DELAY_MS = 30 * 1000;
const RETRY_DELAYS_MS = [1000, 3000, 10000];
// iw:if load=idle
const IDLE_TIMEOUT_MS = 3000;
// iw:end
// Remembers who was booted, so a sign-out or a user switch triggers a shutdown first.
const BOOTED_USER_KEY = 'intercom-messenger:user-id';

let started = false;
let sdk: MessengerSdk | undefined;
let loaded = false;
let booted = false;
let shutdownPending = false;
// Boots asked for while the SDK loads: only the last one runs (the app may sign out, and boot again,
// before the first boot's SDK import has finished: a login page that resets the session on load).
let bootRequests = 0;
// Token requests: a sign-in or sign-out while one is in flight supersedes it
// (a page that signs out on load must not boot that user when it answers).
let identifyRequests = 0;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;

function inBrowser(): boolean {
  return typeof window !== 'undefined' && typeof document !== 'undefined';
}

function readStorage(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage disabled (private mode, strict cookie settings)
  }
}

// iw:if auth=bearer
// The app's access token: the stored string, or the field of the JSON object stored under `key`.
function readAccessToken(key: string): string | null {
  let stored: string | null = null;
  try {
    stored = window[ACCESS_TOKEN_STORAGE].getItem(key);
  } catch {
    return null; // See readStorage().
  }
  // iw:end
  // iw:if encoding=base64
  // The app stores it base64-encoded (btoa): decoded as its own code decodes it before use.
  try {
    stored = stored ? window.atob(stored) : stored;
  } catch {
    return null; // not base64: nobody the app would recognise is signed in
  }
  // iw:end
  // iw:if auth=bearer
  if (!stored || !ACCESS_TOKEN_FIELD) {
    return stored;
  }
  try {
    let value: unknown = JSON.parse(stored);
    for (const part of ACCESS_TOKEN_FIELD.split('.')) {
      const isObject = value !== null && typeof value === 'object';
      value = isObject ? (value as Record<string, unknown>)[part] : undefined;
    }
    return typeof value === 'string' && value ? value : null;
  } catch {
    return null; // not JSON: nobody the app would recognise is signed in
  }
}

// iw:end
// iw:if auth=axios
// The app keeps its access token only in memory: its sign-in sets it on axios' default headers (and
// its sign-out deletes it). The same header is read where the app's own requests take it from; the
// token request itself goes through fetch, so the app's axios interceptors never see its 401.
function appAuthorization(): string | null {
  const value: unknown = axios.__IW_AXIOS_HEADERS__['Authorization'];
  return typeof value === 'string' && value ? value : null;
}

// iw:end
function writeStorage(key: string, value: string | null): void {
  try {
    if (value === null) {
      window.localStorage.removeItem(key);
    } else {
      window.localStorage.setItem(key, value);
    }
  } catch {
    // See readStorage().
  }
}

function settings(token?: string): Settings {
  const result: Settings = { app_id: APP_ID };
  if (API_BASE) {
    result.api_base = API_BASE;
  }
  if (token) {
    result.intercom_user_jwt = token;
  }
  return result;
}

async function loadSdk(): Promise<MessengerSdk> {
  if (!sdk) {
    // iw:if sdk=dynamic
    const loaded = await import('@intercom/messenger-js-sdk');
    // iw:end
    // iw:if sdk=static
    const loaded = bundledSdk;
    // iw:end
    // CommonJS interop differs between bundlers: Vite and webpack put the SDK's exports on the
    // namespace; esbuild (Angular) may give them only as its `default` (module.exports).
    const fallback = loaded.default as unknown as MessengerSdk;
    sdk = typeof loaded.boot === 'function' ? loaded : fallback;
  }
  return sdk;
}

/** Resolves true when this boot ran, false when a later boot request superseded it. */
async function bootMessenger(token?: string): Promise<boolean> {
  const request = ++bootRequests;
  // The named export, not `default`: `default` is module.exports under some bundlers' interop.
  const { Intercom, boot, shutdown } = await loadSdk();
  if (request !== bootRequests) {
    return false;
  }
  const wanted = settings(token);
  if (loaded) {
    boot(wanted);
  } else {
    // The first call loads the widget with these settings; `region` picks its api_base.
    Intercom({ ...wanted, region: REGION });
    loaded = true;
    if (shutdownPending) {
      // A previous user's session may still be in the widget's cookies: end it before booting.
      shutdown();
      boot(wanted);
    }
  }
  shutdownPending = false;
  booted = true;
  return true;
}

function shutdownMessenger(): void {
  if (loaded) {
    if (sdk) {
      sdk.shutdown();
    }
  } else {
    shutdownPending = true;
  }
  booted = false;
  writeStorage(BOOTED_USER_KEY, null);
}

// The endpoint is not there (404) or is not a token endpoint (it answers a page, not JSON): once
// the retries are spent the visitor is booted as a lead, with one warning that names it.
class EndpointMissing extends Error {}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

type TokenRequest = {
  // Not the DOM's RequestInit: ESLint's no-undef, where a config applies it
  // to TypeScript (ember-simple-auth's), does not know the DOM's types.
  method: 'GET';
  credentials: 'include' | 'same-origin';
  headers: Record<string, string>;
};

// The request options the app itself uses, or null when its access token says nobody is signed in.
function tokenRequest(): TokenRequest | null {
  const headers: Record<string, string> = { Accept: 'application/json' };
  // iw:if auth=cookie
  return { method: 'GET', credentials: 'include', headers };
  // iw:end
  // iw:if auth=bearer
  const accessToken = readAccessToken(ACCESS_TOKEN_KEY);
  if (!accessToken) {
    return null;
  }
  headers['Authorization'] = `${AUTH_SCHEME} ${accessToken}`;
  return { method: 'GET', credentials: 'same-origin', headers };
  // iw:end
  // iw:if auth=axios
  const authorization = appAuthorization();
  if (!authorization) {
    return null;
  }
  headers['Authorization'] = authorization;
  return { method: 'GET', credentials: 'same-origin', headers };
  // iw:end
}

// Resolves with the token, or null when nobody is signed in; rejects on any other failure.
async function fetchToken(url: string): Promise<string | null> {
  const request = tokenRequest();
  if (request === null) {
    return null;
  }
  const response = await fetch(url, request);
  if (response.status === 401 || response.status === 403) {
    return null;
  }
  if (response.status === 404) {
    throw new EndpointMissing(`token endpoint ${url} answered HTTP 404`);
  }
  if (!response.ok) {
    throw new Error(`token endpoint answered HTTP ${response.status}`);
  }
  let body: { token?: unknown } | null;
  try {
    body = (await response.json()) as { token?: unknown } | null;
  } catch {
    const notJson = 'answered something that is not JSON';
    throw new EndpointMissing(`token endpoint ${url} ${notJson}`);
  }
  if (!body || typeof body.token !== 'string' || !body.token) {
    throw new Error('token endpoint answered without a token');
  }
  return body.token;
}

async function fetchTokenWithRetry(url: string): Promise<string | null> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await fetchToken(url);
    } catch (error) {
      const wait = RETRY_DELAYS_MS[attempt];
      if (wait === undefined) {
        throw error;
      }
      await delay(wait);
    }
  }
}
// iw:if base=env|angular|external

// The token endpoint's URL: on the app's API base when it has one (the endpoint path replaces the
// base's path, as `new URL(path, base)` does, so a trailing slash makes no difference), else here.
function tokenUrl(path: string): string {
  if (APP_API_BASE) {
    return new URL(path, new URL(APP_API_BASE, window.location.href)).href;
  }
  return path;
}
// iw:end

function readClaims(token: string): { user_id: string; exp: number } {
  const encoded = token.split('.')[1] || '';
  const payload = encoded.replace(/-/g, '+').replace(/_/g, '/');
  const padding = '==='.slice((payload.length + 3) % 4);
  const claims: unknown = JSON.parse(window.atob(payload + padding));
  return claims as { user_id: string; exp: number };
}

async function bootAnonymous(): Promise<void> {
  if (readStorage(BOOTED_USER_KEY) !== null) {
    shutdownMessenger();
  }
  await bootMessenger();
}

async function bootIdentified(token: string): Promise<void> {
  const claims = readClaims(token);
  const previous = readStorage(BOOTED_USER_KEY);
  if (previous !== null && previous !== String(claims.user_id)) {
    shutdownMessenger();
  }
  if (!(await bootMessenger(token))) {
    return; // superseded (signed out meanwhile): nobody to remember
  }
  writeStorage(BOOTED_USER_KEY, String(claims.user_id));
  const refreshIn = claims.exp * 1000 - Date.now() - REFRESH_BEFORE_EXPIRY_MS;
  const delay = Math.max(refreshIn, MIN_REFRESH_DELAY_MS);
  refreshTimer = setTimeout(() => void identify(), delay);
}

async function identify(): Promise<void> {
  clearTimeout(refreshTimer);
  const request = ++identifyRequests;
  if (!TOKEN_URL) {
    bootAnonymous();
    return;
  }
  let token: string | null;
  try {
    // iw:if base=none
    token = await fetchTokenWithRetry(TOKEN_URL);
    // iw:end
    // iw:if base=env|angular|external
    token = await fetchTokenWithRetry(tokenUrl(TOKEN_URL));
    // iw:end
  } catch (error) {
    if (error instanceof EndpointMissing) {
      const lead = 'so this visitor is booted anonymously (as a lead)';
      console.warn(`Intercom Messenger: the ${error.message}, ${lead}.`);
      bootAnonymous();
      return;
    }
    // Never boot with a missing token: that would attach this visitor to the wrong identity.
    const notStarted = 'Intercom Messenger not started:';
    console.warn(`${notStarted} could not get an identity token.`, error);
    return;
  }
  if (request !== identifyRequests) {
    return; // superseded by a later sign-in or sign-out
  }
  if (token) {
    await bootIdentified(token);
  } else {
    await bootAnonymous();
  }
}

function whenLoadStrategyAllows(run: () => void): void {
  // iw:if load=immediate
  // --load immediate: at once.
  run();
  // iw:end
  // iw:if load=idle
  // --load idle: when the browser is idle (at most IDLE_TIMEOUT_MS later).
  if ('requestIdleCallback' in window) {
    window.requestIdleCallback(run, { timeout: IDLE_TIMEOUT_MS });
  } else {
    setTimeout(run, 1);
  }
  // iw:end
  // iw:if load=interaction
  // --load interaction: on the visitor's first interaction.
  const events = ['pointerdown', 'keydown', 'scroll', 'touchstart'];
  const once = (): void => {
    events.forEach((name) => window.removeEventListener(name, once));
    run();
  };
  const options = { once: true, passive: true };
  events.forEach((name) => window.addEventListener(name, once, options));
  // iw:end
}

/** Loads and boots the Messenger once; later calls do nothing. */
export function startIntercomMessenger(): void {
  if (!inBrowser() || started) {
    return;
  }
  started = true;
  whenLoadStrategyAllows(() => void identify());
}

/** After client-side navigation: lets the Messenger see the new page. */
export function intercomPageChanged(): void {
  if (inBrowser() && booted && sdk) {
    sdk.update({ last_request_at: Math.floor(Date.now() / 1000) });
  }
}

/** After your app signed a user in: forget the anonymous session and boot as the user. */
export async function intercomLogin(): Promise<void> {
  if (!inBrowser() || !started) {
    return;
  }
  shutdownMessenger();
  // iw:if auth=bearer
  if (tokenRequest() === null) {
    // The app's store may write the token to storage just after this call, in the same turn: Pinia's
    // persisted-state plugin saves on Vue's scheduler, whose queued jobs run before this continues.
    const request = identifyRequests;
    await Promise.resolve();
    if (request !== identifyRequests) {
      return; // signed out meanwhile
    }
  }
  // iw:end
  await identify();
}

/** Before your app clears its session on sign-out: shut down, then boot anonymously. */
export function intercomLogout(): void {
  if (!inBrowser() || !started) {
    return;
  }
  clearTimeout(refreshTimer);
  identifyRequests += 1;
  shutdownMessenger();
  void bootMessenger();
}
