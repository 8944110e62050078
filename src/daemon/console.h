/*
 * console.h -- the console's files (dist/console/), built into vigild by
 * scripts/embed.py: the page works offline and fetches nothing from
 * elsewhere.
 */
#ifndef VIGILD_CONSOLE_H
#define VIGILD_CONSOLE_H

#include <stddef.h>

extern const char console_html[], console_js[], console_css[];
extern const size_t console_html_len, console_js_len, console_css_len;

#endif
