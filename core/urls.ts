// URLs as loadgate writes them and uses them: a user-info part
// (`https://user:pass@host`) is a credential, never to be printed or stored,
// and to be sent as basic auth instead of being silently dropped.

/** The URL for display and records: user-info becomes `***` (`https://***@host/`). */
export function redactUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // Not a URL: show at most its scheme and host-looking part, never what may be a secret.
    return text.replace(/\/\/[^@/]*@/, '//***@');
  }
  if (!url.username && !url.password) return text;
  url.username = '***';
  url.password = '';
  return url.href.replace(/\/$/, text.endsWith('/') ? '/' : '');
}

/**
 * A URL without its user-info, and that user-info as `user:password` for
 * basic auth. A redacted one (`***`, read back from a record) carries none.
 */
export function splitCredentials(text: string): { url: string; basicAuth?: string } {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { url: text };
  }
  if (!url.username && !url.password) return { url: text };
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  url.username = '';
  url.password = '';
  const bare = url.href.replace(/\/$/, text.endsWith('/') ? '/' : '');
  return user === '***' && !password
    ? { url: bare }
    : { url: bare, basicAuth: `${user}:${password}` };
}

/** The Authorization header value of `user:password` basic auth. */
export function basicAuthorization(userPassword: string): string {
  return `Basic ${Buffer.from(userPassword).toString('base64')}`;
}
