<?php
// iw:if import=yes
use App\Http\Controllers\IntercomJwtController;

// iw:end
Route::get('__IW_PATH__', __IW_ACTION__)
    ->middleware('__IW_GUARD__')
    ->name('intercom.jwt');
