# Added by intercom-wizard (install --upgrade): intercom-rails' shutdown on sign-out (its README,
# "Shutdown"). The lines inside each class go into the app's controller of that role.
class SessionsController < ApplicationController
  # intercom-rails: shut the Messenger down once this sign-out's answer is sent
  after_action(only: :destroy) { IntercomRails::ShutdownHelper.prepare_intercom_shutdown(session) }
end

class ApplicationController < ActionController::Base
  # intercom-rails: clear the Messenger's session cookie after a sign-out
  after_action { IntercomRails::ShutdownHelper.intercom_shutdown(session, cookies, request.domain) }
end
