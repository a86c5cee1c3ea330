/* lpmap: entry point and subcommand dispatch (docs/usage.md, command line). */
#include <stdio.h>
#include <string.h>

#include "cli/cli_args.h"
#include "cli/commands.h"

typedef struct {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} command;

static const command commands[] = {
    {"batch", cmd_batch, "map surface potentials for a date range (the main job)"},
    {"simulate", cmd_simulate, "write a synthetic dataset with known truth in the PDS layout"},
    {"plot", cmd_plot, "draw maps, histograms and time series from an NPZ as PNG"},
    {"download", cmd_download, "fetch the real ER archive, tables and SPICE kernels"},
    {"info", cmd_info, "show what this build and machine can do (threads, CUDA, GPUs)"},
    {"bench", cmd_bench, "benchmark a stage on generated inputs (losscone, kappa, parse, batch)"},
    {"spice", cmd_spice, "query the built-in SPICE subset (info, pos, et, xform)"},
    {"grid", cmd_grid, "bin batch NPZ rows into a lat/lon grid of statistics (NPZ + NetCDF)"},
    {"sites", cmd_sites, "statistics of the footpoints near named sites (CSV)"},
};

static void print_help(FILE *out)
{
    fprintf(out,
            "lpmap %s — Lunar Prospector Electron Reflectometer surface-potential mapper\n\n"
            "usage: lpmap COMMAND [OPTIONS]    (lpmap COMMAND --help for details)\n\n"
            "commands:\n",
            LPMAP_VERSION);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\noptions:\n  -h, --help     this help\n  --version      print the version\n\n"
                 "example:\n  lpmap simulate --out sim && lpmap batch --data-dir sim --fast\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        print_help(stderr);
        return EXIT_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "-h") || !strcmp(name, "--help") || !strcmp(name, "help")) {
        print_help(stdout);
        return 0;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "version")) {
        printf("lpmap %s\n", LPMAP_VERSION);
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(name, commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    fprintf(stderr, "lpmap: unknown command '%s' (see 'lpmap --help')\n", name);
    return EXIT_USAGE;
}
