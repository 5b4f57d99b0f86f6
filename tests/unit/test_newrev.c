/*
 * test_newrev.c: `init`, `revision` and `merge` through the public API, in
 * a fresh temporary folder per test.
 *
 * A handle caches the graph it read, so each step opens a new one, as each
 * command-line invocation does.
 */
#include "retort.h"
#include "revfile.h"
#include "util/buf.h"
#include "util/fs.h"
#include "util/vec.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

static char *tmpdir;
static char *olddir;
static rt_strvec logged;

static void on_log(void *data, retort_level level, const char *msg,
		   const retort_progress *progress)
{
	(void)data;
	(void)progress;
	if (level == RETORT_LOG_INFO)
		rt_strvec_push(&logged, msg);
}

static int setup(void **state)
{
	char tmpl[] = "/tmp/retort-newrev-XXXXXX";
	tmpdir = strdup(mkdtemp(tmpl));
	olddir = getcwd(NULL, 0);
	rt_strvec_clear(&logged);
	return chdir(tmpdir);
}

static int teardown(void **state)
{
	int rc = chdir(olddir);
	rt_buf cmd = RT_BUF_INIT;
	rt_buf_printf(&cmd, "rm -rf '%s'", tmpdir);
	rc |= system(cmd.ptr);
	rt_buf_free(&cmd);
	free(tmpdir);
	free(olddir);
	rt_strvec_free(&logged);
	return rc ? -1 : 0;
}

static retort *open_project(void)
{
	retort_options o = RETORT_OPTIONS_INIT;
	o.config = "retort.ini";
	o.log = on_log;
	retort *r;
	if (retort_open(&r, &o))
		fail_msg("open: %s", retort_errmsg(r));
	return r;
}

static void init_project(void)
{
	retort_options o = RETORT_OPTIONS_INIT;
	o.flags = RETORT_OPEN_NOCONFIG;
	o.log = on_log;
	retort *r;
	retort_open(&r, &o);
	if (retort_init_project(r, NULL, NULL))
		fail_msg("init: %s", retort_errmsg(r));
	retort_free(r);
}

/* Write a revision; returns its parsed file (caller frees) or fails. */
static int new_rev(const retort_revision_options *o, rt_revfile *rf, char **err_out)
{
	retort *r = open_project();
	char *path = NULL;
	int rc = retort_revision(r, o, &path);
	if (rc) {
		if (err_out)
			*err_out = strdup(retort_errmsg(r));
		assert_null(path);
	} else {
		rt_buf text = RT_BUF_INIT;
		rt_err err = { 0 };
		assert_int_equal(rt_readfile(&text, path), 0);
		if (rt_revfile_parse(rf, path, text.ptr, text.len, &err))
			fail_msg("%s", err.msg);
		rt_buf_free(&text);
		free(path);
	}
	retort_free(r);
	return rc;
}

static size_t count_versions(void)
{
	rt_strvec names = RT_STRVEC_INIT;
	assert_int_equal(rt_listdir(&names, "migrations/versions", ".sql"), 0);
	size_t n = names.len;
	rt_strvec_free(&names);
	return n;
}

static void test_newrev__init_writes_project_and_refuses_twice(void **state)
{
	init_project();
	assert_true(rt_isfile("retort.ini"));
	assert_true(rt_isfile("migrations/script.sql.tmpl"));
	assert_true(rt_isdir("migrations/versions"));
	assert_int_equal(logged.len, 4);
	assert_non_null(strstr(logged.v[0], "Creating directory "));
	assert_non_null(strstr(logged.v[0], "/migrations ...  done"));
	assert_non_null(strstr(logged.v[3], "retort.ini ...  done"));

	rt_buf ini = RT_BUF_INIT;
	assert_int_equal(rt_readfile(&ini, "retort.ini"), 0);
	assert_non_null(strstr(ini.ptr, "\n[retort]\n"));
	assert_non_null(strstr(ini.ptr, "\nscript_location = migrations\n"));
	assert_non_null(strstr(ini.ptr, "\nurl = sqlite:///app.db\n"));

	/* again: refused, and retort.ini is untouched */
	retort_options o = RETORT_OPTIONS_INIT;
	o.flags = RETORT_OPEN_NOCONFIG;
	retort *r;
	retort_open(&r, &o);
	assert_int_equal(retort_init_project(r, NULL, NULL), RETORT_EEXISTS);
	assert_non_null(strstr(retort_errmsg(r), "retort.ini"));
	/* a non-empty folder is refused even with another config name */
	assert_int_equal(retort_init_project(r, "migrations", "other.ini"), RETORT_EEXISTS);
	assert_false(rt_isfile("other.ini"));
	retort_free(r);
	rt_buf again = RT_BUF_INIT;
	assert_int_equal(rt_readfile(&again, "retort.ini"), 0);
	assert_string_equal(again.ptr, ini.ptr);
	rt_buf_free(&ini);
	rt_buf_free(&again);
	assert_string_equal(retort_templates()[0], "generic");
	assert_null(retort_templates()[1]);
}

