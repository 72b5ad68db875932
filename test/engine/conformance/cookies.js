// k6's cookie API: http.cookieJar(), new http.CookieJar(), params.jar,
// params.cookies and Response.cookies, against a server that sets the
// Set-Cookie headers it is given (?c=...) and answers with the cookies it
// received. Documented k6 API only, so it runs unchanged on real k6.
// Every check must pass. NO_COOKIES_RESET=1 sets noCookiesReset;
// WRONG=1 breaks one expectation on purpose (the test sees it fail).
/* global __ENV, __ITER */
import http from 'k6/http';
import { check, group } from 'k6';

const keepJar = __ENV.NO_COOKIES_RESET === '1';

export const options = {
  vus: 1,
  iterations: 2,
  noCookiesReset: keepJar,
  thresholds: { checks: ['rate==1'] },
};

const base = __ENV.BASE_URL; // http://127.0.0.1:PORT
const secureBase = base.replace(/^http:/, 'https:');
// A jar of the script's own, made in the init context: k6 never empties it.
const kept = new http.CookieJar();

/** A URL at which the server answers with these Set-Cookie headers. */
function setting(path, ...headers) {
  return `${base}${path}?${headers.map((h) => `c=${encodeURIComponent(h)}`).join('&')}`;
}

/** The cookies the server received: name → values, in the order they were sent. */
function received(res) {
  const out = {};
  for (const [name, value] of res.json().cookies) (out[name] = out[name] || []).push(value);
  return out;
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function fromServer() {
  const jar = http.cookieJar();
  const res = http.get(
    setting(
      '/app/set',
      'session=abc; Path=/; HttpOnly',
      'scoped=1',
      'gone=1; Path=/',
      'old=1; Path=/',
      'ip=1; Path=/; Domain=127.0.0.1',
      'foreign=1; Path=/; Domain=example.com',
    ),
  );
  check(res, {
    "Response.cookies: k6's field names, the attributes as the server wrote them": (r) =>
      same(Object.keys(r.cookies.session[0]).sort(), [
        'domain',
        'expires',
        'http_only',
        'max_age',
        'name',
        'path',
        'secure',
        'value',
      ]) &&
      r.cookies.session.length === 1 &&
      r.cookies.session[0].name === 'session' &&
      r.cookies.session[0].value === 'abc' &&
      r.cookies.session[0].path === '/' &&
      r.cookies.session[0].http_only === true &&
      r.cookies.ip[0].domain === '127.0.0.1',
    // Go's zero values: no Domain or Path is '', no Max-Age is 0, and no
    // Expires is the zero time.Time in ms (its UnixNano() overflows).
    'Response.cookies: absent attributes have Go zero values': (r) =>
      r.cookies.scoped[0].domain === '' &&
      r.cookies.scoped[0].path === '' &&
      r.cookies.scoped[0].http_only === false &&
      r.cookies.scoped[0].secure === false &&
      r.cookies.scoped[0].max_age === 0 &&
      r.cookies.scoped[0].expires === -6795364578871,
  });
  const attributes = http.get(
    setting(
      '/set',
      'aged=1; Path=/; Max-Age=600; Expires=Wed, 21 Oct 2065 07:28:00 GMT',
      'dashed=1; Path=/; Max-Age=0; Expires=Wed, 21-Oct-2065 07:28:00 GMT',
      'loose=1; Path=/; Max-Age=05; Expires=2065-10-21T07:28:00Z',
    ),
  );
  check(attributes, {
    'Response.cookies: max_age in seconds, -1 for Max-Age=0, expires in ms': (r) =>
      r.cookies.aged[0].max_age === 600 &&
      r.cookies.aged[0].expires === Date.UTC(2065, 9, 21, 7, 28) &&
      r.cookies.dashed[0].max_age === -1 &&
      r.cookies.dashed[0].expires === Date.UTC(2065, 9, 21, 7, 28),
    'Response.cookies: a Max-Age or Expires Go cannot parse is absent': (r) =>
      r.cookies.loose[0].max_age === 0 && r.cookies.loose[0].expires === -6795364578871,
  });
  check(jar, {
    'Set-Cookie lands in the VU jar': (j) => same(j.cookiesForURL(`${base}/`).session, ['abc']),
    'without Path: the directory of the URL': (j) =>
      same(j.cookiesForURL(`${base}/app/page`).scoped, ['1']) &&
      j.cookiesForURL(`${base}/`).scoped === undefined,
    'a path matches whole segments only': (j) =>
      j.cookiesForURL(`${base}/apple`).scoped === undefined,
    'Domain equal to the IP address: kept': (j) => same(j.cookiesForURL(`${base}/`).ip, ['1']),
    'Domain of another site: refused': (j) =>
      j.cookiesForURL(`${base}/`).foreign === undefined &&
      j.cookiesForURL('http://example.com/').foreign === undefined,
  });
  check(received(http.get(`${base}/app/echo`)), {
    'the jar sends the cookies for the URL': (c) =>
      same(c.session, ['abc']) && same(c.scoped, ['1']),
  });
  check(received(http.get(`${base}/echo`)), {
    'and not those of other paths': (c) => same(c.session, ['abc']) && c.scoped === undefined,
  });
  http.get(
    setting(
      '/set',
      'gone=; Path=/; Max-Age=0',
      'old=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT',
    ),
  );
  check(jar.cookiesForURL(`${base}/`), {
    'Max-Age=0 and a past Expires delete': (c) =>
      c.gone === undefined && c.old === undefined && same(c.session, ['abc']),
  });
  const redirected = http.get(
    `${base}/redirect?to=%2Fecho&c=${encodeURIComponent('hop=1; Path=/')}`,
  );
  check(redirected, {
    'a cookie set by a redirect goes to its target': (r) =>
      r.status === 200 && same(received(r).hop, ['1']),
  });
}

function jarSet() {
  const jar = http.cookieJar();
  jar.set(`${base}/echo`, 'my_cookie', 'hello world');
  check(received(http.get(`${base}/echo`)), {
    'set(): sent with the next request': (c) => same(c.my_cookie, ['hello world']),
  });
  jar.delete(`${base}/echo`, 'my_cookie');
  check(received(http.get(`${base}/echo`)), {
    'delete(): no longer sent': (c) => c.my_cookie === undefined && same(c.session, ['abc']),
  });

  jar.set(`${base}/`, 'deep', '1', { path: '/only', max_age: 600 });
  check(null, {
    'set() path option': () =>
      same(received(http.get(`${base}/only/echo`)).deep, ['1']) &&
      received(http.get(`${base}/echo`)).deep === undefined,
  });

  jar.set(`${base}/`, 'dup', 'short', { path: '/' });
  jar.set(`${base}/`, 'dup', 'long', { path: '/deep' });
  check(jar.cookiesForURL(`${base}/deep/x`), {
    'one name on two paths: both values, longest path first': (c) => same(c.dup, ['long', 'short']),
  });
  check(received(http.get(`${base}/deep/echo`)), {
    'both sent, longest path first': (c) => same(c.dup, ['long', 'short']),
  });

  jar.set(`${secureBase}/`, 'sec', '1', { secure: true, http_only: true });
  check(jar, {
    'secure: https only': (j) =>
      same(j.cookiesForURL(`${secureBase}/`).sec, ['1']) &&
      j.cookiesForURL(`${base}/`).sec === undefined &&
      received(http.get(`${base}/echo`)).sec === undefined,
  });

  jar.set('http://example.com/', 'wide', '1', { domain: 'example.com' });
  jar.set('http://example.com/', 'narrow', '1');
  jar.set('http://example.com/', 'other', '1', { domain: 'example.org' });
  check(jar, {
    'domain option: the domain and its subdomains': (j) =>
      same(j.cookiesForURL('http://www.example.com/').wide, ['1']) &&
      same(j.cookiesForURL('http://example.com/').wide, ['1']),
    'no domain option: that host only': (j) =>
      same(j.cookiesForURL('http://example.com/').narrow, ['1']) &&
      j.cookiesForURL('http://www.example.com/').narrow === undefined,
    'domain of another site: refused': (j) =>
      j.cookiesForURL('http://example.org/').other === undefined &&
      j.cookiesForURL('http://example.com/').other === undefined,
  });

  jar.set(`${base}/`, 'later', '1', { expires: new Date(Date.now() + 3600e3).toUTCString() });
  jar.set(`${base}/`, 'expired', '1', { expires: 'Mon, 02 Jan 2006 15:04:05 GMT' });
  jar.set(`${base}/`, 'brief', '1');
  jar.set(`${base}/`, 'brief', '1', { max_age: -1 });
  check(jar.cookiesForURL(`${base}/`), {
    'expires and max_age': (c) =>
      same(c.later, ['1']) && c.expired === undefined && c.brief === undefined,
  });
}

function requestScoped() {
  const jar = http.cookieJar();
  jar.set(`${base}/`, 'both', 'jar');
  check(received(http.get(`${base}/echo`, { cookies: { own: 'mine', both: 'req' } })), {
    'params.cookies: sent with the jar cookies': (c) =>
      same(c.own, ['mine']) && same(c.session, ['abc']),
    'params.cookies without replace: both values sent': (c) =>
      c.both.length === 2 && c.both.indexOf('req') >= 0 && c.both.indexOf('jar') >= 0,
  });
  check(null, {
    'params.cookies: not stored': () =>
      jar.cookiesForURL(`${base}/`).own === undefined &&
      received(http.get(`${base}/echo`)).own === undefined,
  });
  const replacing = __ENV.WRONG === '1' ? ['jar'] : ['req'];
  check(
    received(http.get(`${base}/echo`, { cookies: { both: { value: 'req', replace: true } } })),
    {
      'replace: true overrides the jar cookie': (c) => same(c.both, replacing),
    },
  );
  check(
    received(http.get(`${base}/echo`, { cookies: { both: { value: 'req', replace: false } } })),
    {
      'replace: false sends both': (c) => c.both.length === 2 && c.both.indexOf('req') >= 0,
    },
  );
  check(received(http.get(`${base}/echo`, { headers: { Cookie: 'header=1' } })), {
    "a Cookie header of the script's own: sent with the jar cookies": (c) =>
      same(c.header, ['1']) && same(c.session, ['abc']),
  });
  check(jar.cookiesForURL(`${base}/`), {
    'the jar cookie is left as it was': (c) => same(c.both, ['jar']),
  });
}

function localJars() {
  const local = new http.CookieJar();
  local.set(`${base}/`, 'local', 'yes');
  check(received(http.get(`${base}/echo`, { jar: local })), {
    "params.jar: that jar's cookies instead of the VU jar's": (c) =>
      same(c.local, ['yes']) && c.session === undefined,
  });
  http.get(setting('/set', 'fromserver=1; Path=/'), { jar: local });
  check(local, {
    'params.jar: Set-Cookie goes to that jar': (j) =>
      same(j.cookiesForURL(`${base}/`).fromserver, ['1']) &&
      http.cookieJar().cookiesForURL(`${base}/`).fromserver === undefined,
  });
  check(received(http.get(`${base}/echo`)), {
    "without params.jar: the VU jar's cookies": (c) =>
      c.local === undefined && same(c.session, ['abc']),
  });
  const [withLocal, withVu] = http.batch([
    ['GET', `${base}/echo`, null, { jar: local }],
    ['GET', `${base}/echo`],
  ]);
  check(null, {
    'http.batch: each request its own jar': () =>
      same(received(withLocal).local, ['yes']) &&
      received(withLocal).session === undefined &&
      same(received(withVu).session, ['abc']),
  });

  const url = `${base}/api/cookies`;
  const scratch = new http.CookieJar();
  scratch.set(url, 'one', '1');
  scratch.set(url, 'two', '2');
  scratch.set(url, 'three', '3');
  scratch.delete(url, 'one');
  check(received(http.get(url, { jar: scratch })), {
    'delete(): that cookie only': (c) =>
      c.one === undefined && same(c.two, ['2']) && same(c.three, ['3']),
  });
  scratch.clear(url);
  check(scratch.cookiesForURL(url), {
    'clear(): every cookie for the URL': (c) => Object.keys(c).length === 0,
  });

  kept.set(`${base}/`, 'kept', 'yes');
}

export default function () {
  if (__ITER === 0) {
    group('cookies from the server', fromServer);
    group('CookieJar.set and delete', jarSet);
    group('request cookies', requestScoped);
    group('local jars', localJars);
    return;
  }
  group('next iteration', () => {
    const vuJar = http.cookieJar().cookiesForURL(`${base}/`);
    const sent = received(http.get(`${base}/echo`));
    if (keepJar)
      check(null, {
        'noCookiesReset: the VU jar keeps its cookies': () =>
          same(vuJar.session, ['abc']) && same(sent.session, ['abc']),
      });
    else
      check(null, {
        'the VU jar starts empty': () =>
          Object.keys(vuJar).length === 0 && Object.keys(sent).length === 0,
      });
    check(kept, {
      "a script's own jar keeps its cookies": (j) =>
        same(j.cookiesForURL(`${base}/`).kept, ['yes']),
    });
  });
}
