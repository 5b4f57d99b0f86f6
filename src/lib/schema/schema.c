/*
 * schema.c: the catalog model (schema.h): building it, sorting it, looking
 * things up in it, filtering it, and the small SQL tokenizer that the
 * inspectors and the comparison share for the few texts that no catalog
 * breaks down (SQLite's CHECK constraints, collations and generated
 * expressions, which live only in the CREATE TABLE text).
 */
#include "backends/backend.h"
#include "schema.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* --- Building and freeing ----------------------------------------------------- */

static void column_free(rt_column *c)
{
	free(c->name);
	free(c->type);
	free(c->ntype);
	free(c->dflt);
	free(c->ndflt);
	free(c->gen_expr);
	free(c->collation);
	free(c->identity);
	free(c->comment);
	free(c->def);
	free(c->seq);
}

static void constraint_free(rt_constraint *k)
{
	free(k->name);
	rt_strvec_free(&k->cols);
	free(k->expr);
	free(k->nexpr);
	free(k->ref_table);
	rt_strvec_free(&k->ref_cols);
	free(k->on_delete);
	free(k->on_update);
	free(k->deferrable);
	free(k->def);
}

static void constraints_free(rt_constraint *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		constraint_free(&v[i]);
	free(v);
}

static void table_free(rt_table *t)
{
	free(t->name);
	for (size_t i = 0; i < t->ncols; i++)
		column_free(&t->cols[i]);
	free(t->cols);
	free(t->pk_name);
	rt_strvec_free(&t->pk);
	constraints_free(t->uniques, t->nuniques);
	constraints_free(t->checks, t->nchecks);
	constraints_free(t->fks, t->nfks);
	free(t->options);
	free(t->comment);
	free(t->sql);
}

static void index_free(rt_index *x)
{
	free(x->name);
	free(x->table);
	rt_strvec_free(&x->keys);
	free(x->where);
	free(x->extra);
	free(x->sql);
}

static void object_free(rt_object *o)
{
	free(o->name);
	free(o->table);
	free(o->def);
	free(o->sql);
	rt_strvec_free(&o->values);
	free(o->comment);
}

static void objvec_free(rt_objvec *ov)
{
	for (size_t i = 0; i < ov->n; i++)
		object_free(&ov->v[i]);
	free(ov->v);
	memset(ov, 0, sizeof(*ov));
}

void rt_schema_free(rt_schema *s)
{
	for (size_t i = 0; i < s->ntables; i++)
		table_free(&s->tables[i]);
	free(s->tables);
	for (size_t i = 0; i < s->nindexes; i++)
		index_free(&s->indexes[i]);
	free(s->indexes);
	objvec_free(&s->views);
	objvec_free(&s->triggers);
	objvec_free(&s->enums);
	objvec_free(&s->sequences);
	memset(s, 0, sizeof(*s));
}

rt_table *rt_schema_add_table(rt_schema *s, const char *name)
{
	RT_ARRAY_GROW(s->tables, s->ntables, s->cap_tables);
	rt_table *t = &s->tables[s->ntables++];
	memset(t, 0, sizeof(*t));
	t->name = rt_xstrdup(name);
	t->options = rt_xstrdup("");
	return t;
}

rt_index *rt_schema_add_index(rt_schema *s, const char *name, const char *table)
{
	RT_ARRAY_GROW(s->indexes, s->nindexes, s->cap_indexes);
	rt_index *x = &s->indexes[s->nindexes++];
	memset(x, 0, sizeof(*x));
	x->name = rt_xstrdup(name);
	x->table = rt_xstrdup(table);
	return x;
}

rt_object *rt_objvec_add(rt_objvec *ov, const char *name)
{
	RT_ARRAY_GROW(ov->v, ov->n, ov->cap);
	rt_object *o = &ov->v[ov->n++];
	memset(o, 0, sizeof(*o));
	o->name = rt_xstrdup(name);
	return o;
}

/* Columns and constraints grow one at a time: tables are small. */
rt_column *rt_table_add_column(rt_table *t, const char *name)
{
	t->cols = rt_xreallocarray(t->cols, t->ncols + 1, sizeof(*t->cols));
	rt_column *c = &t->cols[t->ncols++];
	memset(c, 0, sizeof(*c));
	c->name = rt_xstrdup(name);
	c->type = rt_xstrdup("");
	c->ntype = rt_xstrdup("");
	return c;
}

rt_constraint *rt_constraint_add(rt_constraint **v, size_t *n)
{
	*v = rt_xreallocarray(*v, *n + 1, sizeof(**v));
	rt_constraint *k = &(*v)[(*n)++];
	memset(k, 0, sizeof(*k));
	k->deferrable = rt_xstrdup("");
	return k;
}