static void test_newrev__linear_revisions_chain(void **state)
{
	init_project();
	retort_revision_options o = RETORT_REVISION_OPTIONS_INIT;
	o.message = "create todos table";
	o.rev_id = "aaaa00000001";
	o.upgrades = "CREATE TABLE todos (id INTEGER);";
	rt_revfile a, b;
	assert_int_equal(new_rev(&o, &a, NULL), 0);
	assert_string_equal(a.id, "aaaa00000001");
	assert_int_equal(a.revises.len, 0);
	assert_string_equal(a.message, "create todos table");
	assert_string_equal(a.upgrade.sql, "CREATE TABLE todos (id INTEGER);\n\n");
	assert_non_null(strstr(a.path, "migrations/versions/aaaa00000001_create_todos_table.sql"));
	assert_memory_equal(a.create_date, "20", 2);

	retort_revision_options o2 = RETORT_REVISION_OPTIONS_INIT; /* no message, random id */
	assert_int_equal(new_rev(&o2, &b, NULL), 0);
	assert_int_equal(strlen(b.id), 12);
	assert_string_equal(b.message, "empty message");
	assert_int_equal(b.revises.len, 1);
	assert_string_equal(b.revises.v[0], "aaaa00000001");
	/* Alembic names it "<rev>_.py": the slug of no message is empty */
	rt_buf want = RT_BUF_INIT;
	rt_buf_printf(&want, "/%s_.sql", b.id);
	assert_non_null(strstr(b.path, want.ptr));
	rt_buf_free(&want);
	rt_revfile_free(&a);
	rt_revfile_free(&b);
}

static void test_newrev__two_heads_need_head_then_merge(void **state)
{
	init_project();
	retort_revision_options o = RETORT_REVISION_OPTIONS_INIT;
	rt_revfile rf;
	char *err = NULL;
	o.rev_id = "r1";
	assert_int_equal(new_rev(&o, &rf, NULL), 0);
	rt_revfile_free(&rf);
	o.rev_id = "r2";
	o.head = "base";
	o.branch_label = "api";
	assert_int_equal(new_rev(&o, &rf, NULL), 0);
	assert_int_equal(rf.revises.len, 0);
	assert_string_equal(rf.branch_labels.v[0], "api");
	rt_revfile_free(&rf);

	/* two heads, no --head */
	retort_revision_options o3 = RETORT_REVISION_OPTIONS_INIT;
	o3.rev_id = "r3";
	assert_int_equal(new_rev(&o3, &rf, &err), RETORT_EAMBIGUOUS);
	assert_non_null(strstr(err, "multiple heads are present"));
	assert_non_null(strstr(err, "r1"));
	free(err);
	assert_int_equal(count_versions(), 2);

	/* the label is taken now */
	o3.head = "r1";
	o3.branch_label = "api";
	assert_int_equal(new_rev(&o3, &rf, &err), RETORT_EEXISTS);
	assert_non_null(strstr(err, "branch label 'api' is already used by revision r2"));
	free(err);

	/* an existing id, a bad id */
	o3.branch_label = NULL;
	o3.rev_id = "r2";
	assert_int_equal(new_rev(&o3, &rf, &err), RETORT_EEXISTS);
	free(err);
	o3.rev_id = "r-3";
	assert_int_equal(new_rev(&o3, &rf, &err), RETORT_EUSAGE);
	assert_non_null(strstr(err, "contains '-'"));
	free(err);

	/* a merge of every head, with a dependency on r1 by label-free id */
	retort_revision_options m = RETORT_REVISION_OPTIONS_INIT;
	const char *heads[] = { "heads" };
	const char *deps[] = { "api" };
	m.merge = heads;
	m.nmerge = 1;
	m.message = "merge";
	m.rev_id = "m1";
	m.depends_on = deps;
	m.ndepends_on = 1;
	assert_int_equal(new_rev(&m, &rf, NULL), 0);
	assert_int_equal(rf.revises.len, 2);
	assert_true(rt_strvec_contains(&rf.revises, "r1"));
	assert_true(rt_strvec_contains(&rf.revises, "r2"));
	assert_string_equal(rf.depends_on.v[0], "r2");
	rt_revfile_free(&rf);

	/* r1 is no longer a head: --head r1 needs --splice */
	retort_revision_options s = RETORT_REVISION_OPTIONS_INIT;
	s.head = "r1";
	s.rev_id = "s1";
	assert_int_equal(new_rev(&s, &rf, &err), RETORT_EUSAGE);
	assert_non_null(strstr(err, "revision r1 is not a head revision; use --splice"));
	free(err);
	s.splice = 1;
	assert_int_equal(new_rev(&s, &rf, NULL), 0);
	assert_string_equal(rf.revises.v[0], "r1");
	rt_revfile_free(&rf);

	/* a merge of one revision is refused */
	const char *one[] = { "s1", "s1" };
	m.merge = one;
	m.nmerge = 2;
	m.rev_id = "m2";
	m.depends_on = NULL;
	m.ndepends_on = 0;
	assert_int_equal(new_rev(&m, &rf, &err), RETORT_EUSAGE);
	free(err);
}

