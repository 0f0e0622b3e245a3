// iw:if language=ts
import type { GetServerSideProps } from 'next';

// iw:end
// Rendered per request, so that Next.js can put the CSP nonce on this page's scripts.
// iw:if language=ts
export const getServerSideProps: GetServerSideProps = async () => ({
  props: {},
});
// iw:end
// iw:if language=js
export async function getServerSideProps() {
  return { props: {} };
}
// iw:end
