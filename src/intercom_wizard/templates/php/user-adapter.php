<?php
// iw:if row=variable
// In the login code, once the password is verified (keep the row's primary key, not a flag):
//     $_SESSION['user_id'] = __IW_ID_EXPRESSION__;
// iw:end
// iw:if row=words
// In the login code, once the password is verified, keep __IW_ID_WORDS__
// in $_SESSION['user_id'] (not a flag).
// iw:end
function intercom_signed_in_user_claims(): ?array
{
    if (!isset($_SESSION['user_id'])) {
        return null;
    }

    return [
        'user_id' => (string) $_SESSION['user_id'],
        'email' => $_SESSION['user_email'] ?? null,
        'name' => $_SESSION['user_name'] ?? null,
    ];
}
