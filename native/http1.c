/*
 * Blocking HTTP/1.1 for the built-in engine's VU threads.
 *
 * A k6 script calls http.get() synchronously. Without this addon a VU thread
 * must hand every request to the main thread and sleep until it answers:
 * four thread wake-ups per request. With it, the VU thread does what a k6 VU
 * (a goroutine) does: it writes the request on its own keep-alive socket and
 * blocks in read() until the response is there; the kernel wakes it once.
 *
 * Scope, kept small on purpose: plain http:// only (https goes through the
 * main thread's undici), one request per call, connection pooling and
 * redirects and cookies in JavaScript (engine/vu/native-transport.ts). Here:
 * connect, write, read, and frame the response (status line, headers,
 * Content-Length / chunked / until-close bodies, 1xx skipped).
 *
 * Blocking calls wake every SLICE_MS to honour the request timeout and the
 * VU's stop flags (a hard stop interrupts a request in flight, as in k6).
 */
#define NAPI_VERSION 8
#include <node_api.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLICE_MS 50
#define MAX_HEAD (64 * 1024)

/* Per thread (per VU) state: the receive buffer and the stop flags to watch. */
typedef struct {
  char *buf;
  size_t cap;
  char *out; /* de-chunked body */
  size_t out_cap;
  int32_t *stop; /* VU control word: 2 = hard stop */
  int32_t *aborted; /* run-wide: non-zero = test.abort() or fatal */
  napi_ref stop_ref, aborted_ref;
} vu_state;

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int stopped(const vu_state *s) {
  return (s->stop && __atomic_load_n(s->stop, __ATOMIC_SEQ_CST) == 2) ||
         (s->aborted && __atomic_load_n(s->aborted, __ATOMIC_SEQ_CST) != 0);
}

static int grow(char **p, size_t *cap, size_t need) {
  if (need <= *cap) return 0;
  size_t n = *cap ? *cap : 16384;
  while (n < need) n *= 2;
  char *q = realloc(*p, n);
  if (!q) return -1;
  *p = q;
  *cap = n;
  return 0;
}

/*
 * The largest body handed to a VU: just under V8's longest string. Past it
 * the request fails (EFBIG) rather than return a string that cannot exist.
 */
#define MAX_BODY ((size_t)512 * 1024 * 1024 - 64)
/* Buffers past this size after a response are given back (a big one is rare). */
#define KEEP_CAP ((size_t)1024 * 1024)
/* What a discarded body may take in memory at once before it is dropped. */
#define DISCARD_AT ((size_t)256 * 1024)

static void shrink(char **p, size_t *cap) {
  if (*cap <= KEEP_CAP) return;
  free(*p);
  *p = NULL;
  *cap = 0;
}

/* ---- errors ------------------------------------------------------------ */

/* Throws Error(message) with .code, the form engine/http-client.ts classifies. */
static napi_value fail(napi_env env, const char *code, const char *message) {
  napi_throw_error(env, code, message);
  return NULL;
}

static napi_value fail_errno(napi_env env, int err) {
  switch (err) {
    case ETIMEDOUT: return fail(env, "ETIMEDOUT", "request timeout");
    case ECANCELED: return fail(env, "EINTERRUPTED", "request interrupted");
    case ECONNREFUSED: return fail(env, "ECONNREFUSED", "connection refused");
    case ECONNRESET: return fail(env, "ECONNRESET", "connection reset by peer");
    case EPIPE: return fail(env, "EPIPE", "broken pipe");
    case EPROTO: return fail(env, "EPROTO", "malformed HTTP response");
    case ENOMEM: return fail(env, "ENOMEM", "out of memory");
    case ENODATA: return fail(env, "ECLOSED", "connection closed before the response");
    case EFBIG:
      return fail(env, "EFBIG",
                  "response body larger than 536870848 bytes, not kept "
                  "(use responseType: 'none' to only count it)");
    default: return fail(env, "EIO", strerror(err));
  }
}