/* --- Order and look-up ------------------------------------------------------- */

static int cmp_table(const void *a, const void *b)
{
	return strcmp(((const rt_table *)a)->name, ((const rt_table *)b)->name);
}

static int cmp_index(const void *a, const void *b)
{
	return strcmp(((const rt_index *)a)->name, ((const rt_index *)b)->name);
}

static int cmp_object(const void *a, const void *b)
{
	return strcmp(((const rt_object *)a)->name, ((const rt_object *)b)->name);
}

static void join_vec(rt_buf *b, const rt_strvec *sv)
{
	for (size_t i = 0; i < sv->len; i++)
		rt_buf_printf(b, "%s\x1f", sv->v[i]);
}

/* A constraint's content as one string, so that unnamed ones sort stably. */
static char *constraint_key(const rt_constraint *k)
{
	rt_buf b = RT_BUF_INIT;
	join_vec(&b, &k->cols);
	rt_buf_printf(&b, "\x1e%s\x1e%s\x1e", k->nexpr ? k->nexpr : "",
		      k->ref_table ? k->ref_table : "");
	join_vec(&b, &k->ref_cols);
	rt_buf_printf(&b, "\x1e%s", k->name ? k->name : "");
	return rt_buf_detach(&b);
}

static int cmp_constraint(const void *a, const void *b)
{
	char *ka = constraint_key(a), *kb = constraint_key(b);
	int c = strcmp(ka, kb);
	free(ka);
	free(kb);
	return c;
}

/* qsort, which may not be given NULL even for no elements. */
static void sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

void rt_schema_sort(rt_schema *s)
{
	sort(s->tables, s->ntables, sizeof(*s->tables), cmp_table);
	sort(s->indexes, s->nindexes, sizeof(*s->indexes), cmp_index);
	rt_objvec *ovs[] = { &s->views, &s->triggers, &s->enums, &s->sequences };
	for (size_t i = 0; i < 4; i++)
		sort(ovs[i]->v, ovs[i]->n, sizeof(rt_object), cmp_object);
	for (size_t i = 0; i < s->ntables; i++) {
		rt_table *t = &s->tables[i];
		sort(t->uniques, t->nuniques, sizeof(rt_constraint), cmp_constraint);
		sort(t->checks, t->nchecks, sizeof(rt_constraint), cmp_constraint);
		sort(t->fks, t->nfks, sizeof(rt_constraint), cmp_constraint);
	}
}

const rt_table *rt_schema_table(const rt_schema *s, const char *name)
{
	for (size_t i = 0; i < s->ntables; i++)
		if (!strcmp(s->tables[i].name, name))
			return &s->tables[i];
	return NULL;
}

const rt_column *rt_table_column(const rt_table *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (!strcmp(t->cols[i].name, name))
			return &t->cols[i];
	return NULL;
}

const rt_object *rt_objvec_find(const rt_objvec *ov, const char *name)
{
	for (size_t i = 0; i < ov->n; i++)
		if (!strcmp(ov->v[i].name, name))
			return &ov->v[i];
	return NULL;
}

const rt_index *rt_schema_index(const rt_schema *s, const char *name)
{
	for (size_t i = 0; i < s->nindexes; i++)
		if (!strcmp(s->indexes[i].name, name))
			return &s->indexes[i];
	return NULL;
}

/* --- Filters ------------------------------------------------------------------ */

static bool any_match(const rt_strvec *globs, const char *name)
{
	for (size_t i = 0; i < globs->len; i++)
		if (fnmatch(globs->v[i], name, 0) == 0)
			return true;
	return false;
}

static bool wanted(const rt_strvec *inc, const rt_strvec *exc, const char *name)
{
	if (inc->len && !any_match(inc, name))
		return false;
	return !any_match(exc, name);
}

static void filter_objects(rt_objvec *ov, const rt_strvec *inc, const rt_strvec *exc,
			   bool by_table)
{
	size_t k = 0;
	for (size_t i = 0; i < ov->n; i++) {
		rt_object *o = &ov->v[i];
		const char *key = by_table && o->table ? o->table : o->name;
		if (wanted(inc, exc, key))
			ov->v[k++] = *o;
		else
			object_free(o);
	}
	ov->n = k;
}

