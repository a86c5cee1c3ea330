/* Entry points of the subcommands; each returns the process exit code
 * (0 success, 1 a run that failed, 2 usage error). */
#ifndef LPMAP_CLI_COMMANDS_H
#define LPMAP_CLI_COMMANDS_H

int cmd_batch(int argc, char **argv);
int cmd_simulate(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_download(int argc, char **argv);
int cmd_info(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_spice(int argc, char **argv);
int cmd_grid(int argc, char **argv);
int cmd_sites(int argc, char **argv);

#endif
