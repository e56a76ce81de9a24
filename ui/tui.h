/* The ncurses operator console: it subscribes to the event stream, reads
 * keys with fd_listen on stdin and redraws from a 10 Hz timer, all on the
 * re_main thread, so it never blocks a call. */
#ifndef SIPFLOW_UI_TUI_H
#define SIPFLOW_UI_TUI_H

struct app;
struct tui;

/* Take over the terminal (stdin and stdout must be one).  REPLAY_OPTS
 * are the options the replay hint that `:save` writes (" -c F -p N").  Freeing the object
 * restores the terminal; so does a fatal signal. */
int tui_alloc(struct tui **tp, struct app *app, const char *replay_opts);

#endif
