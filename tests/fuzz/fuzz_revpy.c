/*
 * fuzz_revpy: Alembic revision modules read without Python (rt_revpy_parse),
 * and pyproject.toml's [tool.alembic] table (rt_pyproject_read).
 */
#include "config.h"
#include "fuzz.h"
#include "revfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	rt_revfile rf;
	rt_err err = { 0 };
	memset(&rf, 0, sizeof(rf));
	int rc = rt_revpy_parse(&rf, "fuzz.py", (const char *)data, size, &err);
	if (rc) {
		fuzz_check_error(&err, rc, "fuzz.py:");
	} else {
		FUZZ_CHECK(rf.id && rt_revid_valid(rf.id, NULL), "accepted a bad id");
		FUZZ_CHECK(rf.python && rf.message && rf.doc && rf.create_date, "a field is missing");
		for (size_t i = 0; i < rf.revises.len; i++)
			FUZZ_CHECK(*rf.revises.v[i], "an empty parent");
	}
	rt_revfile_free(&rf);

	/* the same bytes as a pyproject.toml (it wants them NUL-terminated) */
	char *text = malloc(size + 1);
	memcpy(text, data, size);
	text[size] = '\0';
	rt_strvec keys = RT_STRVEC_INIT, vals = RT_STRVEC_INIT;
	bool found;
	err = (rt_err){ 0 };
	rc = rt_pyproject_read("pyproject.toml", text, strlen(text), &keys, &vals, &found, &err);
	if (rc)
		fuzz_check_error(&err, rc, "pyproject.toml:");
	else
		FUZZ_CHECK(keys.len == vals.len, "keys and values do not pair");
	rt_strvec_free(&keys);
	rt_strvec_free(&vals);
	free(text);
	return 0;
}
