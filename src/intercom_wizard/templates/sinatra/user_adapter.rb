# What intercom_signed_in_user returns; the first line is dropped. In the login route: session[:user_id] = user.id
  def intercom_signed_in_user
    session[:user_id] && { id: session[:user_id] }
  end
