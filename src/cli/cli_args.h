/* Small helpers shared by the subcommands: strict number parsing with
 * one-line usage errors (exit code 2 is decided by the caller). */
#ifndef LPMAP_CLI_ARGS_H
#define LPMAP_CLI_ARGS_H

#include <stdint.h>

#define EXIT_USAGE 2
#define EXIT_FAILED 1

/* Parse an integer/double option value; on failure print
 * "lpmap CMD: invalid value for --NAME: 'TEXT' (why)" and return -1. */
int cli_parse_long(const char *cmd, const char *name, const char *text, long min, long max,
                   long *out);
int cli_parse_u64(const char *cmd, const char *name, const char *text, uint64_t *out);
int cli_parse_double(const char *cmd, const char *name, const char *text, double min, double max,
                     double *out);
/* Print "lpmap CMD: MESSAGE" plus a hint to use --help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print "lpmap CMD: MESSAGE" (the one format of every subcommand's fatal
 * error); returns EXIT_FAILED. */
int cli_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Exit code of a cancelled run: 128 + the signal (130 SIGINT, 143 SIGTERM). */
int cli_exit_cancelled(void);
/* Usage error (printed, -1) for a day the month does not have (31 April,
 * 29 February of a common year); 0 when fine or not all fields given. */
int cli_check_date(const char *cmd, int year, int month, int day);
/* Configure the logger from -v / --quiet counts. */
void cli_set_verbosity(int verbose, int quiet);

#endif
