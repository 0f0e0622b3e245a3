// __IW_PROXY_NAME__ sends a new CSP nonce with each request, and only pages rendered per request carry it:
// the layout awaits connection(), and `instant = false` lets every page wait for it.
export const instant = false;

export default async function RootLayout({ children }: LayoutProps<'/'>) {
  await connection();
  // ...
}