/* ---- argument helpers --------------------------------------------------- */

static vu_state *state_of(napi_env env) {
  vu_state *s = NULL;
  napi_get_instance_data(env, (void **)&s);
  return s;
}

static void free_state(napi_env env, void *data, void *hint) {
  (void)hint;
  vu_state *s = data;
  if (s->stop_ref) napi_delete_reference(env, s->stop_ref);
  if (s->aborted_ref) napi_delete_reference(env, s->aborted_ref);
  free(s->buf);
  free(s->out);
  free(s);
}

static int32_t *int32_slot(napi_env env, napi_value array, uint32_t index, napi_ref *ref) {
  napi_typedarray_type type;
  size_t length;
  void *data;
  if (napi_get_typedarray_info(env, array, &type, &length, &data, NULL, NULL) != napi_ok ||
      type != napi_int32_array || index >= length)
    return NULL;
  napi_create_reference(env, array, 1, ref);
  return (int32_t *)data + index;
}

/* watch(ctrl: Int32Array, stopIndex, counters: Int32Array, abortedIndex) */
static napi_value js_watch(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  vu_state *s = state_of(env);
  uint32_t stop_index, aborted_index;
  if (argc < 4 || napi_get_value_uint32(env, argv[1], &stop_index) != napi_ok ||
      napi_get_value_uint32(env, argv[3], &aborted_index) != napi_ok)
    return fail(env, "EINVAL", "watch(ctrl, stopIndex, counters, abortedIndex)");
  if (s->stop_ref) napi_delete_reference(env, s->stop_ref);
  if (s->aborted_ref) napi_delete_reference(env, s->aborted_ref);
  s->stop_ref = s->aborted_ref = NULL;
  s->stop = int32_slot(env, argv[0], stop_index, &s->stop_ref);
  s->aborted = int32_slot(env, argv[2], aborted_index, &s->aborted_ref);
  if (!s->stop || !s->aborted) return fail(env, "EINVAL", "watch: Int32Array slots expected");
  return NULL;
}

/* ---- connect ------------------------------------------------------------ */

/* Waits until fd is ready for `events`, in slices; 0, or an errno. */
static int wait_fd(vu_state *s, int fd, short events, double deadline) {
  for (;;) {
    double left = deadline - now_ms();
    if (left <= 0) return ETIMEDOUT;
    struct pollfd p = {fd, events, 0};
    int r = poll(&p, 1, left < SLICE_MS ? (int)left + 1 : SLICE_MS);
    if (r > 0) return 0;
    if (r < 0 && errno != EINTR) return errno;
    if (stopped(s)) return ECANCELED;
  }
}

static int connect_one(vu_state *s, const struct addrinfo *ai, double deadline, int *out) {
  int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
  if (fd < 0) return errno;
  int err = 0;
  if (connect(fd, ai->ai_addr, ai->ai_addrlen) < 0) {
    if (errno != EINPROGRESS) err = errno;
    else if ((err = wait_fd(s, fd, POLLOUT, deadline)) == 0) {
      socklen_t len = sizeof err;
      getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    }
  }
  if (err) {
    close(fd);
    return err;
  }
  /* Blocking from now on, with reads and writes that return every SLICE_MS. */
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  struct timeval tv = {0, SLICE_MS * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  *out = fd;
  return 0;
}

/* connect(host: string, port: number, timeoutMs: number): fd */
static napi_value js_connect(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char host[256];
  size_t host_len;
  uint32_t port;
  double timeout;
  if (argc < 3 ||
      napi_get_value_string_utf8(env, argv[0], host, sizeof host, &host_len) != napi_ok ||
      napi_get_value_uint32(env, argv[1], &port) != napi_ok ||
      napi_get_value_double(env, argv[2], &timeout) != napi_ok)
    return fail(env, "EINVAL", "connect(host, port, timeoutMs)");
  double deadline = now_ms() + timeout;
  char service[8];
  snprintf(service, sizeof service, "%u", port);
  struct addrinfo hints = {0}, *list = NULL;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  int gai = getaddrinfo(host, service, &hints, &list);
  if (gai == EAI_AGAIN) return fail(env, "EAI_AGAIN", host);
  if (gai != 0) return fail(env, "ENOTFOUND", host);
  int fd = -1, err = ECONNREFUSED;
  /* Every address in turn, as Go's dialer does: localhost may be ::1 first. */
  for (struct addrinfo *ai = list; ai && fd < 0; ai = ai->ai_next) {
    err = connect_one(state_of(env), ai, deadline, &fd);
    if (err == ETIMEDOUT || err == ECANCELED) break;
  }
  freeaddrinfo(list);
  if (fd < 0) return fail_errno(env, err);
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

/* close(fd) */
static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc == 1 && napi_get_value_int32(env, argv[0], &fd) == napi_ok && fd >= 0) close(fd);
  return NULL;
}

