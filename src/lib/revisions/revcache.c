/*
 * revcache.c: the cache of parsed revision files (see revcache.h for when
 * an entry is trusted).
 *
 * The file:
 *   "retort-cache 1 <retort version>\n"
 *   "<the folder's absolute path>\n"
 *   "<checksum of what follows, 16 hex digits>\n"
 *   then per file: uint64 dev, ino, size, mtime_s, mtime_ns, ctime_s,
 *   ctime_ns; uint32 name length, packed length; the name and a NUL; the
 *   packed file (rt_revfile_pack).  Native byte order.
 */
#include "revcache.h"

#include "retort.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/map.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAGIC "retort-cache 2 " RETORT_VERSION "\n"
#define NSTAT 7

struct rt_revcache {
	rt_buf data;
	rt_map index;   /* name -> the entry's first byte */
	size_t n;
};

void rt_filestat_of(rt_filestat *fs, const struct stat *st)
{
	fs->dev = (uint64_t)st->st_dev;
	fs->ino = (uint64_t)st->st_ino;
	fs->size = (uint64_t)st->st_size;
	fs->mtime_s = (int64_t)st->st_mtim.tv_sec;
	fs->mtime_ns = (int64_t)st->st_mtim.tv_nsec;
	fs->ctime_s = (int64_t)st->st_ctim.tv_sec;
	fs->ctime_ns = (int64_t)st->st_ctim.tv_nsec;
}

bool rt_revcache_wanted(size_t n)
{
	const char *e = getenv("RETORT_CACHE");
	if (e && !strcmp(e, "0"))
		return false;
	if (e && !strcmp(e, "1"))
		return true;
	return n >= RT_REVCACHE_MIN;
}

/* A checksum eight bytes at a time (a cache is a megabyte or two). */
static uint64_t checksum(const char *p, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, p + i, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)p[i]) * 0x100000001b3ULL;
	return h ^ (h >> 32);
}

/* $XDG_CACHE_HOME/retort (or ~/.cache/retort); false without either. */
static bool cache_dir(rt_buf *out)
{
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (x && x[0] == '/') {
		rt_buf_puts(out, x);
	} else if (home && home[0] == '/') {
		rt_buf_puts(out, home);
		rt_buf_puts(out, "/.cache");
	} else {
		return false;
	}
	rt_buf_puts(out, "/retort");
	return true;
}

static bool cache_path(rt_buf *out, const char *dir)
{
	if (!cache_dir(out))
		return false;
	rt_buf_printf(out, "/%016llx", (unsigned long long)rt_hash64(dir, strlen(dir)));
	return true;
}

static void header(rt_buf *b, const char *dir, uint64_t sum)
{
	rt_buf_printf(b, MAGIC "%s\n%016llx\n", dir, (unsigned long long)sum);
}

/* An entry's sizes: false when it runs past end. */
static bool entry_at(const char *p, const char *end, uint32_t *nlen, uint32_t *plen)
{
	size_t fixed = NSTAT * 8 + 8;
	if ((size_t)(end - p) < fixed)
		return false;
	memcpy(nlen, p + NSTAT * 8, 4);
	memcpy(plen, p + NSTAT * 8 + 4, 4);
	return (size_t)(end - p) - fixed >= (size_t)*nlen + 1 + *plen && p[fixed + *nlen] == '\0';
}

rt_revcache *rt_revcache_open(const char *dir)
{
	rt_buf path = RT_BUF_INIT;
	rt_revcache *c = rt_xcalloc(1, sizeof(*c));
	rt_buf_init(&c->data);
	if (!cache_path(&path, dir) || rt_readfile(&c->data, path.ptr) < 0)
		goto fail;
	/* the header, with the checksum of the rest */
	rt_buf want = RT_BUF_INIT;
	header(&want, dir, 0);
	size_t hlen = want.len;
	bool ok = c->data.len >= hlen && !memcmp(c->data.ptr, want.ptr, hlen - 17);
	rt_buf_free(&want);
	if (!ok)
		goto fail;
	char *end = NULL;
	unsigned long long sum = strtoull(c->data.ptr + hlen - 17, &end, 16);
	if (end != c->data.ptr + hlen - 1 || *end != '\n' ||
	    sum != checksum(c->data.ptr + hlen, c->data.len - hlen))
		goto fail;
	const char *p = c->data.ptr + hlen, *e = c->data.ptr + c->data.len;
	while (p < e) {
		uint32_t nlen, plen;
		if (!entry_at(p, e, &nlen, &plen))
			goto fail;
		rt_map_put(&c->index, p + NSTAT * 8 + 8, (void *)p);
		c->n++;
		p += NSTAT * 8 + 8 + nlen + 1 + plen;
	}
	rt_buf_free(&path);
	return c;
fail:
	rt_buf_free(&path);
	rt_revcache_close(c);
	return NULL;
}

