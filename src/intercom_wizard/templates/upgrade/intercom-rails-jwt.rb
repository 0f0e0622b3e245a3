# Added by intercom-wizard (install --upgrade) for the -*- ruby -*- initializer of intercom-rails.
IntercomRails.config do |config|
  # iw:if api_secret=missing
  # == Identity verification secret (Messenger Security page), read from the environment
  config.api_secret = ENV["INTERCOM_IDENTITY_SECRET"]
  # iw:end
  # == JWT identity verification (intercom-rails >= 1.0.5): the page boots with intercom_user_jwt,
  # signed on the server with api_secret, instead of user_id and user_hash; email and name move
  # into the token's claims, and the token expires.
  config.jwt.enabled = true
  config.jwt.expiry = 2.hours
  config.jwt.signed_user_fields = [:email, :name]
end
