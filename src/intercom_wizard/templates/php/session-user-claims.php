<?php
// iw:if style=array|object
/**
 * Identity claims for the user __IW_FILE__ keeps in $_SESSION['__IW_KEY__'], or null.
 */
// iw:end
// iw:if style=id|guarded
/**
 * Identity claims for the signed-in user, whom __IW_FILE__ identifies by $_SESSION['__IW_KEY__'], or null.
 */
// iw:end
function intercom_signed_in_user_claims(): ?array
{
// iw:if style=array
    $user = $_SESSION['__IW_KEY__'] ?? null;
    if (!is_array($user) || !isset($user['__IW_ID_FIELD__'])) {
// iw:end
// iw:if style=object
    $user = $_SESSION['__IW_KEY__'] ?? null;
    if (!is_object($user) || !isset($user->__IW_ID_FIELD__)) {
// iw:end
// iw:if style=id
    if (!isset($_SESSION['__IW_KEY__'])) {
// iw:end
// iw:if style=guarded
    // __IW_GUARD_WHY__
    if (!isset($_SESSION['__IW_KEY__']) || !(__IW_GUARD__)) {
// iw:end
        return null;
    }

    return [
__IW_CLAIMS__
    ];
}
