/*
 * Intercom Messenger with identity verification, added by intercom-wizard.
 *
 * Signed-in users are booted with a short-lived JWT that the server signs at
 * TOKEN_URL; visitors who are not signed in are booted anonymously, as leads.
 * Without a TOKEN_URL (a site with no server of its own) everyone is a lead.
 * Call window.intercomMessenger.login() / .logout() from client-side auth code;
 * a sign-out that happens on the server is noticed on the next page load.
 *
 * Apps that swap the page body without a full load (Turbo Drive, htmx's hx-boost,
 * Inertia, Livewire's wire:navigate) keep this one instance for the whole tab:
 * one boot per identity, one update per visit, and a new token request only
 * after a form submission or a visit to a sign-out URL such as a plain
 * <a href="/logout"> (either may have signed the user in or out).
 */
(() => {
  // Body swaps can run this file again: the first run in the tab keeps the Messenger.
  if (window.intercomMessenger) {
    return;
  }

  const APP_ID = '__IW_WORKSPACE_ID__';
  const TOKEN_URL = __IW_TOKEN_URL__;
  const API_BASE = __IW_API_BASE__;
  // How the app authenticates its API calls: null = its cookies (session); otherwise the
  // localStorage key under which it keeps its access token, sent as `AUTH_SCHEME <token>`.
  const ACCESS_TOKEN_KEY = __IW_ACCESS_TOKEN_KEY__;
  // localStorage or sessionStorage; null field: the stored string is the token, otherwise the
  // field of the JSON object stored there (e.g. `user` = {"token": ...}).
  const ACCESS_TOKEN_STORAGE = '__IW_ACCESS_TOKEN_STORAGE__';
  const ACCESS_TOKEN_FIELD = __IW_ACCESS_TOKEN_FIELD__;
  const AUTH_SCHEME = '__IW_AUTH_SCHEME__';
  const REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000;
  const MIN_REFRESH_DELAY_MS = 30 * 1000;
  const RETRY_DELAYS_MS = [1000, 3000, 10000];
  // Remembers who was booted, so a sign-out or a user switch triggers a shutdown first.
  const BOOTED_USER_KEY = 'intercom-messenger:user-id';
  // How this app changes pages without a full load ('turbo', 'htmx', 'inertia', 'livewire'),
  // found in the project; none means client-side routers driving history.pushState.
  const NAVIGATION = __IW_NAVIGATION__;

  // Under a nonce-based Content Security Policy the widget script needs the nonce this tag was given;
  // it can only be read while this file first runs.
  const NONCE = document.currentScript?.nonce || '';

  let refreshTimer = null;
  let booted = false;
  // Who the Messenger was booted as in this tab: the user id, '' for a visitor, null before the first boot.
  let bootedIdentity = null;
  // Set by a framework's "visit started" event (or back/forward), consumed by its "visit done" event.
  let visitPending = false;
  // After a form submission the user may have signed in or out: the next visit asks the token endpoint.
  let identityMayHaveChanged = false;
  // A visit to such a path (a sign-out link, GET /logout, /users/sign_out, /accounts/logout/) may have
  // ended the session without any form: the visit's end asks the token endpoint, which decides.
  const SIGN_OUT_PATH = /\/(log|sign)[-_]?(out|off)(\/|\.[a-z]+)?$/i;
  // The app's own sign-out routes named otherwise, found in its code (a path ending in one).
  const SIGN_OUT_ROUTES = __IW_SIGN_OUT_ROUTES__;

  // Messenger settings the page declares before this script runs (custom_launcher_selector, alignment,
  // hide_default_launcher, horizontal_padding, api_base, ...): `install --upgrade` moves a classic
  // snippet's settings here. Identity never comes from the page: only the server's JWT says who the user is
  // (so the ids, email, name, token and any *_hash, the deprecated HMAC, are dropped).
  const PAGE_IDENTITY_KEY = /^(app_id|user_id|email|name|intercom_user_jwt)$/;
  const PAGE_HASH_KEY = /^[a-z_]*_hash$/;

  function fromPage(key) {
    return !PAGE_IDENTITY_KEY.test(key) && !PAGE_HASH_KEY.test(key);
  }

  function settings(extra) {
    const result = { app_id: APP_ID };
    if (API_BASE) {
      result.api_base = API_BASE;
    }
    const declared = window.intercomMessengerSettings || {};
    // Own settings only (Object.keys): nothing inherited from a prototype.
    const names = Object.keys(declared);
    for (let i = 0; i < names.length; i++) {
      if (fromPage(names[i])) {
        result[names[i]] = declared[names[i]];
      }
    }
    for (const key in extra) {
      result[key] = extra[key];
    }
    return result;
  }

  function loadWidget() {
    const w = window;
    if (typeof w.Intercom === 'function') {
      return;
    }
    const queue = (...args) => {
      queue.c(args);
    };
    queue.q = [];
    queue.c = (args) => {
      queue.q.push(args);
    };
    w.Intercom = queue;
    const inject = () => {
      const script = document.createElement('script');
      script.type = 'text/javascript';
      script.async = true;
      script.src = `https://widget.intercom.io/widget/${APP_ID}`;
      if (NONCE) {
        script.nonce = NONCE;
      }
      const first = document.getElementsByTagName('script')[0];
      first.parentNode.insertBefore(script, first);
    };
    if (document.readyState === 'complete') {
      inject();
    } else {
      w.addEventListener('load', inject, false);
    }
  }

  // Storage can be disabled (private mode, strict cookie settings): then only logout() shuts down.
  function bootedUser() {
    try {
      return window.localStorage.getItem(BOOTED_USER_KEY);
    } catch {
      return null;
    }
  }

  function rememberBootedUser(userId) {
    try {
      if (userId === null) {
        window.localStorage.removeItem(BOOTED_USER_KEY);
      } else {
        window.localStorage.setItem(BOOTED_USER_KEY, userId);
      }
    } catch {
      // See bootedUser().
    }
  }

  // The endpoint is not there (404) or is not a token endpoint (it answers a page, not JSON): once
  // the retries are spent the visitor is booted as a lead, with one warning that names it.
  function endpointMissing(reason) {
    const error = new Error(`token endpoint ${TOKEN_URL} ${reason}`);
    error.endpointMissing = true;
    return error;
  }

  function delay(ms) {
    return new Promise((resolve) => {
      setTimeout(resolve, ms);
    });
  }

  // The app's access token: the stored string, or the field of the JSON object stored there.
  function readAccessToken() {
    let stored;
    try {
      stored = window[ACCESS_TOKEN_STORAGE].getItem(ACCESS_TOKEN_KEY);
    } catch {
      return null; // Storage disabled: the app cannot be signed in either.
    }
    // iw:if encoding=base64
    // The app stores it base64-encoded (btoa): decoded as its own code decodes it before use.
    try {
      stored = stored ? window.atob(stored) : stored;
    } catch {
      return null; // not base64: nobody the app would recognise is signed in
    }
    // iw:end
    if (!stored || !ACCESS_TOKEN_FIELD) {
      return stored;
    }
    try {
      let value = JSON.parse(stored);
      const parts = ACCESS_TOKEN_FIELD.split('.');
      for (let i = 0; i < parts.length; i++) {
        const isObject = value !== null && typeof value === 'object';
        value = isObject ? value[parts[i]] : undefined;
      }
      return typeof value === 'string' && value ? value : null;
    } catch {
      return null; // not JSON: nobody the app would recognise is signed in
    }
  }

  // The request options the app itself uses, or null when its access token says nobody is signed in.
  function tokenRequest() {
    const headers = { Accept: 'application/json' };
    if (!ACCESS_TOKEN_KEY) {
      return { method: 'GET', credentials: 'include', headers: headers };
    }
    const accessToken = readAccessToken();
    if (!accessToken) {
      return null;
    }
    headers.Authorization = `${AUTH_SCHEME} ${accessToken}`;
    return { method: 'GET', credentials: 'same-origin', headers: headers };
  }

  // Resolves with the token, or null when nobody is signed in; rejects on any other failure.
  function fetchToken() {
    const request = tokenRequest();
    if (request === null) {
      return Promise.resolve(null);
    }
    return fetch(TOKEN_URL, request).then((response) => {
      if (response.status === 401 || response.status === 403) {
        return null;
      }
      if (response.status === 404) {
        throw endpointMissing('answered HTTP 404');
      }
      if (!response.ok) {
        throw new Error(`token endpoint answered HTTP ${response.status}`);
      }
      return response.json().then(
        (body) => {
          if (!body || typeof body.token !== 'string' || !body.token) {
            throw new Error('token endpoint answered without a token');
          }
          return body.token;
        },
        () => {
          throw endpointMissing('answered something that is not JSON');
        }
      );
    });
  }

  function fetchTokenWithRetry(attempt) {
    return fetchToken().catch((error) => {
      if (attempt >= RETRY_DELAYS_MS.length) {
        throw error;
      }
      return delay(RETRY_DELAYS_MS[attempt]).then(() =>
        fetchTokenWithRetry(attempt + 1)
      );
    });
  }

  function readClaims(token) {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const padding = '==='.slice((payload.length + 3) % 4);
    return JSON.parse(window.atob(payload + padding));
  }

  function shutdown() {
    window.Intercom('shutdown');
    booted = false;
    bootedIdentity = null;
    rememberBootedUser(null);
  }

  // After a visit that re-checked the identity: the same person only needs the page view recorded.
  function sameIdentity(identity, onVisit) {
    if (onVisit && booted && bootedIdentity === identity) {
      window.Intercom('update');
      return true;
    }
    return false;
  }

  function bootAnonymous(onVisit) {
    if (sameIdentity('', onVisit)) {
      return;
    }
    if (bootedUser() !== null || booted) {
      shutdown();
    }
    window.Intercom('boot', settings({}));
    booted = true;
    bootedIdentity = '';
  }

  function bootIdentified(token, onVisit) {
    const claims = readClaims(token);
    if (sameIdentity(String(claims.user_id), onVisit)) {
      return;
    }
    const userId = String(claims.user_id);
    const previous = bootedUser();
    const switched = previous !== null && previous !== userId;
    if (switched || (booted && bootedIdentity !== userId)) {
      shutdown();
    }
    window.Intercom('boot', settings({ intercom_user_jwt: token }));
    booted = true;
    bootedIdentity = String(claims.user_id);
    rememberBootedUser(String(claims.user_id));
    const refreshIn = claims.exp * 1000 - Date.now() - REFRESH_BEFORE_EXPIRY_MS;
    refreshTimer = setTimeout(start, Math.max(refreshIn, MIN_REFRESH_DELAY_MS));
  }

  // onVisit: called for a page visit after a form submission; the same identity then gets an update, not a boot.
  function start(onVisit) {
    clearTimeout(refreshTimer);
    if (!TOKEN_URL) {
      bootAnonymous(onVisit === true);
      return Promise.resolve();
    }
    return fetchTokenWithRetry(0).then(
      (token) => {
        if (token) {
          bootIdentified(token, onVisit === true);
        } else {
          bootAnonymous(onVisit === true);
        }
      },
      (error) => {
        if (error?.endpointMissing) {
          const lead = ', so this visitor is booted anonymously (as a lead).';
          console.warn(`Intercom Messenger: the ${error.message}${lead}`);
          bootAnonymous(onVisit === true);
          return;
        }
        // Never boot with a missing token: that would attach this visitor to the wrong identity.
        const notStarted = 'Intercom Messenger not started:';
        console.warn(`${notStarted} could not get an identity token.`, error);
      }
    );
  }

  function onRouteChange() {
    if (booted) {
      window.Intercom('update');
    }
  }

  function observeRouteChanges() {
    const pushState = window.history.pushState;
    window.history.pushState = function (...args) {
      const result = pushState.apply(this, args);
      onRouteChange();
      return result;
    };
    window.addEventListener('popstate', onRouteChange);
    window.addEventListener('hashchange', onRouteChange);
  }

  // A visit finished: one update, or - after a form submission - a token request that decides
  // between an update (same person) and a boot (someone signed in or out).
  function visitDone() {
    if (!visitPending) {
      return;
    }
    visitPending = false;
    if (identityMayHaveChanged) {
      identityMayHaveChanged = false;
      start(true);
    } else {
      onRouteChange();
    }
  }

  function visitStarted() {
    visitPending = true;
  }

  function formSubmitted() {
    identityMayHaveChanged = true;
  }

  // A visit's URL (string or URL object): a sign-out path counts as a submission.
  function visitTo(url) {
    let path = url ? String(url.pathname || url).split(/[?#]/)[0] : '';
    path = path.replace(/^[a-z]+:\/\/[^/]+/i, '');
    if (SIGN_OUT_PATH.test(path) || isSignOutRoute(path.replace(/\/$/, ''))) {
      formSubmitted();
    }
  }

  function isSignOutRoute(path) {
    return SIGN_OUT_ROUTES.some((route) => path.slice(-route.length) === route);
  }

  function on(name, listener) {
    document.addEventListener(name, listener);
  }

  const FRAMEWORK_EVENTS = {
    // Turbo Drive: turbo:visit starts every visit (links, redirects after forms, back/forward).
    turbo: () => {
      on('turbo:visit', (event) => {
        visitStarted();
        visitTo(event.detail?.url);
      });
      on('turbo:load', visitDone);
      on('turbo:submit-end', (event) => {
        if (!event.detail || event.detail.success !== false) {
          formSubmitted();
        }
      });
    },
    // htmx: only boosted swaps are page visits; back/forward restores from history.
    htmx: () => {
      on('htmx:afterRequest', (event) => {
        const config = event.detail?.requestConfig;
        if (config && String(config.verb).toLowerCase() !== 'get') {
          formSubmitted();
        } else if (config) {
          visitTo(config.path);
        }
      });
      on('htmx:afterSettle', (event) => {
        if (event.detail?.boosted) {
          visitStarted();
          visitDone();
        }
      });
      on('htmx:historyRestore', () => {
        visitStarted();
        visitDone();
      });
    },
    // Inertia: navigate fires for the first page too, so only visits that started count.
    inertia: () => {
      on('inertia:start', (event) => {
        visitStarted();
        const visit = event.detail?.visit;
        if (visit && String(visit.method).toLowerCase() !== 'get') {
          formSubmitted();
        } else if (visit) {
          visitTo(visit.url);
        }
      });
      on('inertia:navigate', visitDone);
      // A visit that lands on the same URL (a form posted back to its page) replaces the history
      // entry and fires no navigate event: its completed finish counts instead (whichever comes first).
      on('inertia:finish', (event) => {
        const visit = event.detail?.visit;
        if (visit?.completed) {
          visitDone();
        }
      });
      window.addEventListener('popstate', visitStarted);
    },
    // Livewire 3's wire:navigate; any component request may have signed the user in or out.
    livewire: () => {
      on('livewire:navigate', (event) => {
        visitStarted();
        visitTo(event.detail?.url);
      });
      on('livewire:navigated', visitDone);
      window.addEventListener('popstate', visitStarted);
      const hookRequests = () => {
        window.Livewire.hook('request', formSubmitted);
      };
      if (window.Livewire?.hook) {
        hookRequests();
      } else {
        on('livewire:init', hookRequests);
      }
    },
  };

  function observeNavigation() {
    if (!NAVIGATION.length) {
      observeRouteChanges();
      return;
    }
    for (let i = 0; i < NAVIGATION.length; i++) {
      FRAMEWORK_EVENTS[NAVIGATION[i]]();
    }
  }

  window.intercomMessenger = {
    // After a client-side sign-in: forget the anonymous session and boot as the user.
    login: () => {
      shutdown();
      return start();
    },
    // Before clearing client-side session data on sign-out.
    logout: () => {
      clearTimeout(refreshTimer);
      shutdown();
      window.Intercom('boot', settings({}));
      booted = true;
      bootedIdentity = '';
    },
    refresh: start,
  };

  loadWidget();
  observeNavigation();
  start();
})();
