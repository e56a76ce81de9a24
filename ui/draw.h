/* Paint the console: title, instances pane, calls pane, the detail pane
 * (SDP side by side, SIP ladder, event log), status line, message line and
 * the help overlay.  Only visible rows are drawn, so the cost follows the
 * terminal size, not the number of calls. */
#ifndef SIPFLOW_UI_DRAW_H
#define SIPFLOW_UI_DRAW_H

#include <stdbool.h>

struct ui_model;
struct ui_view;

/* Choose glyphs and colors once, after initscr().  UTF8 false: ASCII only
 * ("REC" for the recording dot, "-->" arrows, "-" and "|" lines).  COLOR
 * false (a monochrome terminal or NO_COLOR): attributes only. */
void draw_init(bool utf8, bool color);
/* Paint everything into stdscr; the caller calls refresh(). */
void draw_screen(struct ui_view *v, const struct ui_model *m);

#endif
