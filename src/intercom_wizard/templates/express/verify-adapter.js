// __IW_MIDDLEWARE_NAME__() at __IW_MIDDLEWARE_FILE__:__IW_MIDDLEWARE_LINE__ verifies the access token and runs
// first on this route: make it keep the id your login signs into the token
// (jwt.sign({ id: user.id }, ...)), e.g. req.userId = decoded.id, and read it here:
function signedInUser(req) {
  return req.userId != null ? { id: req.userId } : null;
}
