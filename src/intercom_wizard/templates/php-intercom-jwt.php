<?php

/**
 * GET __IW_ENDPOINT__: a short-lived Intercom identity token for the signed-in user.
 *
 * Added by intercom-wizard. The Messenger script on every page fetches this token
 * and boots with it, so Intercom can trust who the user is: 200 {"token": "<JWT>"}
 * when someone is signed in, 401 otherwise. The token is signed with HS256 using
 * the INTERCOM_IDENTITY_SECRET environment variable, which never leaves the server.
 * __IW_SIGNING__
 */

declare(strict_types=1);

__IW_SETUP__

const INTERCOM_TOKEN_LIFETIME_SECONDS = 2 * 60 * 60;

__IW_USER_CLAIMS__

__IW_SIGNER__

header('Cache-Control: no-store');
header('Content-Type: application/json');
__IW_CORS__

if (!in_array($_SERVER['REQUEST_METHOD'] ?? 'GET', ['GET', 'HEAD'], true)) {
    http_response_code(405);
    header('Allow: GET, HEAD');
    echo json_encode(['error' => 'Method not allowed']);
    exit;
}

$claims = intercom_signed_in_user_claims();
if ($claims === null) {
    http_response_code(401);
    echo json_encode(['error' => 'Not signed in']);
    exit;
}

// $_ENV when a .env loader filled it, otherwise the server's environment (SetEnv, env[...] in PHP-FPM).
$secret = $_ENV['INTERCOM_IDENTITY_SECRET'] ?? getenv('INTERCOM_IDENTITY_SECRET');
if (!is_string($secret) || $secret === '') {
    error_log('INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens');
    http_response_code(500);
    echo json_encode(['error' => 'Identity verification is not configured']);
    exit;
}

$now = time();
$payload = array_filter($claims, static fn ($value) => $value !== null) + [
    'iat' => $now,
    'exp' => $now + INTERCOM_TOKEN_LIFETIME_SECONDS,
];

echo json_encode(['token' => __IW_SIGN__]);
