/*
 * revfile.c: the parser for revision files (see revfile.h for the format).
 *
 * The parser makes one pass over the buffer, line by line, with memchr to
 * find line ends and no regular expressions: a project can hold thousands of
 * revision files and every command reads all of them, so this loop is on the
 * path of every `retort` invocation.  Each line is checked for NUL bytes and
 * UTF-8 as it goes by; the header's keys and the two markers are recognised
 * with a few byte comparisons.  Strings are copied out once, at the end.
 *
 * Lines before the first marker form the header region.  Comment lines in it
 * are the doc; the keys are read from them; the comment lines before the
 * first key, up to the first empty line, are the message.  Blank lines may
 * stand in the region, anything else is an error.
 */
#include "revfile.h"

#include "util/buf.h"
#include "util/xalloc.h"

#include <openssl/evp.h>
#include <string.h>
#include <strings.h>

/* One line of the input, without its terminator ("\n" or "\r\n"). */
typedef struct line {
	const char *p;
	size_t len;
	unsigned no;
} line;

typedef struct cursor {
	const char *p, *end;
	unsigned no;
} cursor;

static bool next_line(cursor *c, line *l)
{
	if (c->p >= c->end)
		return false;
	const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
	const char *e = nl ? nl : c->end;
	l->p = c->p;
	l->len = (size_t)(e - c->p);
	if (l->len && l->p[l->len - 1] == '\r')
		l->len--;
	l->no = ++c->no;
	c->p = nl ? nl + 1 : c->end;
	return true;
}

static bool is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\f' || ch == '\v';
}

/*
 * Whether s[0..n) is well-formed UTF-8 without NUL bytes.  *nul is set when
 * the failure was a NUL.  ASCII, the common case, takes the first branch.
 */
