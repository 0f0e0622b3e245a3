/*
 * Intercom Messenger with identity verification, added by intercom-wizard.
 *
 * Signed-in users are booted with a short-lived JWT that the server signs at
 * TOKEN_URL; visitors who are not signed in are booted anonymously, as leads.
 * Without a TOKEN_URL (a site with no server of its own) everyone is a lead.
 * Call window.intercomMessenger.login() / .logout() from client-side auth code;
 * a sign-out that happens on the server is noticed on the next page load.
 */
(function () {
  'use strict';

  var APP_ID = '__IW_WORKSPACE_ID__';
  var TOKEN_URL = __IW_TOKEN_URL__;
  var API_BASE = __IW_API_BASE__;
  // How the app authenticates its API calls: null = its cookies (session); otherwise the
  // localStorage key under which it keeps its access token, sent as `AUTH_SCHEME <token>`.
  var ACCESS_TOKEN_KEY = __IW_ACCESS_TOKEN_KEY__;
  // localStorage or sessionStorage; null field: the stored string is the token, otherwise the
  // field of the JSON object stored there (e.g. `user` = {"token": ...}).
  var ACCESS_TOKEN_STORAGE = '__IW_ACCESS_TOKEN_STORAGE__';
  var ACCESS_TOKEN_FIELD = __IW_ACCESS_TOKEN_FIELD__;
  var AUTH_SCHEME = '__IW_AUTH_SCHEME__';
  var REFRESH_BEFORE_EXPIRY_MS = 5 * 60 * 1000;
  var MIN_REFRESH_DELAY_MS = 30 * 1000;
  var RETRY_DELAYS_MS = [1000, 3000, 10000];
  // Remembers who was booted, so a sign-out or a user switch triggers a shutdown first.
  var BOOTED_USER_KEY = 'intercom-messenger:user-id';

  // Under a nonce-based Content Security Policy the widget script needs the nonce this tag was given;
  // it can only be read while this file first runs.
  var NONCE = (document.currentScript && document.currentScript.nonce) || '';

  var refreshTimer = null;
  var booted = false;

  function settings(extra) {
    var result = { app_id: APP_ID };
    if (API_BASE) {
      result.api_base = API_BASE;
    }
    for (var key in extra) {
      result[key] = extra[key];
    }
    return result;
  }

  function loadWidget() {
    var w = window;
    if (typeof w.Intercom === 'function') {
      return;
    }
    var queue = function () {
      queue.c(arguments);
    };
    queue.q = [];
    queue.c = function (args) {
      queue.q.push(args);
    };
    w.Intercom = queue;
    var inject = function () {
      var script = document.createElement('script');
      script.type = 'text/javascript';
      script.async = true;
      script.src = 'https://widget.intercom.io/widget/' + APP_ID;
      if (NONCE) {
        script.nonce = NONCE;
      }
      var first = document.getElementsByTagName('script')[0];
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
    } catch (e) {
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
    } catch (e) {
      // See bootedUser().
    }
  }

  function delay(ms) {
    return new Promise(function (resolve) {
      setTimeout(resolve, ms);
    });
  }

  // The app's access token: the stored string, or the field of the JSON object stored there.
  function readAccessToken() {
    var stored = null;
    try {
      stored = window[ACCESS_TOKEN_STORAGE].getItem(ACCESS_TOKEN_KEY);
    } catch (e) {
      return null; // Storage disabled: the app cannot be signed in either.
    }
    if (!stored || !ACCESS_TOKEN_FIELD) {
      return stored;
    }
    try {
      var value = JSON.parse(stored);
      var parts = ACCESS_TOKEN_FIELD.split('.');
      for (var i = 0; i < parts.length; i++) {
        value = value !== null && typeof value === 'object' ? value[parts[i]] : undefined;
      }
      return typeof value === 'string' && value ? value : null;
    } catch (e) {
      return null; // not JSON: nobody the app would recognise is signed in
    }
  }

  // The request options the app itself uses, or null when its access token says nobody is signed in.
  function tokenRequest() {
    var headers = { Accept: 'application/json' };
    if (!ACCESS_TOKEN_KEY) {
      return { credentials: 'include', headers: headers };
    }
    var accessToken = readAccessToken();
    if (!accessToken) {
      return null;
    }
    headers.Authorization = AUTH_SCHEME + ' ' + accessToken;
    return { credentials: 'same-origin', headers: headers };
  }

  // Resolves with the token, or null when nobody is signed in; rejects on any other failure.
  function fetchToken() {
    var request = tokenRequest();
    if (request === null) {
      return Promise.resolve(null);
    }
    return fetch(TOKEN_URL, request).then(function (response) {
      if (response.status === 401 || response.status === 403) {
        return null;
      }
      if (!response.ok) {
        throw new Error('token endpoint answered HTTP ' + response.status);
      }
      return response.json().then(function (body) {
        if (!body || typeof body.token !== 'string' || !body.token) {
          throw new Error('token endpoint answered without a token');
        }
        return body.token;
      });
    });
  }

  function fetchTokenWithRetry(attempt) {
    return fetchToken().catch(function (error) {
      if (attempt >= RETRY_DELAYS_MS.length) {
        throw error;
      }
      return delay(RETRY_DELAYS_MS[attempt]).then(function () {
        return fetchTokenWithRetry(attempt + 1);
      });
    });
  }

  function readClaims(token) {
    var payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(window.atob(payload + '==='.slice((payload.length + 3) % 4)));
  }

  function shutdown() {
    window.Intercom('shutdown');
    booted = false;
    rememberBootedUser(null);
  }

  function bootAnonymous() {
    if (bootedUser() !== null) {
      shutdown();
    }
    window.Intercom('boot', settings({}));
    booted = true;
  }

  function bootIdentified(token) {
    var claims = readClaims(token);
    var previous = bootedUser();
    if (previous !== null && previous !== String(claims.user_id)) {
      shutdown();
    }
    window.Intercom('boot', settings({ intercom_user_jwt: token }));
    booted = true;
    rememberBootedUser(String(claims.user_id));
    var refreshIn = claims.exp * 1000 - Date.now() - REFRESH_BEFORE_EXPIRY_MS;
    refreshTimer = setTimeout(start, Math.max(refreshIn, MIN_REFRESH_DELAY_MS));
  }

  function start() {
    clearTimeout(refreshTimer);
    if (!TOKEN_URL) {
      bootAnonymous();
      return Promise.resolve();
    }
    return fetchTokenWithRetry(0).then(
      function (token) {
        if (token) {
          bootIdentified(token);
        } else {
          bootAnonymous();
        }
      },
      function (error) {
        // Never boot with a missing token: that would attach this visitor to the wrong identity.
        console.warn('Intercom Messenger not started: could not get an identity token.', error);
      }
    );
  }

  function onRouteChange() {
    if (booted) {
      window.Intercom('update');
    }
  }

  function observeRouteChanges() {
    var pushState = window.history.pushState;
    window.history.pushState = function () {
      var result = pushState.apply(this, arguments);
      onRouteChange();
      return result;
    };
    window.addEventListener('popstate', onRouteChange);
    window.addEventListener('hashchange', onRouteChange);
  }

  window.intercomMessenger = {
    // After a client-side sign-in: forget the anonymous session and boot as the user.
    login: function () {
      shutdown();
      return start();
    },
    // Before clearing client-side session data on sign-out.
    logout: function () {
      clearTimeout(refreshTimer);
      shutdown();
      window.Intercom('boot', settings({}));
      booted = true;
    },
    refresh: start,
  };

  loadWidget();
  observeRouteChanges();
  start();
})();
