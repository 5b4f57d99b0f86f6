/*
 * template.c: what a new revision file is made of: the expanded template,
 * its file name, its slug, its Create Date and its random id.
 *
 * Each piece follows Alembic 1.8's ScriptDirectory (script/base.py) so that
 * a team that switches sees the same names and dates: the slug is
 * "_".join(re.findall(r"\w+", message)).lower() cut by _rev_path's rule, the
 * file name is `file_template % {...}` and the date is str(datetime).
 */
#include "template.h"

#include "util/fs.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

const char rt_default_template[] =
	"-- ${message}\n"
	"--\n"
	"-- Revision ID: ${up_revision}\n"
	"-- Revises: ${down_revision}\n"
	"-- Create Date: ${create_date}\n"
	"-- Branch Labels: ${branch_labels}\n"
	"-- Depends On: ${depends_on}\n"
	"\n"
	"-- migrate:upgrade\n"
	"${upgrades}\n"
	"\n"
	"-- migrate:downgrade\n"
	"${downgrades}\n";

/* --- ${name} expansion -------------------------------------------------- */

static const char *find_var(const rt_tmpl_var *vars, size_t nvars, const char *name)
{
	for (size_t i = 0; i < nvars; i++)
		if (!strcmp(vars[i].name, name))
			return vars[i].value;
	return NULL;
}

/*
 * "$$" is a "$"; "${name}" is a value; any other "$" stands for itself, as
 * in Mako, so SQL such as PostgreSQL's $1 or $tag$ quoting passes through.
 */
int rt_template_expand(rt_buf *out, const char *tmpl, const char *tmpl_name,
		       const rt_tmpl_var *vars, size_t nvars, rt_tmpl_lookup_fn lookup,
		       void *data, rt_err *err)
{
	unsigned line = 1;
	const char *p = tmpl;
	while (*p) {
		size_t n = strcspn(p, "$\n");
		rt_buf_put(out, p, n);
		p += n;
		if (*p == '\n') {
			rt_buf_putc(out, '\n');
			line++;
			p++;
			continue;
		}
		if (!*p)
			break;
		if (p[1] == '$') {
			rt_buf_putc(out, '$');
			p += 2;
			continue;
		}
		if (p[1] != '{') {
			rt_buf_putc(out, '$');
			p++;
			continue;
		}
		const char *name = p + 2;
		size_t nl = strcspn(name, "}\n");
		if (name[nl] != '}')
			return rt_error_at(err, RETORT_EPARSE, tmpl_name, line,
					   "unterminated placeholder '${'");
		char *key = rt_xstrndup(name, nl);
		const char *val = find_var(vars, nvars, key);
		if (!val && lookup)
			val = lookup(data, key);
		if (!val) {
			int rc = rt_error_at(err, RETORT_EPARSE, tmpl_name, line,
					     "unknown placeholder '${%.64s}'", key);
			free(key);
			return rc;
		}
		free(key);
		rt_buf_puts(out, val);
		p = name + nl + 1;
	}
	return 0;
}

/* --- The slug --------------------------------------------------------------- */

