<?php
/**
 * Identity claims for the signed-in user, or null when nobody is signed in.
 *
 * intercom-wizard found no evidence of the signed-in user's id in the login code,
 * so this adapter fails closed (401 for everyone) until you fill it in: return
 * ['user_id' => <the user's primary key>, 'email' => ..., 'name' => ...].
 * Never a "signed in" flag, a literal or a display name: every user would share it.
 */
function intercom_signed_in_user_claims(): ?array
{
    return null;
}
