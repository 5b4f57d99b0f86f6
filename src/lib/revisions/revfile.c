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
#include <stdint.h>
#include <string.h>

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

/*
 * Whether p[0..n) is w, ASCII letters in any case.  Not strncasecmp: the
 * keys are ASCII, and this runs on every header line of every file, where
 * the locale-aware call showed in profiles.
 */
static bool ascii_ieq(const char *p, const char *w, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char a = (unsigned char)p[i], b = (unsigned char)w[i];
		if (a >= 'A' && a <= 'Z')
			a = (unsigned char)(a - 'A' + 'a');
		if (b >= 'A' && b <= 'Z')
			b = (unsigned char)(b - 'A' + 'a');
		if (a != b)
			return false;
	}
	return true;
}

static bool word_eq(const char *p, size_t n, const char *w)
{
	return strlen(w) == n && ascii_ieq(p, w, n);
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
	if (!p || n < 9 || !ascii_ieq(p, "migrate:", 8))
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
			return rt_error_at(err, RETORT_EPARSE, path, no,
					   "unknown marker option '%.*s'",
					   (int)(wl > 64 ? 64 : wl), w);
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
		return rt_error_at(ps->err, RETORT_EPARSE, ps->path, l->no,
				   "duplicate '%s' header (first on line %u)",
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
		return rt_error_at(ps->err, RETORT_EPARSE, ps->path, l->no,
				   "text before the first marker is not a comment");
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
		return rt_error_at(ps->err, RETORT_EPARSE, ps->path, l->no,
				   "unknown marker '%.*s'", (int)(n > 64 ? 64 : n), b);
	}
	int s = m == MARK_UP ? 0 : 1;
	if (ps->marker_line[s])
		return rt_error_at(ps->err, RETORT_EPARSE, ps->path, l->no,
				   "duplicate '%s' marker (first on line %u)",
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
			return rt_error_at(ps->err, RETORT_EPARSE, ps->path, l.no, "%s",
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

/*
 * Every string of a parsed file lives in one block (rf->mem): a project of
 * ten thousand revisions is ten thousand allocations, not a hundred
 * thousand, and its memory is about the size of its files.  The strings are
 * gathered in a buffer first, as offsets, then copied behind the three
 * lists' pointer arrays.
 */
typedef struct gather {
	rt_buf b;             /* the strings, each NUL-terminated */
	size_t *items;        /* offsets of the lists' items, list after list */
	size_t nitems, cap;
} gather;

static size_t put_str(gather *g, const char *p, size_t n)
{
	size_t off = g->b.len;
	rt_buf_put(&g->b, p, n);
	rt_buf_putc(&g->b, '\0');
	return off;
}

/* A section's text, CRLF turned into LF. */
static size_t put_section(gather *g, const char *p, const char *e)
{
	size_t off = g->b.len;
	rt_buf_grow(&g->b, (size_t)(e - p) + 1);
	while (p < e) {
		const char *cr = memchr(p, '\r', (size_t)(e - p));
		if (!cr) {
			rt_buf_put(&g->b, p, (size_t)(e - p));
			break;
		}
		rt_buf_put(&g->b, p, (size_t)(cr - p));
		if (!(cr + 1 < e && cr[1] == '\n'))
			rt_buf_putc(&g->b, '\r');
		p = cr + 1;
	}
	rt_buf_putc(&g->b, '\0');
	return off;
}

static bool list_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* A comma-separated value's items, trimmed, empty ones dropped; how many. */
static size_t put_list(gather *g, const span *s)
{
	const char *p = s->len ? s->p : "", *end = p + s->len;
	size_t n = 0;
	while (p < end) {
		const char *c = memchr(p, ',', (size_t)(end - p));
		const char *b = p, *e = c ? c : end;
		while (b < e && list_blank(*b))
			b++;
		while (e > b && list_blank(e[-1]))
			e--;
		if (e > b) {
			RT_ARRAY_GROW(g->items, g->nitems, g->cap);
			g->items[g->nitems++] = put_str(g, b, (size_t)(e - b));
			n++;
		}
		p = c ? c + 1 : end;
	}
	return n;
}

/* Point list at its n items, which start at item k; the array at *slot. */
static void set_list(rt_strvec *list, char ***slot, char *strings, const gather *g, size_t k,
		     size_t n)
{
	list->len = n;
	list->cap = 0;
	list->v = NULL;
	if (!n)
		return;
	list->v = *slot;
	for (size_t i = 0; i < n; i++)
		list->v[i] = strings + g->items[k + i];
	list->v[n] = NULL;
	*slot += n + 1;
}

static int check_id(parse *ps)
{
	span *id = &ps->keys[KEY_ID];
	if (!id->line)
		return rt_error_at(ps->err, RETORT_EPARSE, ps->path, ps->last_comment ? ps->last_comment : 1,
				   "no 'Revision ID' header");
	if (!id->len)
		return rt_error_at(ps->err, RETORT_EPARSE, ps->path, id->line,
				   "empty 'Revision ID'");
	char *v = rt_xstrndup(id->p, id->len);
	rt_err e;
	bool ok = rt_revid_valid(v, &e);
	free(v);
	if (!ok)
		return rt_error_at(ps->err, RETORT_EPARSE, ps->path, id->line, "%s", e.msg);
	return 0;
}

static int finish(parse *ps, rt_revfile *rf)
{
	/* what is missing is reported at the last line of the file */
	unsigned nlines = ps->nlines ? ps->nlines : 1;
	int rc = check_id(ps);
	if (rc)
		return rc;
	for (int s = 0; s < 2; s++)
		if (!ps->marker_line[s])
			return rt_error_at(ps->err, RETORT_EPARSE, ps->path, nlines,
					   "missing '%s' marker", marker_names[s]);
	rt_buf_rtrim(&ps->doc);
	rt_buf_rtrim(&ps->msg);

	gather g = { RT_BUF_INIT, NULL, 0, 0 };
	size_t o_path = put_str(&g, ps->path, strlen(ps->path));
	size_t o_id = put_str(&g, ps->keys[KEY_ID].p, ps->keys[KEY_ID].len);
	size_t o_msg = put_str(&g, ps->msg.ptr, ps->msg.len);
	size_t o_doc = put_str(&g, ps->doc.ptr, ps->doc.len);
	size_t o_date = put_str(&g, ps->keys[KEY_DATE].len ? ps->keys[KEY_DATE].p : "",
				ps->keys[KEY_DATE].len);
	size_t o_up = put_section(&g, ps->sec_start[0], ps->sec_end[0]);
	size_t o_down = put_section(&g, ps->sec_start[1], ps->sec_end[1]);
	size_t nrev = put_list(&g, &ps->keys[KEY_REVISES]);
	size_t ndep = put_list(&g, &ps->keys[KEY_DEPENDS]);
	size_t nlab = put_list(&g, &ps->keys[KEY_LABELS]);

	size_t nptr = (nrev ? nrev + 1 : 0) + (ndep ? ndep + 1 : 0) + (nlab ? nlab + 1 : 0);
	rf->mem = rt_xmalloc(nptr * sizeof(char *) + g.b.len);
	char **slot = (char **)rf->mem;
	char *str = rf->mem + nptr * sizeof(char *);
	memcpy(str, g.b.ptr, g.b.len);
	rf->path = str + o_path;
	rf->id = str + o_id;
	rf->message = str + o_msg;
	rf->doc = str + o_doc;
	rf->create_date = str + o_date;
	rf->upgrade.sql = str + o_up;
	rf->downgrade.sql = str + o_down;
	set_list(&rf->revises, &slot, str, &g, 0, nrev);
	set_list(&rf->depends_on, &slot, str, &g, nrev, ndep);
	set_list(&rf->branch_labels, &slot, str, &g, nrev + ndep, nlab);
	rf->id_line = ps->keys[KEY_ID].line;
	rf->revises_line = ps->keys[KEY_REVISES].line;
	rf->depends_on_line = ps->keys[KEY_DEPENDS].line;
	rt_buf_free(&g.b);
	free(g.items);
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
	free(rf->twin);
	if (rf->mem) {
		free(rf->mem);
	} else {
		/* a revfile built by hand (tests, revpy.c) owns each string */
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
	}
	memset(rf, 0, sizeof(*rf));
}

static void put_header_list(rt_buf *b, const char *key, const rt_strvec *v)
{
	rt_buf_printf(b, "-- %s: ", key);
	for (size_t i = 0; i < v->len; i++)
		rt_buf_printf(b, "%s%s", i ? ", " : "", v->v[i]);
	rt_buf_putc(b, '\n');
}

void rt_revfile_header(rt_buf *b, const rt_revfile *rf)
{
	const char *m = *rf->message ? rf->message : "(no message)";
	for (const char *l = m; l;) {
		const char *nl = strchr(l, '\n');
		rt_buf_puts(b, "-- ");
		rt_buf_put(b, l, nl ? (size_t)(nl - l) : strlen(l));
		rt_buf_putc(b, '\n');
		l = nl ? nl + 1 : NULL;
	}
	rt_buf_printf(b, "--\n-- Revision ID: %s\n", rf->id);
	put_header_list(b, "Revises", &rf->revises);
	rt_buf_printf(b, "-- Create Date: %s\n", rf->create_date);
	put_header_list(b, "Branch Labels", &rf->branch_labels);
	put_header_list(b, "Depends On", &rf->depends_on);
}

/* --- The packed form (the header cache) ------------------------------------ */

/*
 * A parsed file as bytes, for the cache (revcache.c), without its path:
 *   uint32 fields[PACK_FIELDS]: nrev, ndep, nlab, the three key lines, the
 *          two section lines, the two sections' transactional flags, the
 *          python flag, then
 *          the offsets (in the strings that follow) of id, message, doc,
 *          create_date, the two sections and every list item;
 *   the strings, each NUL-terminated.
 * Native byte order: a cache never leaves the machine that wrote it.
 */
enum { P_NREV, P_NDEP, P_NLAB, P_IDL, P_REVL, P_DEPL, P_UPL, P_DOWNL, P_UPT, P_DOWNT, P_PY,
       P_ID, P_MSG, P_DOC, P_DATE, P_UP, P_DOWN, PACK_FIELDS };

static void pack_u32(rt_buf *b, uint32_t v)
{
	rt_buf_put(b, (const char *)&v, sizeof(v));
}

void rt_revfile_pack(const rt_revfile *rf, rt_buf *out)
{
	const char *const str[] = { rf->id, rf->message, rf->doc, rf->create_date,
				    rf->upgrade.sql, rf->downgrade.sql };
	const rt_strvec *lists[] = { &rf->revises, &rf->depends_on, &rf->branch_labels };
	uint32_t head[PACK_FIELDS] = { (uint32_t)rf->revises.len, (uint32_t)rf->depends_on.len,
				       (uint32_t)rf->branch_labels.len, rf->id_line,
				       rf->revises_line, rf->depends_on_line, rf->upgrade.line,
				       rf->downgrade.line, rf->upgrade.transactional,
				       rf->downgrade.transactional, rf->python };
	rt_buf strings = RT_BUF_INIT, items = RT_BUF_INIT;
	for (int i = 0; i < 6; i++) {
		head[P_ID + i] = (uint32_t)strings.len;
		rt_buf_put(&strings, str[i], strlen(str[i]) + 1);
	}
	for (int l = 0; l < 3; l++)
		for (size_t i = 0; i < lists[l]->len; i++) {
			pack_u32(&items, (uint32_t)strings.len);
			rt_buf_put(&strings, lists[l]->v[i], strlen(lists[l]->v[i]) + 1);
		}
	for (int i = 0; i < PACK_FIELDS; i++)
		pack_u32(out, head[i]);
	rt_buf_put(out, items.ptr, items.len);
	rt_buf_put(out, strings.ptr, strings.len);
	rt_buf_free(&strings);
	rt_buf_free(&items);
}

static bool unpack_str(const char *strs, size_t len, uint32_t off)
{
	return off < len && memchr(strs + off, '\0', len - off);
}

int rt_revfile_unpack(rt_revfile *rf, const char *path, const char *data, size_t len)
{
	uint32_t head[PACK_FIELDS];
	memset(rf, 0, sizeof(*rf));
	if (len < sizeof(head))
		return -1;
	memcpy(head, data, sizeof(head));
	size_t nitems = (size_t)head[P_NREV] + head[P_NDEP] + head[P_NLAB];
	if (nitems > len / 4 || sizeof(head) + nitems * 4 > len)
		return -1;
	const char *items = data + sizeof(head), *strs = items + nitems * 4;
	size_t slen = len - sizeof(head) - nitems * 4;
	for (int i = P_ID; i <= P_DOWN; i++)
		if (!unpack_str(strs, slen, head[i]))
			return -1;
	if (!rt_revid_valid(strs + head[P_ID], NULL))
		return -1;
	uint32_t *offs = rt_xcalloc(nitems ? nitems : 1, sizeof(uint32_t));
	memcpy(offs, items, nitems * 4);
	for (size_t i = 0; i < nitems; i++)
		if (!unpack_str(strs, slen, offs[i]) || !strs[offs[i]]) {
			free(offs);
			return -1;
		}

	size_t plen = strlen(path) + 1;
	size_t nptr = (head[P_NREV] ? head[P_NREV] + 1 : 0) + (head[P_NDEP] ? head[P_NDEP] + 1 : 0) +
		      (head[P_NLAB] ? head[P_NLAB] + 1 : 0);
	rf->mem = rt_xmalloc(nptr * sizeof(char *) + plen + slen);
	char **slot = (char **)rf->mem;
	char *p = rf->mem + nptr * sizeof(char *), *str = p + plen;
	memcpy(p, path, plen);
	memcpy(str, strs, slen);
	rf->path = p;
	rf->id = str + head[P_ID];
	rf->message = str + head[P_MSG];
	rf->doc = str + head[P_DOC];
	rf->create_date = str + head[P_DATE];
	rf->upgrade.sql = str + head[P_UP];
	rf->downgrade.sql = str + head[P_DOWN];
	rf->upgrade.line = head[P_UPL];
	rf->downgrade.line = head[P_DOWNL];
	rf->upgrade.transactional = head[P_UPT] != 0;
	rf->downgrade.transactional = head[P_DOWNT] != 0;
	rf->python = head[P_PY] != 0;
	rf->id_line = head[P_IDL];
	rf->revises_line = head[P_REVL];
	rf->depends_on_line = head[P_DEPL];
	rt_strvec *lists[] = { &rf->revises, &rf->depends_on, &rf->branch_labels };
	size_t k = 0;
	for (int l = 0; l < 3; l++) {
		size_t n = head[P_NREV + l];
		lists[l]->len = n;
		if (!n)
			continue;
		lists[l]->v = slot;
		for (size_t i = 0; i < n; i++)
			slot[i] = str + offs[k++];
		slot[n] = NULL;
		slot += n + 1;
	}
	free(offs);
	return 0;
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
	/* the names of revspec.c's keywords would always mean the keyword */
	static const char *const reserved[] = { "head", "heads", "base", "current" };
	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++)
		if (!strcmp(id, reserved[i])) {
			rt_error(err, RETORT_EPARSE,
				 "'%s' is a reserved name, not a revision id", id);
			return false;
		}
	for (const unsigned char *p = (const unsigned char *)id; *p; p++) {
		if (*p == '/' || *p == '\\') {
			rt_error(err, RETORT_EPARSE,
				 "revision id '%.40s' contains '%c' (ids name files)", id, *p);
			return false;
		}
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