/* ---- exchange ----------------------------------------------------------- */

/*
 * The deadline and the stop flags are checked before every send() and recv(), not only
 * when one times out: a peer that keeps the bytes moving (a slow reader, a body trickling
 * in faster than SLICE_MS) would otherwise hold the thread past both.
 */
static int write_all(vu_state *s, int fd, const char *p, size_t n, double deadline) {
  while (n) {
    if (now_ms() >= deadline) return ETIMEDOUT;
    if (stopped(s)) return ECANCELED;
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w > 0) {
      p += w;
      n -= (size_t)w;
      continue;
    }
    if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return errno;
  }
  return 0;
}

/* Reads more into s->buf; 0 on data, ENODATA on EOF, else an errno. */
static int read_more(vu_state *s, int fd, size_t *len, double deadline) {
  for (;;) {
    if (now_ms() >= deadline) return ETIMEDOUT;
    if (stopped(s)) return ECANCELED;
    if (grow(&s->buf, &s->cap, *len + 16384)) return ENOMEM;
    ssize_t r = recv(fd, s->buf + *len, s->cap - *len, 0);
    if (r > 0) {
      *len += (size_t)r;
      return 0;
    }
    if (r == 0) return ENODATA;
    if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return errno;
  }
}

static int header_is(const char *line, size_t n, const char *name) {
  size_t k = strlen(name);
  return n > k && line[k] == ':' && strncasecmp(line, name, k) == 0;
}

/* Case-insensitive search of token in [p, p+n). */
static int contains_token(const char *p, size_t n, const char *token) {
  size_t k = strlen(token);
  for (size_t i = 0; i + k <= n; i++)
    if (strncasecmp(p + i, token, k) == 0) return 1;
  return 0;
}

typedef struct {
  int status;
  size_t head_len;      /* status line + headers, without the blank line */
  size_t body_start;    /* offset of the body in s->buf */
  int chunked;
  long long content_length; /* -1: none */
  int keep_alive;
} head_info;

