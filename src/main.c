/* sipflow: a terminal SIP call-flow simulator and operator console. */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <re.h>
#include "base/event.h"
#include "base/log.h"
#include "base/util.h"
#include "media/monitor.h"
#include "sip/app.h"
#include "sip/conf.h"
#include "ctl/runner.h"
#include "ctl/scenario.h"
#include "ui/keys.h"
#include "ui/tui.h"

struct options {
	const char *config;
	const char *scenario;
	const char *events;
	const char *record_dir;
	const char *log;
	const char *audio_device;
	int port_base;
	bool headless;
};

static struct app *the_app;
static struct runner *the_runner;

static void usage(FILE *f)
{
	fprintf(f,
"usage: sipflow [-c FILE] [-s FILE] [-H] [-e FILE] [-r DIR] [-l FILE]\n"
"               [-p PORT] [--audio-device NAME] [-V] [-h]\n"
"       sipflow --list-audio-devices | --keys\n"
"  -c, --config FILE     instances and settings (sipflow.conf(5)); without\n"
"                        it two instances, alice (1001) and bob (1002)\n"
"  -s, --scenario FILE   run a call flow (sipflow-scenario(5))\n"
"  -H, --headless        no console; the event stream goes to stdout\n"
"  -e, --events FILE     also write the event stream (JSON lines) to FILE\n"
"  -r, --record-dir DIR  where recordings go\n"
"  -l, --log FILE        diagnostic log (libre's stderr goes there too)\n"
"  -p, --port-base PORT  first SIP port for instances without a port\n"
"      --audio-device NAME  where `monitor` plays (default: the default\n"
"                        output; see --list-audio-devices)\n"
"      --list-audio-devices  print the audio output devices and exit\n"
"      --keys            print the console's keys and exit\n"
"  -V, --version         print the version\n"
"  -h, --help            this help\n"
"Exit status: 0 success, 1 a scenario step failed, 2 usage or\n"
"configuration error, 3 runtime error.\n");
}

