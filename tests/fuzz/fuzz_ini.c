/*
 * fuzz_ini: the INI reader (rt_ini_parse) that reads retort.ini and
 * alembic.ini, with a callback that checks what it is given.
 */
#include "fuzz.h"
#include "config.h"

static int on_entry(void *data, const char *section, const char *key, const char *value,
		    unsigned line)
{
	unsigned *last = data;
	FUZZ_CHECK(section != NULL, "entry without a section");
	FUZZ_CHECK((key == NULL) == (value == NULL), "key without value or value without key");
	FUZZ_CHECK(line >= 1, "line 0");
	*last = line;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rt_err err = { 0 };
	unsigned last = 0;
	int rc = rt_ini_parse((const char *)data, size, "fuzz.ini", on_entry, &last, &err);
	if (rc)
		fuzz_check_error(&err, rc, "fuzz.ini");
	return 0;
}
