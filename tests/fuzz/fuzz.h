/*
 * fuzz.h: what the libFuzzer targets share.
 *
 * Each target feeds its input to one parser of user input and checks the
 * contracts that hold for every input, not only for good ones: an error is
 * one line that names the input's file (where there is one), and nothing
 * leaks, overflows or reads uninitialised memory (ASan and UBSan see to
 * that).  A broken contract aborts, which libFuzzer reports as a crash.
 */
#ifndef RT_FUZZ_H
#define RT_FUZZ_H

#include "error.h"
#include "util/xalloc.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input as a NUL-terminated string (cut at the first NUL). */
static inline char *fuzz_str(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A failure breaks the contract: say which, and let libFuzzer see a crash. */
#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond)) {                                                 \
			fprintf(stderr, "contract broken: " __VA_ARGS__);      \
			fputc('\n', stderr);                                   \
			abort();                                               \
		}                                                              \
	} while (0)

/* An error message: one line, non-empty, and it starts with prefix if given. */
static inline void fuzz_check_error(const rt_err *err, int rc, const char *prefix)
{
	FUZZ_CHECK(rc < 0, "failure code %d is not negative", rc);
	FUZZ_CHECK(err->code == rc, "err.code %d but returned %d", err->code, rc);
	FUZZ_CHECK(err->msg[0] != '\0', "empty error message");
	FUZZ_CHECK(strchr(err->msg, '\n') == NULL, "message is not one line: %s", err->msg);
	if (prefix)
		FUZZ_CHECK(strncmp(err->msg, prefix, strlen(prefix)) == 0,
			   "message does not name the input '%s': %s", prefix, err->msg);
}

#endif
