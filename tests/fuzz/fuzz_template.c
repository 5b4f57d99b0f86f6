/*
 * fuzz_template: script.sql.tmpl expansion (rt_template_expand) and
 * file_template names (rt_file_name, rt_slugify).  The input is the
 * template; a name found in neither table is an error, never a crash.
 */
#include "fuzz.h"
#include "template.h"

static const char *lookup(void *data, const char *name)
{
	(void)data;
	if (!strcmp(name, "config.url"))
		return "sqlite:///app.db";
	if (!strncmp(name, "x.", 2)) /* name is the caller's, freed after: not a part of it */
		return "an -x value";
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const rt_tmpl_var vars[] = {
		{ "message", "create todos table" },
		{ "up_revision", "3f2a9c1b7d4e" },
		{ "down_revision", "1a2b3c4d5e6f" },
		{ "create_date", "2026-11-21 10:00:00.000000" },
		{ "branch_labels", "" },
		{ "depends_on", "" },
		{ "upgrades", "CREATE TABLE t (x INTEGER);" },
		{ "downgrades", "DROP TABLE t;" },
	};
	char *s = fuzz_str(data, size);
	rt_buf out = RT_BUF_INIT;
	rt_err err = { 0 };
	int rc = rt_template_expand(&out, s, "fuzz.tmpl", vars, sizeof(vars) / sizeof(vars[0]),
				    lookup, NULL, &err);
	if (rc)
		fuzz_check_error(&err, rc, "fuzz.tmpl:");
	rt_buf_free(&out);

	rt_buf name = RT_BUF_INIT;
	memset(&err, 0, sizeof(err));
	rc = rt_file_name(&name, s, "3f2a9c1b7d4e", s, (int)(size % 80), (time_t)1700000000,
			  size % 2 ? "UTC" : NULL, &err);
	if (rc)
		fuzz_check_error(&err, rc, NULL);
	rt_buf_free(&name);

	rt_buf slug = RT_BUF_INIT;
	rt_slugify(&slug, s, (int)(size % 50));
	rt_buf_free(&slug);
	free(s);
	return 0;
}