/* Parses a complete head in buf[0, end). 0 or EPROTO. */
static int parse_head(const char *buf, size_t end, head_info *h) {
  /* "HTTP/1.x NNN ..." */
  if (end < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || buf[8] != ' ') return EPROTO;
  int minor = buf[7] - '0';
  int status = 0;
  for (int i = 9; i < 12; i++) {
    if (buf[i] < '0' || buf[i] > '9') return EPROTO;
    status = status * 10 + (buf[i] - '0');
  }
  if (buf[12] != ' ' && buf[12] != '\r') return EPROTO; /* three digits, no more */
  h->status = status;
  h->chunked = 0;
  h->content_length = -1;
  h->keep_alive = minor >= 1;
  const char *p = memchr(buf, '\n', end);
  while (p && (size_t)(p - buf) + 1 < end) {
    const char *line = p + 1;
    const char *eol = memchr(line, '\n', end - (size_t)(line - buf));
    size_t n = (eol ? (size_t)(eol - line) : end - (size_t)(line - buf));
    if (n && line[n - 1] == '\r') n--;
    if (header_is(line, n, "content-length")) {
      long long v = 0;
      const char *q = line + 15;
      while (q < line + n && (*q == ' ' || *q == '\t')) q++;
      if (q == line + n) return EPROTO;
      for (; q < line + n && *q != ' ' && *q != '\t'; q++) {
        if (*q < '0' || *q > '9' || v > (1LL << 50)) return EPROTO;
        v = v * 10 + (*q - '0');
      }
      h->content_length = v;
    } else if (header_is(line, n, "transfer-encoding")) {
      if (contains_token(line + 18, n - 18, "chunked")) h->chunked = 1;
    } else if (header_is(line, n, "connection")) {
      if (contains_token(line + 11, n - 11, "close")) h->keep_alive = 0;
      else if (contains_token(line + 11, n - 11, "keep-alive")) h->keep_alive = 1;
    }
    p = eol;
  }
  return 0;
}

/* Finds "\r\n\r\n" in buf[from, len); offset of its first byte or -1. */
static long find_head_end(const char *buf, size_t from, size_t len) {
  for (size_t i = from; i + 3 < len; i++)
    if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n')
      return (long)i;
  return -1;
}

/*
 * De-chunks buf[*pos, len) into s->out as far as it can.
 * Returns 1 when the body is complete, 0 when it needs more bytes, or -errno.
 */
typedef struct {
  int phase; /* 0 size line, 1 data, 2 CRLF after data, 3 trailers */
  unsigned long long left;
} chunk_state;

static int dechunk(vu_state *s, size_t len, size_t *pos, size_t *out_len, chunk_state *c,
                   int keep) {
  const char *b = s->buf;
  for (;;) {
    if (c->phase == 0 || c->phase == 2 || c->phase == 3) {
      const char *eol = memchr(b + *pos, '\n', len - *pos);
      if (!eol) return len - *pos > 4096 ? -EPROTO : 0;
      const char *line = b + *pos;
      size_t n = (size_t)(eol - line);
      *pos = (size_t)(eol - b) + 1;
      if (c->phase == 2) {
        /* The CRLF that ends a chunk's data, nothing else: a longer chunk is a lie. */
        if (n > 1 || (n == 1 && line[0] != '\r')) return -EPROTO;
        c->phase = 0;
        continue;
      }
      if (c->phase == 3) {
        if (n == 0 || (n == 1 && line[0] == '\r')) return 1;
        continue; /* a trailer: ignored */
      }
      unsigned long long size = 0;
      size_t i = 0;
      for (; i < n; i++) {
        char ch = line[i];
        int d = ch >= '0' && ch <= '9' ? ch - '0'
                : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10
                : ch >= 'A' && ch <= 'F' ? ch - 'A' + 10
                : -1;
        if (d < 0) break;
        if (size > (1ULL << 50)) return -EPROTO;
        size = size * 16 + (unsigned)d;
      }
      if (i == 0) return -EPROTO;
      c->left = size;
      c->phase = size == 0 ? 3 : 1;
      continue;
    }
    size_t avail = len - *pos;
    if (!avail) return 0;
    size_t take = avail < c->left ? avail : (size_t)c->left;
    if (keep) {
      /* Never a body the VU cannot be handed: fail rather than truncate. */
      if (*out_len + take > MAX_BODY) return -EFBIG;
      if (grow(&s->out, &s->out_cap, *out_len + take)) return -ENOMEM;
      memcpy(s->out + *out_len, b + *pos, take);
    }
    *out_len += take;
    *pos += take;
    c->left -= take;
    if (!c->left) c->phase = 2;
  }
}

