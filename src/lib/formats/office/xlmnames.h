/*
 * xlmnames.h -- the names of BIFF records, formula tokens, functions and
 * macro-sheet commands as clamscan's workbook dump prints them
 * (xlmnames.c). A NULL entry has no name.
 */
#ifndef VIGIL_FORMATS_OFFICE_XLMNAMES_H
#define VIGIL_FORMATS_OFFICE_XLMNAMES_H

#define XLM_RECORD_NAMES 2251
#define XLM_FUNCTIONS 380
#define XLM_COMMANDS 809
#define XLM_TOKENS 126

extern const char *const xlm_record_names[XLM_RECORD_NAMES];
extern const char *const xlm_functions[XLM_FUNCTIONS];
extern const char *const xlm_commands[XLM_COMMANDS];
extern const char *const xlm_tokens[XLM_TOKENS];

#endif
