/*
 * finops-report: main only wires the stages: parse the options, collect,
 * decide (report, thresholds), render, and return the exit code (see
 * --help). Each stage returns FR_CONTINUE or the exit code; whatever it
 * returned, the run and the configuration are freed.
 */
#include "cli.h"

int main(int argc, char **argv)
{
	fr_config cfg;
	fr_run run;
	fr_run_init(&run);
	int rc = fr_config_parse(&cfg, argc, argv);
	if (rc == FR_CONTINUE)
		rc = fr_run_collect(&cfg, &run);
	if (rc == FR_CONTINUE)
		rc = fr_run_decide(&cfg, &run);
	if (rc == FR_CONTINUE)
		rc = fr_run_render(&cfg, &run);
	fr_run_stats(&cfg, &run);
	fr_run_free(&run);
	fr_config_free(&cfg);
	return rc;
}
