@auth
user_id: @json((string) auth()->id()),
__IW_ENTRIES__
@endauth