void rt_schema_filter(rt_schema *s, const rt_strvec *inc, const rt_strvec *exc)
{
	size_t k = 0;
	for (size_t i = 0; i < s->ntables; i++) {
		if (wanted(inc, exc, s->tables[i].name))
			s->tables[k++] = s->tables[i];
		else
			table_free(&s->tables[i]);
	}
	s->ntables = k;
	k = 0;
	for (size_t i = 0; i < s->nindexes; i++) {
		if (wanted(inc, exc, s->indexes[i].table))
			s->indexes[k++] = s->indexes[i];
		else
			index_free(&s->indexes[i]);
	}
	s->nindexes = k;
	filter_objects(&s->views, inc, exc, false);
	filter_objects(&s->triggers, inc, exc, true);
	filter_objects(&s->enums, inc, exc, false);
	filter_objects(&s->sequences, inc, exc, false);
}

/* --- The tokenizer ------------------------------------------------------------ */

static size_t skip_blanks(const char *s, size_t i)
{
	for (;;) {
		while (s[i] && isspace((unsigned char)s[i]))
			i++;
		if (s[i] == '-' && s[i + 1] == '-') {
			while (s[i] && s[i] != '\n')
				i++;
		} else if (s[i] == '/' && s[i + 1] == '*') {
			const char *e = strstr(s + i + 2, "*/");
			i = e ? (size_t)(e - s) + 2 : strlen(s);
		} else {
			return i;
		}
	}
}

/* End of a quoted run opened by s[i]; a doubled closing quote stays inside. */
static size_t quoted_end(const char *s, size_t i, char close)
{
	for (i++; s[i]; i++) {
		if (s[i] != close)
			continue;
		if (close != ']' && s[i + 1] == close) {
			i++;
			continue;
		}
		return i + 1;
	}
	return i;
}

static bool word_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '$' || (unsigned char)c >= 0x80;
}

rt_tok rt_tok_next(const char *s, size_t *pos)
{
	size_t i = skip_blanks(s, *pos), e = i + 1;
	rt_tok t = { RT_TOK_PUNCT, s + i, 1 };
	char c = s[i];
	if (!c) {
		t.kind = RT_TOK_END;
		t.len = 0;
		e = i;
	} else if (c == '\'' || ((c == 'x' || c == 'X') && s[i + 1] == '\'')) {
		t.kind = RT_TOK_STRING;
		e = quoted_end(s, c == '\'' ? i : i + 1, '\'');
	} else if (c == '"' || c == '`' || c == '[') {
		t.kind = RT_TOK_QIDENT;
		e = quoted_end(s, i, c == '[' ? ']' : c);
	} else if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)s[i + 1]))) {
		t.kind = RT_TOK_NUMBER;
		while (isalnum((unsigned char)s[e]) || s[e] == '.' ||
		       ((s[e] == '+' || s[e] == '-') && (s[e - 1] == 'e' || s[e - 1] == 'E')))
			e++;
	} else if (word_char(c)) {
		t.kind = RT_TOK_WORD;
		while (word_char(s[e]))
			e++;
	} else if ((c == ':' && s[i + 1] == ':') || (c == '|' && s[i + 1] == '|') ||
		   ((c == '<' || c == '>' || c == '!') && s[i + 1] == '=') ||
		   (c == '<' && s[i + 1] == '>')) {
		e = i + 2; /* a cast, ||, >=, <=, !=, <>: one token, as the server writes it */
	}
	t.len = e - i;
	*pos = e;
	return t;
}

bool rt_tok_is(const rt_tok *tok, const char *w)
{
	size_t n = strlen(w);
	if (tok->kind != RT_TOK_WORD && tok->kind != RT_TOK_PUNCT)
		return false;
	return tok->len == n && strncasecmp(tok->p, w, n) == 0;
}

char *rt_tok_ident(const rt_tok *tok)
{
	if (tok->kind != RT_TOK_QIDENT || tok->len < 2)
		return rt_xstrndup(tok->p, tok->len);
	char q = tok->p[0] == '[' ? ']' : tok->p[0];
	rt_buf b = RT_BUF_INIT;
	for (size_t i = 1; i + 1 < tok->len; i++) {
		rt_buf_putc(&b, tok->p[i]);
		if (tok->p[i] == q && q != ']' && i + 2 < tok->len)
			i++;
	}
	return rt_buf_detach(&b);
}

/* --- Normalisation --------------------------------------------------------------- */

static bool no_space_before(const rt_tok *t)
{
	return rt_tok_is(t, ")") || rt_tok_is(t, ",") || rt_tok_is(t, ".") ||
	       rt_tok_is(t, "::");
}

static bool no_space_after(const rt_tok *t)
{
	return rt_tok_is(t, "(") || rt_tok_is(t, ".") || rt_tok_is(t, "::");
}