static void test_newrev__multiline_message_stays_in_header(void **state)
{
	init_project();
	retort_revision_options o = RETORT_REVISION_OPTIONS_INIT;
	o.message = "add users\r\nand roles\n\nlonger text";
	o.rev_id = "ml1";
	rt_revfile rf;
	assert_int_equal(new_rev(&o, &rf, NULL), 0);
	assert_string_equal(rf.message, "add users and roles");
	assert_non_null(strstr(rf.doc, "add users\nand roles\n\nlonger text\n"));
	assert_non_null(strstr(rf.path, "ml1_add_users_and_roles_longer_text.sql"));
	rt_revfile_free(&rf);
}

static void write_file(const char *path, const char *text)
{
	unlink(path);
	assert_int_equal(rt_writefile_new(path, text, strlen(text)), 0);
}

static void test_newrev__project_template_is_used_and_checked(void **state)
{
	init_project();
	retort_revision_options o = RETORT_REVISION_OPTIONS_INIT;
	rt_revfile rf;
	char *err = NULL;
	const char *xargs[] = { "tenant=acme" };
	write_file("migrations/script.sql.tmpl",
		   "-- ${message} for ${x.tenant}\n-- Revision ID: ${up_revision}\n"
		   "-- Revises: ${down_revision}\n-- migrate:upgrade\n${upgrades}\n"
		   "-- migrate:downgrade\n${downgrades}\n");
	retort_options oo = RETORT_OPTIONS_INIT;
	oo.config = "retort.ini";
	oo.xargs = xargs;
	oo.nxargs = 1;
	retort *r;
	assert_int_equal(retort_open(&r, &oo), 0);
	o.message = "hello";
	o.rev_id = "t1";
	char *path = NULL;
	assert_int_equal(retort_revision(r, &o, &path), 0);
	retort_free(r);
	rt_buf text = RT_BUF_INIT;
	assert_int_equal(rt_readfile(&text, path), 0);
	assert_non_null(strstr(text.ptr, "-- hello for acme\n"));
	free(path);
	rt_buf_free(&text);

	write_file("migrations/script.sql.tmpl", "-- ${mesage}\n");
	o.rev_id = "t2";
	assert_int_equal(new_rev(&o, &rf, &err), RETORT_EPARSE);
	assert_non_null(strstr(err, "script.sql.tmpl:1: unknown placeholder '${mesage}'"));
	free(err);

	write_file("migrations/script.sql.tmpl", "-- ${message}\n-- Revision ID: ${up_revision}\n");
	assert_int_equal(new_rev(&o, &rf, &err), RETORT_ECONFIG);
	assert_non_null(strstr(err, "does not give a valid revision file"));
	free(err);
	assert_int_equal(count_versions(), 1);
}

static void test_newrev__version_path_must_be_a_location(void **state)
{
	init_project();
	retort_revision_options o = RETORT_REVISION_OPTIONS_INIT;
	rt_revfile rf;
	char *err = NULL;
	o.rev_id = "v1";
	o.version_path = "nowhere";
	assert_int_equal(new_rev(&o, &rf, &err), RETORT_ECONFIG);
	assert_non_null(strstr(err, "path 'nowhere' does not exist"));
	free(err);
	assert_int_equal(mkdir("elsewhere", 0777), 0);
	o.version_path = "elsewhere";
	assert_int_equal(new_rev(&o, &rf, &err), RETORT_ECONFIG);
	assert_non_null(strstr(err, "not one of the version locations"));
	free(err);
	o.version_path = "migrations/versions";
	assert_int_equal(new_rev(&o, &rf, NULL), 0);
	rt_revfile_free(&rf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_newrev__init_writes_project_and_refuses_twice,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_newrev__linear_revisions_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_newrev__two_heads_need_head_then_merge, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_newrev__multiline_message_stays_in_header, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_newrev__project_template_is_used_and_checked,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_newrev__version_path_must_be_a_location, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
