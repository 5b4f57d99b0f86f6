/*
 * revcache.h: a cache of parsed revision files, one per version location.
 *
 * Reading ten thousand revision files costs three system calls each (open,
 * read, close) and their parse; the cache brings that to one fstatat each
 * and one read of the cache.  It is never needed and never trusted blindly:
 *
 * - a file's entry is used only when the file's device, inode, size, mtime
 *   and ctime (to the nanosecond) are those recorded; ctime changes with
 *   every write and cannot be set back, so an edit that keeps the size and
 *   restores the mtime is still seen.  Files listed in the folder but not
 *   in the cache are read; entries for files no longer listed are dropped;
 * - an entry is not recorded while its file is younger than two seconds
 *   (RT_REVCACHE_RACY), so that a write within the file system's timestamp
 *   granularity of the recording cannot go unnoticed (git's "racily clean"
 *   problem);
 * - the cache file carries retort's version, the folder's path and a
 *   checksum of its contents; anything that does not match, or any entry
 *   that does not unpack, and the cache is ignored (and rewritten).
 *
 * Where: $XDG_CACHE_HOME/retort/ (default ~/.cache/retort/), one file per
 * folder named by a hash of its absolute path; written to a temporary file
 * and renamed, so readers never see half of one.  Not in the project: a
 * repository never holds one.  Used for folders of RT_REVCACHE_MIN files or
 * more (below that, reading them is as fast); RETORT_CACHE=0 turns it off,
 * RETORT_CACHE=1 uses it for any folder (tests).  Every failure to read or
 * write it is silent: it only costs the time it would have saved.
 */
#ifndef RT_LIB_REVCACHE_H
#define RT_LIB_REVCACHE_H

#include "revfile.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#define RT_REVCACHE_MIN 1000
#define RT_REVCACHE_RACY 2 /* seconds */

/* What identifies a version of a file. */
typedef struct rt_filestat {
	uint64_t dev, ino, size;
	int64_t mtime_s, mtime_ns, ctime_s, ctime_ns;
} rt_filestat;

void rt_filestat_of(rt_filestat *fs, const struct stat *st);

typedef struct rt_revcache rt_revcache;

/* Whether to use a cache for a folder of n revision files. */
bool rt_revcache_wanted(size_t n);
/* The cache of folder dir (absolute), or NULL when there is none that holds. */
rt_revcache *rt_revcache_open(const char *dir);
/* Entries it holds. */
size_t rt_revcache_count(const rt_revcache *c);
/* name's entry, unpacked into rf with the path given, if fs is its identity. */
bool rt_revcache_get(const rt_revcache *c, const char *name, const rt_filestat *fs,
		     const char *path, rt_revfile *rf);
void rt_revcache_close(rt_revcache *c);

typedef struct rt_revcache_entry {
	const char *name;
	rt_filestat st;
	const rt_revfile *rf;
} rt_revcache_entry;

/* Replace dir's cache with these entries (those young enough are left out). */
void rt_revcache_write(const char *dir, const rt_revcache_entry *e, size_t n);

#endif
