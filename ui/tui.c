/* The console: terminal set-up and restore, keys, prompts and the redraw
 * timer.  Everything runs on the re_main thread; keys arrive through
 * fd_listen on stdin, so a key press is handled between two RTP ticks and
 * nothing here waits for the terminal. */
#define _GNU_SOURCE 1
#include <langinfo.h>
#include <locale.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <ncurses.h>
#include <re.h>
#include "base/event.h"
#include "base/log.h"
#include "base/util.h"
#include "sip/app.h"
#include "draw.h"
#include "keys.h"
#include "model.h"
#include "session.h"
#include "tui.h"
#include "tui_int.h"
#include "view.h"

enum { REDRAW_MS = 100 };

static volatile sig_atomic_t winch_flag, hangup_flag;
static struct sigaction old_fatal[NSIG];
static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL,
				    SIGABRT};

/* A crash must not leave the terminal raw: restore it, then let the
 * previous handler (the default, or a sanitizer's) see the signal. */
static void fatal_handler(int sig)
{
	endwin();
	(void)sigaction(sig, &old_fatal[sig], NULL);
	(void)raise(sig);
}

static void winch_handler(int sig)
{
	(void)sig;
	winch_flag = 1;
}

static void hup_handler(int sig)
{
	(void)sig;
	hangup_flag = 1;
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = fatal_handler;
	sa.sa_flags = SA_RESETHAND;
	for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++)
		(void)sigaction(fatal_signals[i], &sa,
				&old_fatal[fatal_signals[i]]);

	sa.sa_flags = SA_RESTART;
	sa.sa_handler = winch_handler;
	(void)sigaction(SIGWINCH, &sa, NULL);
	sa.sa_handler = hup_handler;
	(void)sigaction(SIGHUP, &sa, NULL);
}

static void restore_signals(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(fatal_signals); i++)
		(void)sigaction(fatal_signals[i],
				&old_fatal[fatal_signals[i]], NULL);
	(void)signal(SIGWINCH, SIG_DFL);
	(void)signal(SIGHUP, SIG_DFL);
}

/* ---- drawing ---- */

static void redraw(struct tui *t)
{
	tui_fix_selection(t);
	keys_status(t->view.status, sizeof(t->view.status), &t->view,
		    t->model);
	draw_screen(&t->view, t->model);
	refresh();
	t->model->dirty = false;
}

static void resize(struct tui *t)
{
	struct winsize ws;

	winch_flag = 0;
	t->model->dirty = true;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row &&
	    ws.ws_col)
		resizeterm(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
}

static void stdin_closed(struct tui *t)
{
	fd_close(STDIN_FILENO);
	t->stdin_listening = false;
	if (!t->quitting) {
		t->quitting = true;
		app_quit(t->app);
	}
}

static void input_handler(int flags, void *arg)
{
	struct tui *t = arg;
	struct pollfd pfd = {STDIN_FILENO, POLLIN, 0};
	int ch, keys = 0;

	(void)flags;
	while ((ch = getch()) != ERR) {
		++keys;
		if (ch == KEY_RESIZE)
			winch_flag = 1;
		else
			tui_key(t, ch);
	}
	/* Readable without a key: the terminal went away. */
	if (!keys && poll(&pfd, 1, 0) == 1 &&
	    (pfd.revents & (POLLHUP | POLLERR | POLLNVAL) ||
	     (pfd.revents & POLLIN && read(STDIN_FILENO, &ch, 1) == 0))) {
		stdin_closed(t);
		return;
	}
	if (winch_flag)
		resize(t);
	redraw(t);
}

static void tick(void *arg)
{
	struct tui *t = arg;

	tmr_start(&t->tmr, REDRAW_MS, tick, t);
	if (hangup_flag) {
		hangup_flag = 0;
		stdin_closed(t);
	}
	if (winch_flag)
		resize(t);
	ui_model_tick(t->model, evbus_time(t->app->env.bus));
	if (t->model->dirty)
		redraw(t);
}

static void errfd_handler(int flags, void *arg)
{
	(void)flags;
	(void)arg;
	log_capture_read();
}

/* Warnings and library output land on the message line. */
static void log_line(bool error, const char *line, void *arg)
{
	struct tui *t = arg;

	ui_model_message(t->model, error, "%s", line);
}

/* ---- life cycle ---- */

static void tui_destructor(void *arg)
{
	struct tui *t = arg;

	tmr_cancel(&t->tmr);
	if (t->stdin_listening)
		fd_close(STDIN_FILENO);
	if (t->errfd >= 0)
		fd_close(t->errfd);
	endwin();
	restore_signals();
	log_capture_end();
	mem_deref(t->sub);
	mem_deref(t->session);
	mem_deref(t->model);
}

static bool want_color(void)
{
	const char *no = getenv("NO_COLOR");

	return has_colors() && !(no && *no);
}

static int start_curses(void)
{
	bool utf8, color;

	setlocale(LC_ALL, "");
	utf8 = !strcmp(nl_langinfo(CODESET), "UTF-8");
	/* Escape sequences arrive together; a lone Esc is a key. */
	set_escdelay(25);
	/* newterm, unlike initscr, returns instead of exiting on a
	 * terminal type it does not know. */
	if (!newterm(NULL, stdout, stdin))
		return ENOEXEC;
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	color = want_color();
	if (color)
		start_color();
	draw_init(utf8, color);
	return 0;
}

int tui_alloc(struct tui **tp, struct app *app, const char *replay_opts)
{
	struct tui *t;
	int e;

	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return ENOTTY;

	t = mem_zalloc(sizeof(*t), tui_destructor);
	if (!t)
		return ENOMEM;
	t->app = app;
	str_copy(t->replay_opts, sizeof(t->replay_opts), replay_opts);
	t->errfd = -1;
	tmr_init(&t->tmr);

	e = ui_model_alloc(&t->model);
	if (!e)
		e = evbus_subscribe(&t->sub, app->env.bus, ui_model_event,
				    t->model);
	if (!e)
		e = session_alloc(&t->session, app->env.bus);
	if (e)
		goto out;

	e = log_capture_begin(&t->errfd, log_line, t);
	if (e)
		goto out;
	if (t->errfd >= 0)
		(void)fd_listen(t->errfd, FD_READ, errfd_handler, t);

	e = start_curses();
	if (e)
		goto out;
	install_signals();

	e = fd_listen(STDIN_FILENO, FD_READ, input_handler, t);
	if (e)
		goto out;
	t->stdin_listening = true;
	t->view.focus = PANE_INSTS;
	tmr_start(&t->tmr, 0, tick, t);

 out:
	if (e)
		mem_deref(t);
	else
		*tp = t;
	return e;
}
