// What getSignedInUser() should be; the first line is dropped. getSessionUser: your own session lookup.
// iw:if router=app
async function getSignedInUser(): Promise<IntercomUser | null> {
  const user = await getSessionUser(); // the signed-in user's record, or null
  if (!user) {
    return null;
  }
  return { id: String(user.id), email: user.email, name: user.name };
}
// iw:end
// iw:if router=pages
const getSignedInUser: SignedInUserLookup = async (req, res) => {
  // the signed-in user's record, or null
  const user = await getSessionUser(req, res);
  if (!user) {
    return null;
  }
  return { id: String(user.id), email: user.email, name: user.name };
};
// iw:end
