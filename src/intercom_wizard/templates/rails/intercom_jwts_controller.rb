# frozen_string_literal: true

# Intercom identity verification: a short-lived JWT for the signed-in user.
#
# Added by intercom-wizard. The Messenger script on each page fetches this token
# and boots with it, so Intercom can trust who the user is. The signing secret is
# read from the INTERCOM_IDENTITY_SECRET environment variable and never leaves
# the server.
class IntercomJwtsController < ApplicationController
  TOKEN_LIFETIME = 2.hours

__IW_FILTERS__

  def show
    secret = ENV.fetch("INTERCOM_IDENTITY_SECRET", nil)
    if secret.blank?
      logger.error "INTERCOM_IDENTITY_SECRET is not set: cannot sign Intercom identity tokens"
      return render json: { error: "Identity verification is not configured" }, status: :internal_server_error
    end

    render json: { token: JWT.encode(intercom_claims(__IW_USER__), secret, "HS256") }
  end

  private

  # The user's primary key; email and name read safely (nil claims are left out). A name of its own:
  # ApplicationController may have a `claims` of its own (token-based sign-in) that its filters call.
  def intercom_claims(user)
    now = Time.current.to_i
    {
      user_id: user.id.to_s,
      email: __IW_EMAIL__,
      name: __IW_DISPLAY_NAME__,
      iat: now,
      exp: now + TOKEN_LIFETIME.to_i
    }.compact
  end

  def prevent_caching
    __IW_NO_STORE__
  end

  # A 401, never a redirect to the sign-in page: the Messenger then boots anonymously.
  def require_signed_in_user
    render json: { error: "Not signed in" }, status: :unauthorized unless __IW_SIGNED_IN__
  end
__IW_ADAPTER__
end
