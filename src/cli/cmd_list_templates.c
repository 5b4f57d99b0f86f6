/*
 * cmd_list_templates.c: `retort list-templates`, as Alembic words it.
 */
#include "cli.h"

static int cmd_list_templates(cli *c, int argc, char **argv)
{
	int code = cli_parse_none(c, &cli_cmd_list_templates, NULL,
				  argc, argv, NULL, NULL);
	if (code >= 0)
		return code;

	const char *const *t = retort_templates();
	size_t n = 0;
	while (t && t[n])
		n++;
	if (c->json) {
		json_t *doc = json_object();
		json_object_set_new(doc, "templates", cli_json_strings(t, n));
		cli_json_print(doc);
		return 0;
	}
	printf("Available templates:\n\n");
	for (size_t i = 0; i < n; i++)
		printf("%s\n", t[i]);
	printf("\nTemplates are used via the 'init' command, e.g.:\n\n"
	       "  retort init --template %s ./migrations\n", n ? t[0] : "generic");
	return 0;
}

const cli_cmd cli_cmd_list_templates = {
	"list-templates", "list_templates", cmd_list_templates,
	"list the templates init can write",
	"list-templates",
	NULL
};
