<?php
// In the login code, once the password is verified (keep the row's primary key, not a flag):
//     $_SESSION['user_id'] = __IW_ID_EXPRESSION__;
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
