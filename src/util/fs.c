/*
 * fs.c: small file-system helpers over POSIX calls.
 */
#define _POSIX_C_SOURCE 200809L
#include "fs.h"
#include "xalloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rt_readfile(rt_buf *out, const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		errno = EISDIR;
		return -1;
	}
	if (st.st_size > 0)
		rt_buf_grow(out, (size_t)st.st_size);
	for (;;) {
		rt_buf_grow(out, 4096);
		ssize_t n = read(fd, out->ptr + out->len, out->cap - out->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			errno = e;
			return -1;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->ptr[out->len] = '\0';
	}
	close(fd);
	return 0;
}

int rt_writefile_new(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	if (fd < 0)
		return -1;
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;
			close(fd);
			unlink(path);
			errno = e;
			return -1;
		}
		data += n;
		len -= (size_t)n;
	}
	if (close(fd) < 0) {
		int e = errno;
		unlink(path);
		errno = e;
		return -1;
	}
	return 0;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);
	return a >= b && !strcmp(s + a - b, suffix);
}

int rt_listdir(rt_strvec *out, const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (suffix && !has_suffix(e->d_name, suffix))
			continue;
		if (e->d_type != DT_REG && e->d_type != DT_UNKNOWN && e->d_type != DT_LNK)
			continue;
		rt_strvec_push(out, e->d_name);
	}
	closedir(d);
	rt_strvec_sort(out);
	return 0;
}

bool rt_isdir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool rt_isfile(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int rt_mkdir_p(const char *path)
{
	char *p = rt_xstrdup(path);
	int rc = 0;
	for (char *s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) < 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	int e = errno;
	free(p);
	errno = e;
	if (rc == 0 && !rt_isdir(path)) {
		errno = ENOTDIR;
		return -1;
	}
	return rc;
}

void rt_path_join(rt_buf *out, const char *a, const char *b)
{
	if (b[0] == '/' || !a || !a[0]) {
		rt_buf_puts(out, b);
		return;
	}
	rt_buf_puts(out, a);
	if (out->len && out->ptr[out->len - 1] != '/')
		rt_buf_putc(out, '/');
	rt_buf_puts(out, b);
}

char *rt_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		return rt_xstrdup(".");
	if (slash == path)
		return rt_xstrdup("/");
	return rt_xstrndup(path, (size_t)(slash - path));
}

char *rt_abspath(const char *path)
{
	if (path[0] == '/')
		return rt_xstrdup(path);
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		return rt_xstrdup(path);
	rt_buf b = RT_BUF_INIT;
	rt_path_join(&b, cwd, path);
	return rt_buf_detach(&b);
}
