/*
 * fs.h: the few file-system operations retort needs.
 *
 * Each returns 0, or -1 with errno set; the caller words the message, since
 * only it knows what the file was for.
 */
#ifndef RT_UTIL_FS_H
#define RT_UTIL_FS_H

#include "buf.h"
#include "vec.h"

#include <stdbool.h>

/* Append the whole file to out. */
int rt_readfile(rt_buf *out, const char *path);
/* Create path with the given contents; fails with EEXIST if it exists. */
int rt_writefile_new(const char *path, const char *data, size_t len);
/* Names of the regular files in dir ending in suffix (NULL: any), sorted. */
int rt_listdir(rt_strvec *out, const char *dir, const char *suffix);
int rt_mkdir_p(const char *path);
bool rt_isdir(const char *path);
bool rt_isfile(const char *path);
/* out = a "/" b, or b alone when b is absolute or a is empty. */
void rt_path_join(rt_buf *out, const char *a, const char *b);
/* The folder part of path ("." when there is none). */
char *rt_dirname(const char *path);
/* An absolute form of path (relative ones joined to the working folder). */
char *rt_abspath(const char *path);

#endif
