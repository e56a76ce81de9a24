/* The diagnostic log: stderr, or a file (-l) while the console owns the
 * terminal.  libre's own stderr output is sent to the same place. */
#ifndef SIPFLOW_LOG_H
#define SIPFLOW_LOG_H


int  log_open(const char *path);   /* NULL: stderr */
void log_close(void);
void log_warn(const char *fmt, ...);
/* Fatal errors and scenario failures: to the log and, when the log is a
 * file, to the terminal's stderr as well, so -l never hides them. */
void log_error(const char *fmt, ...);

#endif
