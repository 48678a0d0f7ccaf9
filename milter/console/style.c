/*
 * style - the console's one stylesheet (GET /style.css)
 *
 * SYNOPSIS
 *	page_stylesheet()
 *
 * DESCRIPTION
 *	System fonts only (nothing is loaded from elsewhere), readable on
 *	a school laptop and a phone (one column under 40em), and a print
 *	style that drops the navigation and forms so a report prints for
 *	governors as it reads on screen.
 *
 * SPDX-License-Identifier: MIT
 */
#include "console/console.h"
#include "util/html.h"

static const char style_css[] =
":root{--ink:#1b1b1b;--muted:#5b5b5b;--line:#d0d0d0;--accent:#1d4e89;"
"--bad:#a4000f;--good:#135e1a;--back:#f6f6f4}\n"
"*{box-sizing:border-box}\n"
"body{margin:0;font:16px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
"Arial,sans-serif;color:var(--ink);background:#fff}\n"
"header{background:var(--accent);color:#fff;padding:.5em 1em;display:flex;"
"flex-wrap:wrap;align-items:center;gap:1em}\n"
"header .brand{margin:0;font-weight:600}\n"
"nav{display:flex;flex-wrap:wrap;align-items:center;gap:1em;flex:1}\n"
"nav ul{list-style:none;margin:0;padding:0;display:flex;gap:1em;flex:1}\n"
"nav a{color:#fff}\nnav a[aria-current]{font-weight:700}\n"
"nav form{margin:0}\nmain{padding:1em;max-width:80em}\n"
"h1{font-size:1.5em;margin:.2em 0 .6em}\nh2{font-size:1.2em;"
"margin-top:1.5em}\n"
"table{border-collapse:collapse;width:100%;margin:.5em 0}\n"
"th,td{border-bottom:1px solid var(--line);padding:.35em .5em;"
"text-align:left;vertical-align:top}\n"
"th{background:var(--back)}\ntd.num,th.num{text-align:right}\n"
"td.wrap{word-break:break-word}\n"
"pre.text{white-space:pre-wrap;word-break:break-word;background:var(--back);"
"border:1px solid var(--line);padding:.75em;max-height:40em;overflow:auto}\n"
"dl.envelope{display:grid;grid-template-columns:max-content 1fr;gap:.2em 1em}"
"\ndl.envelope dt{font-weight:600}\ndl.envelope dd{margin:0;"
"word-break:break-word}\n"
"form.filters,form.actions,form.login{display:flex;flex-wrap:wrap;gap:.5em;"
"align-items:end;margin:.5em 0;padding:.5em;background:var(--back)}\n"
"form.login{flex-direction:column;align-items:stretch;max-width:22em}\n"
"label{display:flex;flex-direction:column;font-size:.9em;gap:.15em}\n"
"input,select,button,textarea{font:inherit;padding:.3em .5em}\n"
"button{background:var(--accent);color:#fff;border:0;border-radius:3px;"
"cursor:pointer}\n"
".error{color:var(--bad);font-weight:600}\n.done{color:var(--good);"
"font-weight:600}\n"
".status-held{color:var(--bad)}\n.pager{display:flex;gap:1em}\n"
"svg.chart{max-width:100%;height:auto}\n"
"svg.chart text{font:12px system-ui,sans-serif}\n"
"@media (max-width:40em){table.list thead{display:none}"
"table.list tr{display:block;border-bottom:2px solid var(--line)}"
"table.list td{display:block;border:0}}\n"
"@media print{header,nav,form,.pager,.noprint{display:none}"
"body{font-size:11pt}main{max-width:none;padding:0}"
"h2{break-after:avoid}table,svg{break-inside:avoid}"
"a{color:inherit;text-decoration:none}}\n";

/* page_stylesheet - the stylesheet */
void
page_stylesheet(struct request *r, struct reply *out)
{
	(void)r;
	out->type = "text/css; charset=utf-8";
	html_raw(out->body, style_css);
}
