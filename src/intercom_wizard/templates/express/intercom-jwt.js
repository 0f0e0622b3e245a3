// Intercom identity verification: a short-lived JWT for the signed-in user.
//
// Added by intercom-wizard. The Messenger script on each page fetches this token
// and boots with it, so Intercom can trust who the user is. The signing secret is
// read from the INTERCOM_IDENTITY_SECRET environment variable and never leaves
// the server.
const crypto = require('crypto');
const express = require('express');
const jwt = require('jsonwebtoken');
// iw:if script=route
const path = require('path');
// iw:end
// iw:if passport=yes
const passport = require('passport');
// iw:end
// iw:if cors=cookie|bearer
const cors = require('cors');
// iw:end

const TOKEN_LIFETIME_SECONDS = 2 * 60 * 60;
// Where apps keep the user's name, in this order.
const FULL_NAMES = ['name', 'fullName', 'full_name'];
const DISPLAY_NAMES = ['displayName', 'display_name', 'username'];

// The signing key, made once from the secret. Given a string, jsonwebtoken first tries to parse it
// as a PEM key on every call (about 1 ms of a failed parse per token); a secret KeyObject skips that.
// Made on first use rather than at require time, so a .env loaded after this module still counts.
let signingKey = null;

function identitySigningKey() {
  if (signingKey === null) {
    const secret = process.env.INTERCOM_IDENTITY_SECRET;
    if (!secret) {
      return null;
    }
    signingKey = crypto.createSecretKey(Buffer.from(secret));
  }
  return signingKey;
}

const router = express.Router();
// iw:if cors=cookie|bearer

// The pages are served from another origin: allow exactly that one. (One
// property a line: prettier keeps the object so, whatever the origin's length.)
const corsOptions = {
  origin: '__IW_FRONTEND_ORIGIN__',
// iw:end
// iw:if cors=cookie
  credentials: true,
// iw:end
// iw:if cors=cookie|bearer
};
router.use('__IW_ENDPOINT__', cors(corsOptions));
// iw:end

// The signed-in user (an object with the id Intercom gets as user_id), or null.
function signedInUser(req) {
  // iw:if user=none
  // No evidence of the signed-in user's id: see the manual step.
  // iw:end
  return __IW_USER__;
}

// The first of `names` the user has a value for: read at run time, so getters and plain objects count.
function userAttribute(user, ...names) {
  for (const name of names) {
    const field = user?.[name];
    const value = typeof field === 'function' ? field.call(user) : field;
    if (value) {
      return String(value);
    }
  }
  return undefined;
}

// iw:if middleware=yes
// The app's own authentication, run first on the token route too.
const auth = __IW_MIDDLEWARE__;

// iw:end
router.get('__IW_ENDPOINT__', __IW_ROUTE_MIDDLEWARE__(req, res) => {
  res.set('Cache-Control', 'no-store');
  const user = signedInUser(req);
  if (!user || user.__IW_ID_FIELD__ == null) {
    return res.status(401).json({ error: 'Not signed in' });
  }
  const key = identitySigningKey();
  if (!key) {
    console.error(
      'INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens',
    );
    const error = 'Identity verification is not configured';
    return res.status(500).json({ error });
  }
  const now = Math.floor(Date.now() / 1000);
  const token = jwt.sign(
    {
      user_id: String(user.__IW_ID_FIELD__),
      email: userAttribute(user, 'email'),
      name: userAttribute(user, ...FULL_NAMES, ...DISPLAY_NAMES),
      iat: now,
      exp: now + TOKEN_LIFETIME_SECONDS,
    },
    key,
    { algorithm: 'HS256' },
  );
  return res.json({ token });
});
// iw:if script=route

// The app serves no static folder, so this route serves the Messenger script its
// pages load (and nothing else from that folder).
router.get('/intercom-messenger.js', (req, res) => {
  const file = 'intercom-messenger.js';
  res.sendFile(path.join(__dirname, '__IW_SCRIPT_FOLDER__', file));
});
// iw:end

module.exports = router;
