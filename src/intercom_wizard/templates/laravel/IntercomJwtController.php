<?php

namespace App\Http\Controllers;

use Firebase\JWT\JWT;
use Illuminate\Http\JsonResponse;
use Illuminate\Http\Request;
use Illuminate\Support\Facades\Log;

/**
 * GET __IW_ENDPOINT__: a short-lived Intercom identity token for the signed-in user.
 *
 * Added by intercom-wizard. The Messenger script fetches this token and boots with it,
 * so Intercom can trust who the user is. The route sits behind the `__IW_GUARD__`
 * middleware, which answers the script's request (it sends Accept: application/json)
 * with a 401 JSON response when nobody is signed in, rather than a redirect to the
 * login page. The token is signed with HS256 using services.intercom.identity_secret
 * (INTERCOM_IDENTITY_SECRET in .env), which never leaves the server.
 */
class IntercomJwtController__IW_EXTENDS__
{
    private const TOKEN_LIFETIME_SECONDS = 2 * 60 * 60;

    public function __invoke(Request $request): JsonResponse
    {
        $user = $request->user();

        if ($user === null) {
            return $this->reply(['message' => 'Unauthenticated.'], 401);
        }

        $secret = config('services.intercom.identity_secret');

        if (blank($secret)) {
            Log::error('INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens.');

            return $this->reply(['message' => 'Identity verification is not configured.'], 500);
        }

        $now = now()->getTimestamp();

        $claims = array_filter([
            'user_id' => (string) $user->getAuthIdentifier(),
__IW_USER_CLAIMS__
            'iat' => $now,
            'exp' => $now + self::TOKEN_LIFETIME_SECONDS,
        ], fn ($value) => $value !== null);

        return $this->reply(['token' => JWT::encode($claims, $secret, 'HS256')]);
    }

    /**
     * Identity tokens are per user and short-lived: no cache may keep them.
     */
    private function reply(array $data, int $status = 200): JsonResponse
    {
        return response()->json($data, $status)->header('Cache-Control', 'no-store');
    }
}
