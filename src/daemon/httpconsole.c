/*
 * httpconsole.c -- the console's three files at /, /console.js and
 * /console.css (HTTPConsole yes), with a Content-Security-Policy that lets
 * the page load nothing but them and talk to nothing but this vigild. The
 * data it shows comes from the API, with the API's token.
 */
#include "console.h"
#include "httpint.h"

static const char csp[] =
	"default-src 'none'; script-src 'self'; style-src 'self'; "
	"connect-src 'self'; img-src 'self' data:; form-action 'none'; "
	"frame-ancestors 'none'; base-uri 'none'";

static void file(struct hreq *rq, const char *type, const char *data,
		 size_t len)
{
	if (!rq->h->svc->conf->http_console) {
		reply_error(rq, 404, "not_found", "the console is off "
			    "(HTTPConsole no)");
		return;
	}
	reply_bytes(rq, 200, type, data, len);
	MHD_add_response_header(rq->resp, "Content-Security-Policy", csp);
	MHD_add_response_header(rq->resp, "X-Frame-Options", "DENY");
	MHD_add_response_header(rq->resp, "Referrer-Policy", "no-referrer");
}

void console_page(struct hreq *rq)
{
	file(rq, "text/html; charset=utf-8", console_html, console_html_len);
}

void console_script(struct hreq *rq)
{
	file(rq, "text/javascript; charset=utf-8", console_js,
	     console_js_len);
}

void console_style(struct hreq *rq)
{
	file(rq, "text/css; charset=utf-8", console_css, console_css_len);
}