/*
 * exchange(fd, request: Uint8Array, isHead: boolean, timeoutMs: number, bodyMode: 0|1|2)
 *   → [status, head: string, body: string | ArrayBuffer | undefined, bytesReceived,
 *      keepAlive: boolean, sentMs, firstByteMs, endMs]
 * bodyMode: 0 discard, 1 UTF-8 text, 2 ArrayBuffer. Times are ms from the call.
 */
static napi_value js_exchange(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  vu_state *s = state_of(env);
  int32_t fd, body_mode;
  bool is_head;
  double timeout;
  void *req;
  size_t req_len;
  napi_typedarray_type type;
  if (argc < 5 || napi_get_value_int32(env, argv[0], &fd) != napi_ok ||
      napi_get_typedarray_info(env, argv[1], &type, &req_len, &req, NULL, NULL) != napi_ok ||
      type != napi_uint8_array || napi_get_value_bool(env, argv[2], &is_head) != napi_ok ||
      napi_get_value_double(env, argv[3], &timeout) != napi_ok ||
      napi_get_value_int32(env, argv[4], &body_mode) != napi_ok)
    return fail(env, "EINVAL", "exchange(fd, request, isHead, timeoutMs, bodyMode)");

  /* Left large by a response that failed part-way: given back before this one. */
  shrink(&s->buf, &s->cap);
  shrink(&s->out, &s->out_cap);
  double t0 = now_ms();
  double deadline = t0 + timeout;
  int err = write_all(s, fd, req, req_len, deadline);
  if (err) return fail_errno(env, err);
  double t_sent = now_ms();

  size_t len = 0, received = 0, scanned = 0;
  double t_first = 0;
  head_info h;
  long head_end;
  /* The head; 1xx interim responses (100 Continue) are skipped. */
  for (;;) {
    while ((head_end = find_head_end(s->buf, scanned, len)) < 0) {
      if (len > MAX_HEAD) return fail_errno(env, EPROTO);
      scanned = len > 3 ? len - 3 : 0;
      size_t before = len;
      err = read_more(s, fd, &len, deadline);
      if (err == ENODATA && received + len > 0) err = EPROTO;
      if (err) return fail_errno(env, err);
      if (!t_first) t_first = now_ms();
      (void)before;
    }
    if ((err = parse_head(s->buf, (size_t)head_end, &h))) return fail_errno(env, err);
    if (h.status >= 200 || h.status == 101) break;
    size_t consumed = (size_t)head_end + 4;
    received += consumed;
    memmove(s->buf, s->buf + consumed, len - consumed);
    len -= consumed;
    scanned = 0;
  }
  h.head_len = (size_t)head_end;
  h.body_start = (size_t)head_end + 4;

  /* The body. Discarded (bodyMode 0) it is counted and dropped as it comes, never held. */
  const int keep = body_mode != 0;
  const char *body = NULL;
  size_t body_len = 0;
  size_t dropped = 0; /* body bytes read and thrown away (bodyMode 0) */
  int no_body = is_head || h.status == 204 || h.status == 304 || h.status == 101;
  if (no_body) {
    body = s->buf + h.body_start;
    if (len != h.body_start) h.keep_alive = 0; /* bytes we cannot account for */
  } else if (h.chunked) {
    size_t pos = h.body_start, out_len = 0;
    chunk_state c = {0, 0};
    for (;;) {
      int r = dechunk(s, len, &pos, &out_len, &c, keep);
      if (r < 0) return fail_errno(env, -r);
      if (r == 1) break;
      /* Consumed input can go: keeps the buffer small on long bodies. */
      if (pos > h.body_start && pos == len) {
        received += len - h.body_start;
        len = h.body_start;
        pos = h.body_start;
      }
      err = read_more(s, fd, &len, deadline);
      if (err == ENODATA) err = EPROTO;
      if (err) return fail_errno(env, err);
    }
    received += pos - h.body_start;
    if (pos != len) h.keep_alive = 0;
    body = s->out;
    body_len = out_len;
  } else if (h.content_length >= 0) {
    if (keep && (unsigned long long)h.content_length > MAX_BODY) return fail_errno(env, EFBIG);
    size_t want = (size_t)h.content_length;
    while (dropped + (len - h.body_start) < want) {
      if (!keep && len - h.body_start >= DISCARD_AT) {
        dropped += len - h.body_start;
        len = h.body_start;
      }
      err = read_more(s, fd, &len, deadline);
      if (err == ENODATA) err = EPROTO;
      if (err) return fail_errno(env, err);
    }
    if (dropped + (len - h.body_start) != want) h.keep_alive = 0;
    body = s->buf + h.body_start;
    body_len = want;
  } else {
    /* No framing: the body runs until the server closes. */
    while ((err = read_more(s, fd, &len, deadline)) == 0) {
      if (len - h.body_start <= DISCARD_AT) continue;
      if (keep && len - h.body_start > MAX_BODY) return fail_errno(env, EFBIG);
      if (!keep) {
        dropped += len - h.body_start;
        len = h.body_start;
      }
    }
    if (err != ENODATA) return fail_errno(env, err);
    h.keep_alive = 0;
    body = s->buf + h.body_start;
    body_len = dropped + (len - h.body_start);
  }
  if (!h.chunked) received += no_body ? h.body_start : h.body_start + body_len;
  else received += h.body_start;
  double t_end = now_ms();
  if (!t_first) t_first = t_end;

  napi_value out, v;
  napi_create_array_with_length(env, 8, &out);
  napi_create_int32(env, h.status, &v);
  napi_set_element(env, out, 0, v);
  napi_create_string_latin1(env, s->buf, h.head_len, &v);
  napi_set_element(env, out, 1, v);
  /* Every allocation or conversion is checked: a failure is a request error, never a wrong body. */
  napi_status made = napi_ok;
  if (body_mode == 1) {
    made = napi_create_string_utf8(env, body_len ? body : "", body_len, &v);
  } else if (body_mode == 2) {
    void *data = NULL;
    made = napi_create_arraybuffer(env, body_len, &data, &v);
    if (made == napi_ok && body_len) memcpy(data, body, body_len);
  } else {
    napi_get_undefined(env, &v);
  }
  if (made != napi_ok) {
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value ignored;
      napi_get_and_clear_last_exception(env, &ignored);
    }
    shrink(&s->buf, &s->cap);
    shrink(&s->out, &s->out_cap);
    return fail(env, "ENOMEM", "response body could not be handed to the VU (out of memory)");
  }
  napi_set_element(env, out, 2, v);
  /* A large response's buffers go back: a VU keeps ~16 KiB, not its largest body, for life. */
  shrink(&s->buf, &s->cap);
  shrink(&s->out, &s->out_cap);
  napi_create_double(env, (double)received, &v);
  napi_set_element(env, out, 3, v);
  napi_get_boolean(env, h.keep_alive, &v);
  napi_set_element(env, out, 4, v);
  napi_create_double(env, t_sent - t0, &v);
  napi_set_element(env, out, 5, v);
  napi_create_double(env, t_first - t0, &v);
  napi_set_element(env, out, 6, v);
  napi_create_double(env, t_end - t0, &v);
  napi_set_element(env, out, 7, v);
  return out;
}

NAPI_MODULE_INIT(/* napi_env env, napi_value exports */) {
  vu_state *s = calloc(1, sizeof *s);
  if (!s) return NULL;
  napi_set_instance_data(env, s, free_state, NULL);
  napi_property_descriptor props[] = {
      {"connect", NULL, js_connect, NULL, NULL, NULL, napi_enumerable, NULL},
      {"exchange", NULL, js_exchange, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"watch", NULL, js_watch, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof *props, props);
  return exports;
}
