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

// iw:if signer=firebase
use Firebase\JWT\JWT;

require_once __IW_AUTOLOAD__;
// iw:end
// iw:if bootstrap=yes
require_once __IW_BOOTSTRAP__; // the app's own session setup
// iw:end

// Read the session without holding its lock: this endpoint never writes to it.
if (session_status() === PHP_SESSION_NONE) {
    session_start(['read_and_close' => true]);
}

const INTERCOM_TOKEN_LIFETIME_SECONDS = 2 * 60 * 60;

__IW_USER_CLAIMS__

// iw:if signer=hmac
/**
 * Unpadded base64url, the encoding of every JWT segment (RFC 7515, section 2).
 */
function intercom_base64url_encode(string $data): string
{
    return rtrim(strtr(base64_encode($data), '+/', '-_'), '=');
}

/**
 * A compact JWT signed with HS256, i.e. HMAC-SHA256 over "<header>.<claims>" (RFC 7519).
 */
function intercom_jwt_hs256(array $claims, string $secret): string
{
    $header = ['typ' => 'JWT', 'alg' => 'HS256'];
    $signingInput = intercom_base64url_encode(json_encode($header, JSON_THROW_ON_ERROR))
        . '.' . intercom_base64url_encode(json_encode($claims, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR));

    return $signingInput . '.' . intercom_base64url_encode(hash_hmac('sha256', $signingInput, $secret, true));
}
// iw:end

header('Cache-Control: no-store');
header('Content-Type: application/json');
// iw:if cors=yes

// The pages are served from another origin: allow exactly that one, with its cookies.
header('Access-Control-Allow-Origin: __IW_FRONTEND_ORIGIN__');
header('Access-Control-Allow-Credentials: true');
header('Vary: Origin');
// iw:end

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

// iw:if signer=firebase
echo json_encode(['token' => JWT::encode($payload, $secret, 'HS256')]);
// iw:end
// iw:if signer=hmac
echo json_encode(['token' => intercom_jwt_hs256($payload, $secret)]);
// iw:end
