/*
 * yrmodref.h -- a module's values named in a condition (pe.sections[0].name,
 * math.entropy(0, filesize), a loop's variable over pe.sections), checked
 * against the module's declarations as the parser reads them (yrexpr.c):
 * an unknown field, an index into what is no array, a function called
 * with arguments none of its forms takes, are compile errors as in yara.
 * Each returns 0, or -1 with the error reported.
 */
#ifndef VIGIL_YARA_YRMODREF_H
#define VIGIL_YARA_YRMODREF_H

#include "yara/yrstate.h"

/* Identifier n, read: a module, or a loop variable holding its values. */
int yr_ref_base(struct yr_parser *p, struct yr_node *n);
/* m->a.name, m->a[index], call->a(args). A member that is a constant
 * becomes a literal. */
int yr_ref_member(struct yr_parser *p, struct yr_node *m);
int yr_ref_index(struct yr_parser *p, struct yr_node *m);
int yr_ref_call(struct yr_parser *p, struct yr_node *call);
/* What for..in's nvars variables over iterator it hold: vd[k] (NULL: an
 * integer) and the module's index mod[k]. */
int yr_ref_loop(struct yr_parser *p, const struct yr_node *it, int nvars,
		const struct ym_decl **vd, int *mod);
/* The type of an expression as far as the parser knows: 'i' (integers
 * and booleans), 'f', 's', 'r' (a regex argument), 'o' (a structure,
 * array or dictionary), '?' (known only when scanned). */
char yr_type_of(const struct yr_node *n);

#endif
