helpers do
  # The signed-in user (a Hash with :id, :email, :name), or nil. intercom-wizard found no evidence
  # of the user's id in the login code, so this fails closed (401 for everyone) until you fill it
  # in with the user's primary key: never a "signed in" flag, a literal or a display name.
  def intercom_signed_in_user
    nil
  end
end