/* Decode one UTF-8 sequence at *p (invalid bytes count as themselves). */
static unsigned next_cp(const unsigned char **p)
{
	const unsigned char *s = *p;
	unsigned c = s[0];
	int k = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : c >= 0xc0 ? 1 : 0;
	unsigned cp = k == 3 ? c & 7 : k == 2 ? c & 15 : k == 1 ? c & 31 : c;
	for (int i = 1; i <= k; i++) {
		if ((s[i] & 0xc0) != 0x80) {
			*p = s + 1;
			return c;
		}
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	*p = s + k + 1;
	return cp;
}

static void put_cp(rt_buf *b, unsigned cp)
{
	if (cp < 0x80) {
		rt_buf_putc(b, (char)cp);
	} else if (cp < 0x800) {
		rt_buf_putc(b, (char)(0xc0 | (cp >> 6)));
		rt_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		rt_buf_putc(b, (char)(0xe0 | (cp >> 12)));
		rt_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		rt_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	} else {
		rt_buf_putc(b, (char)(0xf0 | (cp >> 18)));
		rt_buf_putc(b, (char)(0x80 | ((cp >> 12) & 0x3f)));
		rt_buf_putc(b, (char)(0x80 | ((cp >> 6) & 0x3f)));
		rt_buf_putc(b, (char)(0x80 | (cp & 0x3f)));
	}
}

/*
 * Python's \w for a str pattern is Unicode-aware.  Without a Unicode table
 * we treat non-ASCII as word characters except the punctuation, symbol and
 * space blocks a commit message is likely to hold (dashes, quotes, arrows,
 * emoji, CJK punctuation).
 */
static bool is_word_cp(unsigned cp)
{
	if (cp < 0x80)
		return (cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
		       (cp >= 'A' && cp <= 'Z') || cp == '_';
	if (cp < 0xc0)
		return cp == 0xaa || cp == 0xb2 || cp == 0xb3 || cp == 0xb5 || cp == 0xb9 ||
		       cp == 0xba || (cp >= 0xbc && cp <= 0xbe);
	if (cp == 0xd7 || cp == 0xf7)
		return false;
	if ((cp >= 0x2000 && cp <= 0x206f) || (cp >= 0x20a0 && cp <= 0x20cf) ||
	    (cp >= 0x2190 && cp <= 0x2bff) || (cp >= 0x3000 && cp <= 0x3004) ||
	    (cp >= 0x3008 && cp <= 0x3020) || (cp >= 0xfe30 && cp <= 0xfe4f) ||
	    (cp >= 0xff01 && cp <= 0xff0f) || (cp >= 0xff1a && cp <= 0xff20) ||
	    (cp >= 0x1f000 && cp <= 0x1faff))
		return false;
	return true;
}

/* str.lower() for ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic. */
static unsigned lower_cp(unsigned cp)
{
	if (cp >= 'A' && cp <= 'Z')
		return cp + 32;
	if (cp < 0xc0)
		return cp;
	if (cp <= 0xde && cp != 0xd7)
		return cp + 32;
	if (cp >= 0x100 && cp <= 0x17f) {
		bool even_upper = (cp <= 0x137) || (cp >= 0x14a && cp <= 0x177);
		if (even_upper)
			return cp % 2 == 0 ? cp + 1 : cp;
		if (cp == 0x178)
			return 0xff;
		return cp % 2 == 1 && cp != 0x17f && cp != 0x149 && cp != 0x138 ? cp + 1 : cp;
	}
	if ((cp >= 0x391 && cp <= 0x3a9 && cp != 0x3a2) || (cp >= 0x410 && cp <= 0x42f))
		return cp + 32;
	if (cp >= 0x400 && cp <= 0x40f)
		return cp + 80;
	return cp;
}

void rt_slugify(rt_buf *out, const char *message, int truncate_slug_length)
{
	size_t start = out->len, chars = 0, cut = 0;
	size_t limit = truncate_slug_length > 0 ? (size_t)truncate_slug_length : 40;
	bool in_word = false;
	const unsigned char *p = (const unsigned char *)(message ? message : "");
	while (*p) {
		unsigned cp = next_cp(&p);
		if (!is_word_cp(cp)) {
			in_word = false;
			continue;
		}
		if (!in_word && out->len > start) {
			rt_buf_putc(out, '_');
			if (++chars == limit)
				cut = out->len;
		}
		in_word = true;
		put_cp(out, lower_cp(cp));
		if (++chars == limit)
			cut = out->len;
		if (chars > limit + 1)
			break; /* the rest would be cut off anyway */
	}
	if (chars <= limit)
		return;
	/* slug[:limit].rsplit("_", 1)[0] + "_" */
	rt_buf_truncate(out, cut);
	const char *s = out->ptr + start;
	for (const char *q = out->ptr + out->len; q > s; q--)
		if (q[-1] == '_') {
			rt_buf_truncate(out, (size_t)(q - 1 - out->ptr));
			break;
		}
	rt_buf_putc(out, '_');
}

/* --- Time ------------------------------------------------------------------ */

static bool zone_file_exists(const char *name)
{
	if (!*name || name[0] == '/' || strstr(name, ".."))
		return false;
	const char *dir = getenv("TZDIR");
	rt_buf path = RT_BUF_INIT;
	rt_buf_printf(&path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	struct stat st;
	bool ok = stat(path.ptr, &st) == 0 && S_ISREG(st.st_mode);
	rt_buf_free(&path);
	return ok;
}

/*
 * The zone name to give TZ for tz, or NULL when there is no such zone.
 * Alembic tries the name as given, then upper-cased ("utc" -> "UTC").
 */
static char *zone_name(const char *tz)
{
	if (zone_file_exists(tz))
		return rt_xstrdup(tz);
	char *up = rt_xstrdup(tz);
	for (char *q = up; *q; q++)
		if (*q >= 'a' && *q <= 'z')
			*q = (char)(*q - 32);
	if (zone_file_exists(up))
		return up;
	free(up);
	if (!strcasecmp(tz, "UTC") || !strcasecmp(tz, "GMT"))
		return rt_xstrdup("UTC0");
	return NULL;
}

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static int64_t be64(const unsigned char *p)
{
	return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

/*
 * The UTC offset and DST flag of zone file name (RFC 8536's TZif, the
 * 64-bit block where there is one) at t: the type of the last transition
 * at or before t, or before the first one the first standard-time type.
 * Debian's files list transitions to 2037; past the last one its type
 * holds (the footer's rule is not read).  false: no such file, or not one.
 */
static bool zone_offset(const char *name, time_t t, long *utoff, int *isdst)
{
	const char *dir = getenv("TZDIR");
	rt_buf path = RT_BUF_INIT, data = RT_BUF_INIT;
	rt_buf_printf(&path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
	bool ok = rt_readfile(&data, path.ptr) == 0 && data.len >= 44 &&
		  !memcmp(data.ptr, "TZif", 4);
	const unsigned char *p = (const unsigned char *)data.ptr, *end = p + data.len;
	int tsize = 4;
	for (int pass = 0; ok && pass < 2; pass++) {
		uint32_t isut = be32(p + 20), isstd = be32(p + 24), leap = be32(p + 28),
			 timecnt = be32(p + 32), typecnt = be32(p + 36), chars = be32(p + 40);
		size_t body = (size_t)timecnt * (size_t)tsize + timecnt + typecnt * 6u + chars +
			      leap * (size_t)(tsize + 4) + isstd + isut;
		if (typecnt == 0 || (size_t)(end - p) < 44 + body) {
			ok = false;
			break;
		}
		if (pass == 0 && p[4] >= '2' && (size_t)(end - p) >= 44 + body + 44) {
			p += 44 + body; /* the 64-bit block follows */
			tsize = 8;
			continue;
		}
		const unsigned char *times = p + 44, *idx = times + (size_t)timecnt * tsize;
		const unsigned char *types = idx + timecnt;
		uint32_t type = 0;
		for (uint32_t k = 0; k < typecnt; k++)
			if (!types[k * 6 + 4]) {
				type = k; /* before the first transition: standard time */
				break;
			}
		for (uint32_t k = 0; k < timecnt; k++) {
			int64_t at = tsize == 8 ? be64(times + 8 * k) : (int32_t)be32(times + 4 * k);
			if (at > (int64_t)t)
				break;
			type = idx[k] < typecnt ? idx[k] : type;
		}
		*utoff = (long)(int32_t)be32(types + type * 6);
		*isdst = types[type * 6 + 4];
		break;
	}
	rt_buf_free(&path);
	rt_buf_free(&data);
	return ok;
}

/*
 * Break t down in zone tz (NULL: local time), from the zone's own file:
 * no TZ is set, so this is safe in any thread.
 */
static int broken_down(struct tm *tm, time_t t, const char *tz, rt_err *err)
{
	if (!tz || !*tz) {
		localtime_r(&t, tm);
		return 0;
	}
	char *zone = zone_name(tz);
	if (!zone)
		return rt_error(err, RETORT_ECONFIG, "can't locate timezone: '%s'", tz);
	long off = 0;
	int dst = 0;
	if (strcmp(zone, "UTC0") && !zone_offset(zone, t, &off, &dst)) {
		free(zone);
		return rt_error(err, RETORT_ECONFIG, "can't read timezone: '%s'", tz);
	}
	time_t local = t + off;
	gmtime_r(&local, tm);
	tm->tm_isdst = dst;
	tm->tm_gmtoff = off;
	free(zone);
	return 0;
}

int rt_check_timezone(const char *tz, rt_err *err)
{
	if (!tz || !*tz)
		return 0;
	char *zone = zone_name(tz);
	if (!zone)
		return rt_error(err, RETORT_ECONFIG, "can't locate timezone: '%s'", tz);
	free(zone);
	return 0;
}

void rt_create_date(rt_buf *out, const struct timespec *when, const char *tz)
{
	struct tm tm;
	if (broken_down(&tm, when->tv_sec, tz, NULL) < 0)
		gmtime_r(&when->tv_sec, &tm); /* unknown zone: rt_file_name said so */
	rt_buf_printf(out, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		      tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
	long us = when->tv_nsec / 1000;
	if (us) /* str(datetime) leaves out a zero microsecond */
		rt_buf_printf(out, ".%06ld", us);
	if (!tz || !*tz)
		return;
	long off = tm.tm_gmtoff;
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	rt_buf_printf(out, "%c%02ld:%02ld", sign, off / 3600, off / 60 % 60);
	if (off % 60)
		rt_buf_printf(out, ":%02ld", off % 60);
}

/* --- file_template ----------------------------------------------------- */

/* One "%(name)<flags><width>.<prec><conv>" conversion. */
typedef struct conv {
	bool left, zero, plus, space;
	int width, prec; /* -1: none */
	char type;
} conv;

static void pad(rt_buf *out, int n, char c)
{
	for (; n > 0; n--)
		rt_buf_putc(out, c);
}

static size_t utf8_chars(const char *s, size_t n)
{
	size_t c = 0;
	for (size_t i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xc0) != 0x80;
	return c;
}

static void put_str(rt_buf *out, const conv *cv, const char *s)
{
	size_t n = strlen(s);
	if (cv->prec >= 0 && utf8_chars(s, n) > (size_t)cv->prec) {
		size_t c = 0, i = 0;
		for (; i < n; i++) {
			if (((unsigned char)s[i] & 0xc0) != 0x80 && c++ == (size_t)cv->prec)
				break;
		}
		n = i;
	}
	int padn = cv->width - (int)utf8_chars(s, n);
	if (!cv->left)
		pad(out, padn, ' ');
	rt_buf_put(out, s, n);
	if (cv->left)
		pad(out, padn, ' ');
}

static void put_int(rt_buf *out, const conv *cv, long long v)
{
	char digits[32];
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	int nd = snprintf(digits, sizeof(digits), "%llu", u);
	const char *sign = v < 0 ? "-" : cv->plus ? "+" : cv->space ? " " : "";
	int zeros = cv->prec > nd ? cv->prec - nd : 0;
	int len = (int)strlen(sign) + zeros + nd;
	if (cv->zero && !cv->left && cv->prec < 0 && cv->width > len) {
		zeros += cv->width - len;
		len = cv->width;
	}
	if (!cv->left)
		pad(out, cv->width - len, ' ');
	rt_buf_puts(out, sign);
	pad(out, zeros, '0');
	rt_buf_put(out, digits, (size_t)nd);
	if (cv->left)
		pad(out, cv->width - len, ' ');
}

static int read_num(const char **p)
{
	int n = 0;
	while (**p >= '0' && **p <= '9') {
		if (n < 1000)
			n = n * 10 + (**p - '0');
		(*p)++;
	}
	return n;
}

/* Parse the flags, width, precision and type after "%(name)". */
static bool parse_conv(conv *cv, const char **pp)
{
	const char *p = *pp;
	memset(cv, 0, sizeof(*cv));
	cv->prec = -1;
	for (;; p++) {
		if (*p == '-')
			cv->left = true;
		else if (*p == '0')
			cv->zero = true;
		else if (*p == '+')
			cv->plus = true;
		else if (*p == ' ')
			cv->space = true;
		else if (*p != '#')
			break;
	}
	cv->width = read_num(&p);
	if (*p == '.') {
		p++;
		cv->prec = read_num(&p);
	}
	if (*p == 'l' || *p == 'h' || *p == 'L')
		p++;
	if (!*p || !strchr("sdiu", *p))
		return false;
	cv->type = *p++;
	*pp = p;
	return true;
}

typedef struct tokens {
	const char *rev, *slug;
	long long epoch;
	struct tm tm;
} tokens;

static int put_token(rt_buf *out, const tokens *tk, const char *name, size_t n,
		     const conv *cv, const char *file_template, rt_err *err)
{
	static const char *const names[] = { "rev", "slug", "epoch", "year", "month",
					     "day", "hour", "minute", "second" };
	long long ints[] = { 0, 0, tk->epoch, tk->tm.tm_year + 1900, tk->tm.tm_mon + 1,
			     tk->tm.tm_mday, tk->tm.tm_hour, tk->tm.tm_min, tk->tm.tm_sec };
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++) {
		if (strlen(names[i]) != n || strncmp(names[i], name, n))
			continue;
		if (i < 2) {
			if (cv->type != 's')
				return rt_error(err, RETORT_ECONFIG,
						"file_template '%s': %%(%s)%c needs a number; use %%(%s)s",
						file_template, names[i], cv->type, names[i]);
			put_str(out, cv, i == 0 ? tk->rev : tk->slug);
		} else if (cv->type == 's') {
			rt_buf tmp = RT_BUF_INIT;
			conv plain = { .prec = -1, .type = 'd' };
			put_int(&tmp, &plain, ints[i]);
			put_str(out, cv, tmp.ptr);
			rt_buf_free(&tmp);
		} else {
			put_int(out, cv, ints[i]);
		}
		return 0;
	}
	return rt_error(err, RETORT_ECONFIG,
			"file_template '%s': unknown token '%%(%.*s)'; known: rev, slug, epoch, "
			"year, month, day, hour, minute, second",
			file_template, (int)(n > 64 ? 64 : n), name);
}

int rt_file_name(rt_buf *out, const char *file_template, const char *rev,
		 const char *message, int truncate_slug_length, time_t when, const char *tz,
		 rt_err *err)
{
	tokens tk = { rev, NULL, (long long)when, { 0 } };
	int rc = broken_down(&tk.tm, when, tz, err);
	if (rc)
		return rc;
	rt_buf slug = RT_BUF_INIT;
	rt_slugify(&slug, message, truncate_slug_length);
	tk.slug = slug.ptr;
	for (const char *p = file_template; *p && !rc;) {
		size_t n = strcspn(p, "%");
		rt_buf_put(out, p, n);
		p += n;
		if (!*p)
			break;
		if (p[1] == '%') {
			rt_buf_putc(out, '%');
			p += 2;
			continue;
		}
		const char *close = p[1] == '(' ? strchr(p + 2, ')') : NULL;
		conv cv;
		const char *after = close ? close + 1 : NULL;
		if (!close || !parse_conv(&cv, &after)) {
			rc = rt_error(err, RETORT_ECONFIG,
				      "file_template '%s': bad format at '%.20s'; use %%(token)s",
				      file_template, p);
			break;
		}
		rc = put_token(out, &tk, p + 2, (size_t)(close - p - 2), &cv, file_template, err);
		p = after;
	}
	rt_buf_free(&slug);
	return rc;
}

/* --- Revision ids ---------------------------------------------------------- */

static int random_bytes(unsigned char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = getrandom(buf + got, n - got, 0);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		got += (size_t)r;
	}
	if (got == n)
		return 0;
	/* kernels before 3.17, or a seccomp filter: fall back to the device */
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	got = 0;
	while (got < n) {
		ssize_t r = read(fd, buf + got, n - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	return got == n ? 0 : -1;
}

int rt_new_rev_id(char out[13], rt_err *err)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char b[6];
	if (random_bytes(b, sizeof(b)) < 0)
		return rt_error(err, RETORT_EIO, "cannot read random bytes: %s", strerror(errno));
	for (int i = 0; i < 6; i++) {
		out[2 * i] = hex[b[i] >> 4];
		out[2 * i + 1] = hex[b[i] & 15];
	}
	out[12] = '\0';
	return 0;
}
