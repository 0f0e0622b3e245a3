// Preloaded (node --require) into the corpus apps' Node servers by bench/corpus.py: a server that
// listens on a port without a host (every interface) listens on 127.0.0.1 instead, so the apps
// under test are never reachable from outside this machine.
'use strict';
const net = require('net');

const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function listenOnLoopback(...args) {
  if (typeof args[0] === 'number' || (typeof args[0] === 'string' && /^\d+$/.test(args[0]))) {
    const [port, maybeHost, ...rest] = args;
    if (typeof maybeHost === 'string' && maybeHost !== '0.0.0.0' && maybeHost !== '::') {
      return listen.call(this, ...args);
    }
    const remaining = typeof maybeHost === 'string' ? rest : [maybeHost, ...rest].filter((arg) => arg !== undefined);
    return listen.call(this, Number(port), '127.0.0.1', ...remaining);
  }
  if (args[0] && typeof args[0] === 'object' && !Array.isArray(args[0]) && args[0].port !== undefined && !args[0].path) {
    const host = args[0].host;
    if (!host || host === '0.0.0.0' || host === '::') {
      return listen.call(this, { ...args[0], host: '127.0.0.1' }, ...args.slice(1));
    }
  }
  return listen.apply(this, args);
};