static void put_lower(rt_buf *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		rt_buf_putc(b, (char)tolower((unsigned char)s[i]));
}

/* Whether the parenthesis at 0 closes at the very end of s. */
static bool wrapped(const char *s, size_t len)
{
	if (len < 2 || s[0] != '(' || s[len - 1] != ')')
		return false;
	size_t pos = 0;
	int depth = 0;
	for (;;) {
		rt_tok t = rt_tok_next(s, &pos);
		if (t.kind == RT_TOK_END)
			return false;
		if (rt_tok_is(&t, "("))
			depth++;
		else if (rt_tok_is(&t, ")") && --depth == 0)
			return pos == len;
	}
}

char *rt_expr_normalised(const char *expr)
{
	if (!expr)
		return NULL;
	rt_buf b = RT_BUF_INIT;
	rt_expr_normalise(&b, expr);
	return rt_buf_detach(&b);
}

void rt_expr_normalise(rt_buf *out, const char *expr)
{
	rt_buf b = RT_BUF_INIT;
	size_t pos = 0;
	rt_tok prev = { RT_TOK_END, NULL, 0 };
	for (;;) {
		rt_tok t = rt_tok_next(expr, &pos);
		if (t.kind == RT_TOK_END)
			break;
		bool call = rt_tok_is(&t, "(") &&
			    (prev.kind == RT_TOK_WORD || prev.kind == RT_TOK_QIDENT);
		if (prev.kind != RT_TOK_END && !call && !no_space_before(&t) &&
		    !no_space_after(&prev))
			rt_buf_putc(&b, ' ');
		if (t.kind == RT_TOK_QIDENT) {
			char *id = rt_tok_ident(&t);
			put_lower(&b, id, strlen(id));
			free(id);
		} else if (t.kind == RT_TOK_STRING) {
			rt_buf_put(&b, t.p, t.len);
		} else {
			put_lower(&b, t.p, t.len);
		}
		prev = t;
	}
	size_t start = 0, len = b.len;
	while (wrapped(b.ptr + start, len)) {
		/* "(x)" -> "x"; the text inside keeps its own normal form */
		start++;
		len -= 2;
		b.ptr[start + len] = '\0';
	}
	rt_buf_put(out, b.ptr + start, len);
	rt_buf_free(&b);
}

/*
 * Type names that mean the same thing, per dialect.  SQLite keeps the
 * declared type as written and gives it meaning by its affinity rules, so
 * only spelling is folded there ("INT" is not "INTEGER": only the latter
 * makes a rowid alias).  PostgreSQL's format_type() is already canonical;
 * the table maps the SQL-standard spellings a model may still hold.
 */
void rt_type_normalise(rt_buf *out, const char *dialect, const char *type)
{
	rt_buf b = RT_BUF_INIT;
	rt_expr_normalise(&b, type ? type : "");
	const rt_backend *d = dialect ? rt_backend_named(dialect) : NULL;
	const char *const(*syn)[2] = d ? d->type_synonyms : NULL;
	if (syn) {
		size_t paren = strcspn(b.ptr, "(");
		for (size_t i = 0; syn[i][0]; i++) {
			size_t n = strlen(syn[i][0]);
			if (paren == n && !strncmp(b.ptr, syn[i][0], n)) {
				rt_buf_puts(out, syn[i][1]);
				rt_buf_puts(out, b.ptr + n);
				rt_buf_free(&b);
				return;
			}
		}
	}
	rt_buf_puts(out, b.ptr);
	rt_buf_free(&b);
}

bool rt_expr_mentions(const char *expr, const char *name)
{
	size_t pos = 0;
	if (!expr)
		return false;
	for (;;) {
		rt_tok t = rt_tok_next(expr, &pos);
		if (t.kind == RT_TOK_END)
			return false;
		if (t.kind != RT_TOK_WORD && t.kind != RT_TOK_QIDENT)
			continue;
		char *id = rt_tok_ident(&t);
		bool same = strcasecmp(id, name) == 0;
		free(id);
		if (same)
			return true;
	}
}

void rt_put_name_unless(rt_buf *b, const char *name, const char *also, const char *const *reserved)
{
	bool plain = (*name >= 'a' && *name <= 'z') || *name == '_';
	for (const char *p = name; plain && *p; p++)
		plain = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' ||
			strchr(also, *p);
	for (size_t i = 0; plain && reserved[i]; i++)
		plain = strcmp(reserved[i], name) != 0;
	if (plain)
		rt_buf_puts(b, name);
	else
		rt_buf_put_ident(b, name);
}
