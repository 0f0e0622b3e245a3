// In the login route, once the password is verified: req.session.userId = user.id;
function signedInUser(req) {
  return req.session.userId != null ? { id: req.session.userId } : null;
}