size_t rt_revcache_count(const rt_revcache *c)
{
	return c ? c->n : 0;
}

bool rt_revcache_get(const rt_revcache *c, const char *name, const rt_filestat *fs,
		     const char *path, rt_revfile *rf)
{
	const char *p = c ? rt_map_get(&c->index, name) : NULL;
	if (!p)
		return false;
	uint64_t st[NSTAT];
	uint32_t nlen, plen;
	memcpy(st, p, sizeof(st));
	memcpy(&nlen, p + NSTAT * 8, 4);
	memcpy(&plen, p + NSTAT * 8 + 4, 4);
	if (st[0] != fs->dev || st[1] != fs->ino || st[2] != fs->size ||
	    (int64_t)st[3] != fs->mtime_s || (int64_t)st[4] != fs->mtime_ns ||
	    (int64_t)st[5] != fs->ctime_s || (int64_t)st[6] != fs->ctime_ns)
		return false;
	return rt_revfile_unpack(rf, path, p + NSTAT * 8 + 8 + nlen + 1, plen) == 0;
}

void rt_revcache_close(rt_revcache *c)
{
	if (!c)
		return;
	rt_buf_free(&c->data);
	rt_map_free(&c->index);
	free(c);
}

static void put_entry(rt_buf *b, const rt_revcache_entry *e, rt_buf *packed)
{
	uint64_t st[NSTAT] = { e->st.dev, e->st.ino, e->st.size, (uint64_t)e->st.mtime_s,
			       (uint64_t)e->st.mtime_ns, (uint64_t)e->st.ctime_s,
			       (uint64_t)e->st.ctime_ns };
	rt_buf_clear(packed);
	rt_revfile_pack(e->rf, packed);
	uint32_t nlen = (uint32_t)strlen(e->name), plen = (uint32_t)packed->len;
	rt_buf_put(b, (const char *)st, sizeof(st));
	rt_buf_put(b, (const char *)&nlen, 4);
	rt_buf_put(b, (const char *)&plen, 4);
	rt_buf_put(b, e->name, nlen + 1);
	rt_buf_put(b, packed->ptr, packed->len);
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

void rt_revcache_write(const char *dir, const rt_revcache_entry *e, size_t n)
{
	rt_buf body = RT_BUF_INIT, head = RT_BUF_INIT, path = RT_BUF_INIT, tmp = RT_BUF_INIT;
	rt_buf packed = RT_BUF_INIT;
	struct timespec now;
	size_t kept = 0;
	clock_gettime(CLOCK_REALTIME, &now);
	for (size_t i = 0; i < n; i++) {
		/* too young to tell from a write in the same timestamp tick */
		if (e[i].st.ctime_s >= (int64_t)now.tv_sec - RT_REVCACHE_RACY ||
		    e[i].st.mtime_s >= (int64_t)now.tv_sec - RT_REVCACHE_RACY)
			continue;
		put_entry(&body, &e[i], &packed);
		kept++;
	}
	header(&head, dir, checksum(body.ptr, body.len));
	int fd = -1;
	/* nothing old enough yet: a later run writes it */
	if (!kept || !cache_dir(&tmp) || rt_mkdir_p(tmp.ptr) < 0 || !cache_path(&path, dir))
		goto done;
	rt_buf_printf(&tmp, "/.tmp-XXXXXX");
	fd = mkstemp(tmp.ptr);
	if (fd < 0)
		goto done;
	bool ok = write_all(fd, head.ptr, head.len) && write_all(fd, body.ptr, body.len);
	ok = close(fd) == 0 && ok;
	fd = -1;
	if (!ok || rename(tmp.ptr, path.ptr) < 0)
		unlink(tmp.ptr);
done:
	if (fd >= 0)
		close(fd);
	rt_buf_free(&body);
	rt_buf_free(&head);
	rt_buf_free(&path);
	rt_buf_free(&tmp);
	rt_buf_free(&packed);
}
