/* The diagnostic log: stderr, or a file (-l) while the console owns the
 * terminal.  libre's own stderr output is sent to the same place. */
#ifndef SIPFLOW_LOG_H
#define SIPFLOW_LOG_H

#include <stdbool.h>


int  log_open(const char *path);   /* NULL: stderr */
void log_close(void);
void log_warn(const char *fmt, ...);
/* Fatal errors and scenario failures: to the log and, when the log is a
 * file, to the terminal's stderr as well, so -l never hides them. */
void log_error(const char *fmt, ...);

/* While the console owns the terminal.  Our warnings and errors go to
 * H (the message line) as well as to the log file; without a log file,
 * what libraries write to stderr goes into a pipe instead of onto the
 * screen: *FDP is its read end (or -1 with a log file, which already has
 * stderr) and log_capture_read() passes its lines to H.  The errors are
 * repeated on the terminal by log_capture_end(), so none is lost. */
typedef void (log_line_h)(bool error, const char *line, void *arg);
int  log_capture_begin(int *fdp, log_line_h *h, void *arg);
void log_capture_read(void);
void log_capture_end(void);

#endif
