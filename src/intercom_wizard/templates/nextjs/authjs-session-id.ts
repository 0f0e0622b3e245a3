// The callbacks that put the user's id in the session (JWT or database sessions); shown without the first two and the last line.
const config = {
  callbacks: {
    session({ session, token, user }) {
      if (session.user) session.user.id = token?.sub ?? user?.id;
      return session;
    },
  },
};
