# Intercom identity verification: a short-lived JWT for the signed-in user, fetched by
# the Messenger script (public/intercom-messenger.js). Added by intercom-wizard; the
# signing secret is read from INTERCOM_IDENTITY_SECRET and never leaves the server.
get "__IW_ENDPOINT__" do
  content_type :json
  cache_control :no_store
  user = __IW_USER__
  # A 401, never a redirect to the sign-in page: the Messenger then boots anonymously.
  halt 401, { error: "Not signed in" }.to_json if user.nil? || __IW_USER_ID__.to_s.empty?

  secret = ENV.fetch("INTERCOM_IDENTITY_SECRET", nil)
  if secret.to_s.empty?
    warn "INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens"
    halt 500, { error: "Identity verification is not configured" }.to_json
  end

__IW_READER__
  now = Time.now.to_i
  claims = {
    user_id: __IW_USER_ID__.to_s,
__IW_EMAIL_CLAIM__
__IW_NAME_CLAIM__
    iat: now,
    exp: now + (2 * 60 * 60) # two hours
# iw:if hash_compact=yes
  }.compact
# iw:end
# iw:if hash_compact=no
  }.reject { |_claim, value| value.nil? } # Hash#compact needs Ruby 2.4
# iw:end
  { token: JWT.encode(claims, secret, "HS256") }.to_json
end
