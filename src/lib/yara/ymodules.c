/*
 * ymodules.c -- the table of the modules Vigil has, and one scan's
 * modules, each loaded when a condition first names it.
 */
#include "yara/ymodules.h"

#include <string.h>

static const struct ym_module *const modules[] = {
	&ym_pe, &ym_elf, &ym_math, &ym_hash, &ym_time, &ym_console, &ym_string,
	&ym_magic,
};

const struct ym_module *ym_module_find(const char *name, int *index)
{
	size_t i;

	for (i = 0; i < sizeof(modules) / sizeof(*modules); i++)
		if (!strcmp(modules[i]->name, name)) {
			if (index)
				*index = (int)i;
			return modules[i];
		}
	return NULL;
}

const struct ym_module *ym_module_at(int index)
{
	return index >= 0 && (size_t)index < sizeof(modules) / sizeof(*modules) ?
		       modules[index] : NULL;
}

struct ym_obj *ym_scan_root(struct ym_scan *s, int index)
{
	const struct ym_module *m = ym_module_at(index);

	if (!m)
		return NULL;
	if (!s->loaded[index]) {
		s->loaded[index] = 1;
		s->root[index] = ym_new(s, m->root->nmembers);
		if (s->root[index] && m->load &&
		    m->load(s, s->root[index], &s->priv[index]) != 0)
			s->oom = 1;
	}
	return s->root[index];
}

void ym_scan_free(struct ym_scan *s)
{
	size_t i;

	for (i = 0; i < YM_MAX_MODULES; i++)
		if (s->loaded[i] && ym_module_at((int)i)->unload)
			ym_module_at((int)i)->unload(s->priv[i]);
	yr_arena_free(s->arena);
	memset(s->loaded, 0, sizeof(s->loaded));
	memset(s->priv, 0, sizeof(s->priv));
	s->arena = NULL;
}