static int parse_args(struct options *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config",     required_argument, NULL, 'c'},
		{"scenario",   required_argument, NULL, 's'},
		{"headless",   no_argument,       NULL, 'H'},
		{"events",     required_argument, NULL, 'e'},
		{"record-dir", required_argument, NULL, 'r'},
		{"log",        required_argument, NULL, 'l'},
		{"port-base",  required_argument, NULL, 'p'},
		{"audio-device", required_argument, NULL, 'A'},
		{"list-audio-devices", no_argument, NULL, 'L'},
		{"keys",       no_argument,       NULL, 'K'},
		{"keys-man",   no_argument,       NULL, 'M'},
		{"version",    no_argument,       NULL, 'V'},
		{"help",       no_argument,       NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));

	while ((c = getopt_long(argc, argv, "c:s:He:r:l:p:Vh", longopts,
				NULL)) != -1) {
		switch (c) {

		case 'c': o->config = optarg; break;
		case 's': o->scenario = optarg; break;
		case 'H': o->headless = true; break;
		case 'e': o->events = optarg; break;
		case 'r': o->record_dir = optarg; break;
		case 'l': o->log = optarg; break;
		case 'A': o->audio_device = optarg; break;
		case 'L':
			exit(monitor_list_devices(stdout) ? EXIT_RUNTIME :
			     EXIT_OK);
		case 'K':
		case 'M':
			keys_print(stdout, c == 'M');
			exit(EXIT_OK);
		case 'p': {
			char *end;
			long v = strtol(optarg, &end, 10);
			if (*end || v < 1 || v > 65535) {
				fprintf(stderr, "sipflow: -p: '%s' is not a "
					"port\n", optarg);
				return EXIT_USAGE;
			}
			o->port_base = (int)v;
			break;
		}
		case 'V':
			printf("sipflow %s\n", VERSION);
			exit(EXIT_OK);
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}

	if (optind < argc) {
		fprintf(stderr, "sipflow: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

static void signal_handler(int sig)
{
	char why[64];

	if (!the_app) {
		re_cancel();
		return;
	}

	/* An interrupted scenario did not pass. */
	if (the_runner && !the_app->stopping) {
		snprintf(why, sizeof(why), "interrupted by signal %d", sig);
		runner_abort(the_runner, why);
		return;
	}

	app_stop(the_app, the_app->stopping ? the_app->exit_code : EXIT_OK);
}

/* Quitting the console before the scenario ended: it did not pass. */
static void quit_scenario(struct app *app, void *arg)
{
	(void)arg;
	runner_abort(the_runner, "the operator quit");
	if (!app->stopping)    /* it had already run to the end */
		app_stop(app, EXIT_OK);
}

int main(int argc, char **argv)
{
	struct options opt;
	struct conf *conf = NULL;
	struct scenario *scn = NULL;
	struct runner *runner = NULL;
	struct evlog *out = NULL, *file_log = NULL;
	struct tui *tui = NULL;
	FILE *events = NULL;
	char err[512] = "";
	int rc, e;

	rc = parse_args(&opt, argc, argv);
	if (rc)
		return rc;

	/* Writing to a peer that went away must be an error, not a kill. */
	signal(SIGPIPE, SIG_IGN);
	/* Past a file size limit, writes fail with EFBIG (a recording stops
	 * with an error) instead of the signal killing every call. */
	signal(SIGXFSZ, SIG_IGN);

	e = libre_init();
	if (e) {
		fprintf(stderr, "sipflow: libre_init: %s\n", strerror(e));
		return EXIT_RUNTIME;
	}

	e = app_raise_fd_limit();
	if (e)
		log_warn("cannot raise the file descriptor limit: %m", e);

	if (log_open(opt.log)) {
		fprintf(stderr, "sipflow: cannot open log %s: %s\n", opt.log,
			strerror(errno));
		rc = EXIT_USAGE;
		goto out;
	}

	e = opt.config ? conf_load(&conf, opt.config, err, sizeof(err)) :
		conf_default(&conf);
	if (e) {
		log_error("%s", err[0] ? err : strerror(e));
		rc = EXIT_USAGE;
		goto out;
	}
	if (opt.record_dir)
		str_copy(conf->record_dir, sizeof(conf->record_dir),
			 opt.record_dir);
	conf_assign_ports(conf, opt.port_base ? (uint16_t)opt.port_base :
			  conf->port_base);

	if (opt.scenario) {
		e = scenario_load(&scn, opt.scenario, conf, err, sizeof(err));
		if (e) {
			log_error("%s", err);
			rc = EXIT_USAGE;
			goto out;
		}
	}

	if (opt.events) {
		events = fopen(opt.events, "w");
		if (!events) {
			log_error("cannot write %s: %s", opt.events,
				  strerror(errno));
			rc = EXIT_USAGE;
			goto out;
		}
	}

	e = app_alloc(&the_app, conf);
	if (e) {
		log_error("%s", strerror(e));
		rc = EXIT_RUNTIME;
		goto out;
	}
	the_app->env.audio_device = opt.audio_device;

	/* Subscribers first, so ua.ready reaches them. */
	if (events)
		(void)evlog_alloc(&file_log, the_app->env.bus, events);
	if (opt.headless) {
		(void)evlog_alloc(&out, the_app->env.bus, stdout);
	}
	else {
		char replay[300];

		/* What `:save` puts in its replay hint. */
		re_snprintf(replay, sizeof(replay), "%s%s%s%d",
			    opt.config ? " -c " : "",
			    opt.config ? opt.config : "", " -p ",
			    opt.port_base ? opt.port_base : conf->port_base);
		e = tui_alloc(&tui, the_app, replay);
		if (e) {
			if (e == ENOTTY)
				log_error("the console needs a terminal; use -H "
					  "to run headless");
			else if (e == ENOEXEC)
				log_error("the console does not know terminal "
					  "type '%s'; set TERM or use -H",
					  getenv("TERM") ? getenv("TERM") : "");
			else
				log_error("cannot start the console: %m", e);
			rc = EXIT_USAGE;
			goto out;
		}
	}

	e = app_start(the_app, err, sizeof(err));
	if (e) {
		log_error("%s", err[0] ? err : strerror(e));
		rc = EXIT_RUNTIME;
		goto out;
	}

	if (scn) {
		e = runner_start(&runner, the_app, scn);
		the_runner = runner;
		the_app->quit_h = quit_scenario;
		if (e) {
			log_error("scenario: %s", strerror(e));
			rc = EXIT_RUNTIME;
			goto out;
		}
	}

	(void)re_main(signal_handler);
	rc = the_app->exit_code;

 out:
	/* The terminal first, so what follows is readable. */
	tui = mem_deref(tui);
	the_runner = NULL;
	mem_deref(runner);
	mem_deref(scn);
	mem_deref(out);
	mem_deref(file_log);
	the_app = mem_deref(the_app);
	mem_deref(conf);
	if (events)
		fclose(events);
	log_close();
	libre_close();
	return rc;
}