static bool text_ok(const unsigned char *s, size_t n, bool *nul)
{
	size_t i = 0;
	*nul = false;
	while (i < n) {
		unsigned char c = s[i];
		if (c >= 0x01 && c < 0x80) {
			i++;
			continue;
		}
		if (c == 0) {
			*nul = true;
			return false;
		}
		size_t k;
		unsigned cp;
		if (c >= 0xc2 && c <= 0xdf) {
			k = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			k = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			k = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (n - i <= k)
			return false;
		for (size_t j = 1; j <= k; j++) {
			if ((s[i + j] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + j] & 0x3f);
		}
		/* overlong forms, surrogates and values past U+10FFFF */
		if ((k == 2 && cp < 0x800) || (k == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += k + 1;
	}
	return true;
}

/* --- Markers ------------------------------------------------------------ */

typedef enum mark { MARK_NONE, MARK_UP, MARK_DOWN, MARK_BAD } mark;

static bool word_eq(const char *p, size_t n, const char *w)
{
	return strlen(w) == n && !strncasecmp(p, w, n);
}

/* If l starts with "--" and blanks, the rest of it; else NULL. */
static const char *comment_body(const line *l, size_t *n)
{
	if (l->len < 2 || l->p[0] != '-' || l->p[1] != '-')
		return NULL;
	const char *p = l->p + 2, *e = l->p + l->len;
	while (p < e && is_blank(*p))
		p++;
	*n = (size_t)(e - p);
	return p;
}

/*
 * Classify l: "-- migrate:<word> [options]".  MARK_BAD is a line that
 * looks like a marker with an unknown word (a typo would otherwise turn a
 * section into a comment and lose it silently).  *opts gets the options.
 */
static mark marker_kind(const line *l, const char **opts, size_t *optlen)
{
	size_t n;
	const char *p = comment_body(l, &n);
	if (!p || n < 9 || strncasecmp(p, "migrate:", 8) != 0)
		return MARK_NONE;
	const char *w = p + 8, *e = p + n;
	const char *we = w;
	while (we < e && !is_blank(*we))
		we++;
	if (we == w)
		return MARK_NONE;
	*opts = we;
	*optlen = (size_t)(e - we);
	size_t wl = (size_t)(we - w);
	if (word_eq(w, wl, "upgrade") || word_eq(w, wl, "up"))
		return MARK_UP;
	if (word_eq(w, wl, "downgrade") || word_eq(w, wl, "down"))
		return MARK_DOWN;
	return MARK_BAD;
}

static int parse_marker_opts(rt_section *s, const char *p, size_t n, const char *path,
			     unsigned no, rt_err *err)
{
	const char *e = p + n;
	s->transactional = true;
	while (p < e) {
		while (p < e && is_blank(*p))
			p++;
		const char *w = p;
		while (p < e && !is_blank(*p))
			p++;
		size_t wl = (size_t)(p - w);
		if (!wl)
			break;
		if (word_eq(w, wl, "transaction:false"))
			s->transactional = false;
		else if (word_eq(w, wl, "transaction:true"))
			s->transactional = true;
		else
			return rt_error(err, RETORT_EPARSE, "%s:%u: unknown marker option '%.*s'",
					path, no, (int)(wl > 64 ? 64 : wl), w);
	}
	return 0;
}

/* --- Header keys --------------------------------------------------------- */

enum { KEY_ID, KEY_REVISES, KEY_DATE, KEY_LABELS, KEY_DEPENDS, NKEYS };

static const char *const key_names[NKEYS] = {
	"Revision ID", "Revises", "Create Date", "Branch Labels", "Depends On",
};

/* The key a comment body names ("Revision ID: x"), or -1; *val its value. */
static int header_key(const char *p, size_t n, const char **val, size_t *vlen)
{
	const char *colon = memchr(p, ':', n < 32 ? n : 32);
	if (!colon)
		return -1;
	const char *ke = colon;
	while (ke > p && is_blank(ke[-1]))
		ke--;
	for (int k = 0; k < NKEYS; k++) {
		if (!word_eq(p, (size_t)(ke - p), key_names[k]))
			continue;
		const char *v = colon + 1, *e = p + n;
		while (v < e && is_blank(*v))
			v++;
		while (e > v && is_blank(e[-1]))
			e--;
		*val = v;
		*vlen = (size_t)(e - v);
		return k;
	}
	return -1;
}

/* --- The parse ------------------------------------------------------------ */

typedef struct span {
	const char *p;
	size_t len;
	unsigned line;   /* 0: not seen */
} span;

typedef struct parse {
	const char *path;
	rt_err *err;
	rt_buf msg, doc;
	bool msg_done;        /* the message's paragraph has ended */
	bool any_key;
	unsigned last_comment;
	span keys[NKEYS];
	const char *sec_start[2];   /* where each section's text starts */
	const char *sec_end[2];
	unsigned marker_line[2];
	int open;                   /* the section being read, -1 before any */
	unsigned nlines;
} parse;

static void add_doc_line(parse *ps, const char *p, size_t n)
{
	/* Blank lines inside the header count as empty lines of the doc. */
	if (ps->doc.len || n)
		rt_buf_put(&ps->doc, "\n", ps->doc.len ? 1 : 0);
	rt_buf_put(&ps->doc, p, n);
}

static int header_comment(parse *ps, const line *l, const char *body, size_t n)
{
	const char *val;
	size_t vlen;
	/* the doc drops "--" and one space, keeping any further indentation */
	const char *d = l->p + 2, *de = l->p + l->len;
	if (d < de && *d == ' ')
		d++;
	while (de > d && is_blank(de[-1]))
		de--;
	add_doc_line(ps, d, (size_t)(de - d));
	ps->last_comment = l->no;

	int k = header_key(body, n, &val, &vlen);
	if (k < 0) {
		while (n && is_blank(body[n - 1]))
			n--;
		if (ps->any_key || ps->msg_done)
			return 0;
		if (!n) {
			ps->msg_done = ps->msg.len > 0;
			return 0;
		}
		if (ps->msg.len)
			rt_buf_putc(&ps->msg, ' ');
		rt_buf_put(&ps->msg, body, n);
		return 0;
	}
	ps->any_key = true;
	if (ps->keys[k].line)
		return rt_error(ps->err, RETORT_EPARSE,
				"%s:%u: duplicate '%s' header (first on line %u)", ps->path, l->no,
				key_names[k], ps->keys[k].line);
	ps->keys[k].p = val;
	ps->keys[k].len = vlen;
	ps->keys[k].line = l->no;
	return 0;
}

static int header_line(parse *ps, const line *l)
{
	size_t n = 0;
	const char *body = comment_body(l, &n);
	if (body)
		return header_comment(ps, l, body, n);
	size_t i = 0;
	while (i < l->len && is_blank(l->p[i]))
		i++;
	if (i < l->len) {
		/* an indented comment is still a comment */
		if (l->len - i >= 2 && l->p[i] == '-' && l->p[i + 1] == '-') {
			line sub = { l->p + i, l->len - i, l->no };
			body = comment_body(&sub, &n);
			return header_comment(ps, &sub, body, n);
		}
		return rt_error(ps->err, RETORT_EPARSE,
				"%s:%u: text before the first marker is not a comment", ps->path,
				l->no);
	}
	if (ps->msg.len)
		ps->msg_done = true;
	add_doc_line(ps, "", 0);
	return 0;
}

static const char *const marker_names[2] = { "-- migrate:upgrade", "-- migrate:downgrade" };

static int on_marker(parse *ps, rt_revfile *rf, mark m, const line *l, const cursor *c,
		     const char *opts, size_t optlen)
{
	if (m == MARK_BAD) {
		size_t n;
		const char *b = comment_body(l, &n);
		return rt_error(ps->err, RETORT_EPARSE, "%s:%u: unknown marker '%.*s'", ps->path,
				l->no, (int)(n > 64 ? 64 : n), b);
	}
	int s = m == MARK_UP ? 0 : 1;
	if (ps->marker_line[s])
		return rt_error(ps->err, RETORT_EPARSE,
				"%s:%u: duplicate '%s' marker (first on line %u)", ps->path, l->no,
				marker_names[s], ps->marker_line[s]);
	if (ps->open >= 0)
		ps->sec_end[ps->open] = l->p;
	ps->open = s;
	ps->marker_line[s] = l->no;
	ps->sec_start[s] = c->p;
	rt_section *sec = s == 0 ? &rf->upgrade : &rf->downgrade;
	sec->line = l->no + 1;
	return parse_marker_opts(sec, opts, optlen, ps->path, l->no, ps->err);
}

static int scan(parse *ps, rt_revfile *rf, const char *text, size_t len)
{
	cursor c = { text, text + len, 0 };
	line l;
	/* a UTF-8 byte order mark is not text */
	if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3))
		c.p += 3;
	while (next_line(&c, &l)) {
		bool nul;
		if (!text_ok((const unsigned char *)l.p, l.len, &nul))
			return rt_error(ps->err, RETORT_EPARSE, "%s:%u: %s", ps->path, l.no,
					nul ? "file contains a NUL byte"
					    : "file is not valid UTF-8");
		const char *opts = NULL;
		size_t optlen = 0;
		mark m = l.len >= 2 && l.p[0] == '-' ? marker_kind(&l, &opts, &optlen) : MARK_NONE;
		int rc;
		if (m != MARK_NONE)
			rc = on_marker(ps, rf, m, &l, &c, opts, optlen);
		else if (ps->open < 0)
			rc = header_line(ps, &l);
		else
			rc = 0;
		if (rc)
			return rc;
	}
	if (ps->open >= 0)
		ps->sec_end[ps->open] = c.end;
	ps->nlines = c.no;
	return 0;
}

/* Copy a section's text, turning CRLF into LF. */
static char *copy_section(const char *p, const char *e)
{
	rt_buf b = RT_BUF_INIT;
	rt_buf_grow(&b, (size_t)(e - p));
	while (p < e) {
		const char *cr = memchr(p, '\r', (size_t)(e - p));
		if (!cr) {
			rt_buf_put(&b, p, (size_t)(e - p));
			break;
		}
		rt_buf_put(&b, p, (size_t)(cr - p));
		if (cr + 1 < e && cr[1] == '\n') {
			/* dropped */
		} else {
			rt_buf_putc(&b, '\r');
		}
		p = cr + 1;
	}
	return rt_buf_detach(&b);
}

static int check_id(parse *ps, rt_revfile *rf)
{
	span *id = &ps->keys[KEY_ID];
	if (!id->line)
		return rt_error(ps->err, RETORT_EPARSE, "%s:%u: no 'Revision ID' header", ps->path,
				ps->last_comment ? ps->last_comment : 1);
	if (!id->len)
		return rt_error(ps->err, RETORT_EPARSE, "%s:%u: empty 'Revision ID'", ps->path,
				id->line);
	rf->id = rt_xstrndup(id->p, id->len);
	rt_err e;
	if (!rt_revid_valid(rf->id, &e))
		return rt_error(ps->err, RETORT_EPARSE, "%s:%u: %s", ps->path, id->line, e.msg);
	return 0;
}

static void split_key(rt_strvec *out, const span *s)
{
	if (!s->len)
		return;
	char *v = rt_xstrndup(s->p, s->len);
	rt_strvec_split(out, v, ",");
	free(v);
}

static int finish(parse *ps, rt_revfile *rf)
{
	/* what is missing is reported at the last line of the file */
	unsigned nlines = ps->nlines ? ps->nlines : 1;
	int rc = check_id(ps, rf);
	if (rc)
		return rc;
	for (int s = 0; s < 2; s++)
		if (!ps->marker_line[s])
			return rt_error(ps->err, RETORT_EPARSE, "%s:%u: missing '%s' marker",
					ps->path, nlines, marker_names[s]);
	rf->upgrade.sql = copy_section(ps->sec_start[0], ps->sec_end[0]);
	rf->downgrade.sql = copy_section(ps->sec_start[1], ps->sec_end[1]);
	split_key(&rf->revises, &ps->keys[KEY_REVISES]);
	split_key(&rf->depends_on, &ps->keys[KEY_DEPENDS]);
	split_key(&rf->branch_labels, &ps->keys[KEY_LABELS]);
	rf->create_date = rt_xstrndup(ps->keys[KEY_DATE].p ? ps->keys[KEY_DATE].p : "",
				      ps->keys[KEY_DATE].len);
	rf->id_line = ps->keys[KEY_ID].line;
	rf->revises_line = ps->keys[KEY_REVISES].line;
	rf->depends_on_line = ps->keys[KEY_DEPENDS].line;
	rt_buf_rtrim(&ps->doc);
	rt_buf_rtrim(&ps->msg);
	rf->message = rt_buf_detach(&ps->msg);
	rf->doc = rt_buf_detach(&ps->doc);
	return 0;
}

int rt_revfile_parse(rt_revfile *rf, const char *path, const char *text, size_t len,
		     rt_err *err)
{
	parse ps;
	memset(&ps, 0, sizeof(ps));
	memset(rf, 0, sizeof(*rf));
	ps.path = path;
	ps.err = err;
	ps.open = -1;
	rt_buf_init(&ps.msg);
	rt_buf_init(&ps.doc);
	rf->path = rt_xstrdup(path);
	rf->upgrade.transactional = rf->downgrade.transactional = true;

	int rc = scan(&ps, rf, text, len);
	if (!rc)
		rc = finish(&ps, rf);
	rt_buf_free(&ps.msg);
	rt_buf_free(&ps.doc);
	if (rc)
		rt_revfile_free(rf);
	return rc;
}

void rt_revfile_free(rt_revfile *rf)
{
	free(rf->path);
	free(rf->id);
	free(rf->message);
	free(rf->doc);
	free(rf->create_date);
	rt_strvec_free(&rf->revises);
	rt_strvec_free(&rf->depends_on);
	rt_strvec_free(&rf->branch_labels);
	free(rf->upgrade.sql);
	free(rf->downgrade.sql);
	memset(rf, 0, sizeof(*rf));
}

/*
 * Revision ids go into the version table (VARCHAR(32)) and into revision
 * arguments, where '@' '+' '-' ':' have meanings (label@rev, head-1, A:B)
 * and ',' separates ids in Revises; blanks and control characters would not
 * survive a round trip through a header line.
 */
bool rt_revid_valid(const char *id, rt_err *err)
{
	size_t chars = 0;
	if (!*id) {
		rt_error(err, RETORT_EPARSE, "empty revision id");
		return false;
	}
	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		if (strchr("@-+:,", *p)) {
			rt_error(err, RETORT_EPARSE, "revision id '%.40s' contains '%c'", id, *p);
			return false;
		}
		if (*p == ' ' || *p == '\t') {
			rt_error(err, RETORT_EPARSE, "revision id '%.40s' contains a blank", id);
			return false;
		}
		if (*p < 0x20 || *p == 0x7f) {
			rt_error(err, RETORT_EPARSE,
				 "revision id contains a control character (0x%02x)", *p);
			return false;
		}
		if ((*p & 0xc0) != 0x80)
			chars++;
	}
	if (chars > 32) {
		rt_error(err, RETORT_EPARSE,
			 "revision id '%.40s...' is longer than 32 characters", id);
		return false;
	}
	return true;
}

/*
 * The digest is fed in runs between carriage returns, so normalising the
 * line endings needs no copy of the text.
 */
char *rt_section_checksum(const char *sql)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (!ctx)
		return NULL;
	int ok = EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	const char *p = sql;
	while (ok && *p) {
		size_t n = strcspn(p, "\r");
		ok = EVP_DigestUpdate(ctx, p, n);
		p += n;
		if (*p == '\r') {
			p++;
			if (*p != '\n')
				ok = ok && EVP_DigestUpdate(ctx, "\n", 1);
		}
	}
	ok = ok && EVP_DigestFinal_ex(ctx, md, &mdlen);
	EVP_MD_CTX_free(ctx);
	if (!ok)
		return NULL;
	rt_buf b = RT_BUF_INIT;
	rt_buf_puts(&b, "sha256:");
	for (unsigned i = 0; i < mdlen; i++) {
		rt_buf_putc(&b, hex[md[i] >> 4]);
		rt_buf_putc(&b, hex[md[i] & 15]);
	}
	return rt_buf_detach(&b);
}
