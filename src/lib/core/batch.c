/*
 * batch.c -- files scanned a batch at a time (vigil_scanner_scan_paths):
 * the small ones read first, one after another into one buffer (up to
 * SCANNER_BATCH_FILES of them, SCANNER_BATCH_BYTES in all), the two
 * normalised forms of those that are web pages made, and the MD5 and
 * SHA-256 hash signatures want of each file and form computed together
 * (mblanes.c: the more buffers, the more of its lanes stay busy while the
 * longest finish; a page's forms hashed alone took a third of its scan);
 * then each scanned in order, with its type, forms and digests given, as
 * vigil_scanner_scan_path() scans it. A file that cannot be read ahead
 * (too big, not regular, gone, unreadable) is left to
 * vigil_scanner_scan_path() at its turn, which tells why.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/filetype.h"
#include "core/htmlnorm.h"
#include "core/md5many.h"
#include "core/sha256many.h"
#include "core/scanner_int.h"
#include "util/fileio.h"
#include "vigil/vigil.h"

/* Files and forms of a batch (a page has two). */
#define BATCH_HASHED (3 * SCANNER_BATCH_FILES)

/* A buffer whose digests may be wanted, and where they go (with what
 * the file hash signatures want of its size). */
struct hashed {
	const uint8_t *buf;
	size_t len;
	struct digests *d;
};

/* Where the files of a batch lie in s->ahead (len 0: not read ahead),
 * their types, digests and, for pages (made[j]), forms; and the room
 * their hashing takes (on the heap with the rest: a thread's stack may
 * be small). */
struct batch {
	size_t off[SCANNER_BATCH_FILES], len[SCANNER_BATCH_FILES];
	int type[SCANNER_BATCH_FILES], made[SCANNER_BATCH_FILES];
	int text[SCANNER_BATCH_FILES];
	struct digests d[SCANNER_BATCH_FILES];
	struct page_forms pf[SCANNER_BATCH_FILES];
	struct hashed o[BATCH_HASHED];
	const uint8_t *hbuf[BATCH_HASHED];
	size_t hlen[BATCH_HASHED], which[BATCH_HASHED];
	uint8_t md5[BATCH_HASHED][16], sha[BATCH_HASHED][32];
};
/* Pages' forms are made ahead while each buffer of them holds less:
 * pages past it make theirs at their turn, in the scanner's own. */
#define BATCH_FORMS_BYTES (8u << 20)

/* Appends path to s->ahead if it is a regular file of 1 to
 * SCANNER_BATCH_FILE_BYTES bytes: its length, 0 if not read, or
 * SIZE_MAX if it would take the buffer past SCANNER_BATCH_BYTES. */
static size_t read_ahead(struct vigil_scanner *s, const char *path)
{
	struct vbuf *b = &s->ahead;
	size_t was = b->len, n = 0;
	struct stat st;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)) < 0)
		return 0;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    st.st_size <= SCANNER_BATCH_FILE_BYTES) {
		if (was && was + (size_t)st.st_size > SCANNER_BATCH_BYTES)
			n = SIZE_MAX;
		else if (file_read_append(fd, (size_t)st.st_size, b) == 0)
			n = b->len - was;
		else
			b->len = was;
	}
	close(fd);
	return n;
}

/* The digests of algorithm a (MD5 or SHA-256) of the buffers in o that
 * some hash signature wants it of (file_want), those of many at once;
 * the others' left empty. Without memory, none. */
static void digest_ahead(struct batch *t, size_t n, int a)
{
	size_t m = 0;
	int rc;

	for (size_t j = 0; j < n; j++)
		if (t->o[j].d->file_want & (1u << a)) {
			t->hbuf[m] = t->o[j].buf;
			t->hlen[m] = t->o[j].len;
			t->which[m++] = j;
		}
	if (m < 2)
		return; /* one alone: no faster here than in its scan */
	rc = a == HASH_MD5 ? md5_many(t->hbuf, t->hlen, m, t->md5) :
			     sha256_many(t->hbuf, t->hlen, m, t->sha);
	if (rc != 0)
		return;
	for (size_t i = 0; i < m; i++) {
		struct digests *d = t->o[t->which[i]].d;

		memcpy(d->d[a], a == HASH_MD5 ? t->md5[i] : t->sha[i],
		       a == HASH_MD5 ? 16 : 32);
		d->have |= 1u << a;
	}
}

/* 1 if the engine has hash signatures of whole files. */
static int file_hashes(const struct vigil_engine *e)
{
	for (size_t i = 0; i < e->nshards; i++)
		for (int a = 0; a < HASH_NALGO; a++)
			if (e->shards[i].v.nhash[HT_FILE + a])
				return 1;
	return 0;
}

/* The forms of file j, a page, appended to s->forms (both: a file read
 * ahead is below HTML_TEXT_MAX_BYTES); 0 if they could not be made (its
 * scan makes them, and says why). */
static int make_forms(struct vigil_scanner *s, struct batch *t, size_t j)
{
	struct page_forms *f = &t->pf[j];
	int k;

	for (k = 0; k < 2; k++)
		f->off[k] = s->forms[k].len;
	if (htmlnorm(s->ahead.data + t->off[j], t->len[j], &s->forms[0],
		     &s->forms[1]) < 0)
		return 0;
	for (k = 0; k < 2; k++) {
		f->len[k] = s->forms[k].len - f->off[k];
		f->d[k] = (struct digests){ 0 };
		f->text[k] = scanner_text_served(s, s->forms[k].data + f->off[k],
						 f->len[k]);
	}
	return 1;
}

/* File j's type, just read (while its bytes are in the cache), and the
 * forms of a page (with forms: where hash signatures may want their
 * digests). */
static void prepare_file(struct vigil_scanner *s, struct batch *t, size_t j,
			 int forms)
{
	t->made[j] = 0;
	if (!t->len[j])
		return;
	t->type[j] = filetype_detect(s->ahead.data + t->off[j], t->len[j]);
	t->text[j] = scanner_text_served(s, s->ahead.data + t->off[j],
					 t->len[j]);
	if (forms && t->type[j] == VIGIL_TYPE_HTML &&
	    filetype_norm_targets(t->type[j]) &&
	    s->forms[0].len < BATCH_FORMS_BYTES &&
	    s->forms[1].len < BATCH_FORMS_BYTES)
		t->made[j] = make_forms(s, t, j);
}

/* Every digest hash signatures want of the k files read and of the
 * forms made of them. */
static void digest_batch(struct vigil_scanner *s, struct batch *t, size_t k)
{
	struct hashed *o = t->o;
	size_t n = 0;

	for (size_t j = 0; j < k; j++)
		if (t->len[j])
			o[n++] = (struct hashed){ s->ahead.data + t->off[j],
						  t->len[j], &t->d[j] };
	/* the forms' places are known once all are made (the buffers grow);
	 * an empty form is not scanned */
	for (size_t j = 0; j < k; j++)
		for (int f = 0; f < 2 && t->made[j]; f++) {
			struct page_forms *pf = &t->pf[j];

			if (pf->len[f])
				o[n++] = (struct hashed){
					s->forms[f].data + pf->off[f],
					pf->len[f], &pf->d[f]
				};
		}
	for (size_t i = 0; i < n; i++)
		o[i].d->file_want = DIGESTS_WANT_KNOWN |
				    hashscan_wanted(s->e, HT_FILE, o[i].len);
	digest_ahead(t, n, HASH_MD5);
	digest_ahead(t, n, HASH_SHA256);
}

/* File j of the batch, read ahead, with what was made of it before. */
static int scan_ahead(struct vigil_scanner *s, const char *path,
		      const struct batch *t, size_t j, struct vigil_result *res)
{
	const uint8_t *buf = s->ahead.data + t->off[j];
	int rc;

	s->name = path;
	s->top_d = t->d[j];
	s->top_d_buf = buf;
	s->top_d_len = t->len[j];
	s->top_d_type = t->type[j];
	s->top_d_text = t->text[j];
	s->top_forms = t->made[j] ? &t->pf[j] : NULL;
	rc = scanner_scan_object(s, buf, t->len[j], res);
	s->top_d_buf = NULL;
	s->top_forms = NULL;
	s->name = s->given_name;
	return rc;
}

/* Up to k files from paths[0] (number first of the call), as many as the
 * buffer takes: how many were scanned, or SIZE_MAX if fn stopped. */
static size_t batch(struct vigil_scanner *s, struct batch *t,
		    const char *const *paths, size_t k, size_t first,
		    vigil_path_fn fn, void *ctx)
{
	int forms = file_hashes(s->e);
	size_t j;

	memset(t->d, 0, sizeof(t->d));
	s->ahead.len = 0;
	s->forms[0].len = s->forms[1].len = 0;
	for (j = 0; j < k; j++) {
		t->off[j] = s->ahead.len;
		if ((t->len[j] = read_ahead(s, paths[j])) == SIZE_MAX)
			break;
		prepare_file(s, t, j, forms);
	}
	k = j;
	digest_batch(s, t, k);
	for (j = 0; j < k; j++) {
		struct vigil_result r = { .size = sizeof(r) };
		int rc = t->len[j] ? scan_ahead(s, paths[j], t, j, &r) :
				     vigil_scanner_scan_path(s, paths[j], &r);

		if (fn(ctx, first + j, rc, rc ? NULL : &r))
			break;
	}
	/* forms of big pages are not kept between batches: a scanner holds
	 * no more than an entry buffer's worth of them between scans */
	for (int f = 0; f < 2; f++)
		if (s->forms[f].cap > WALK_BUF_KEEP_BYTES)
			vbuf_free(&s->forms[f]);
	return j < k ? SIZE_MAX : k;
}

/* The n files each scanned at its turn, none read ahead (without the
 * memory a batch takes). */
static int one_by_one(struct vigil_scanner *s, const char *const *paths,
		      size_t n, vigil_path_fn fn, void *ctx)
{
	for (size_t i = 0; i < n; i++) {
		struct vigil_result r = { .size = sizeof(r) };
		int rc = vigil_scanner_scan_path(s, paths[i], &r);

		if (fn(ctx, i, rc, rc ? NULL : &r))
			break;
	}
	return 0;
}

int vigil_scanner_scan_paths(struct vigil_scanner *s,
			     const char *const *paths, size_t n,
			     vigil_path_fn fn, void *ctx)
{
	struct batch *t;
	size_t i, k;

	if (!s || !fn || (n && !paths))
		return VIGIL_EINVAL;
	for (i = 0; i < n; i++)
		if (!paths[i])
			return VIGIL_EINVAL;
	if (s->stream.open)
		return VIGIL_ESTATE;
	if (!(t = malloc(sizeof(*t))))
		return one_by_one(s, paths, n, fn, ctx);
	for (i = 0; i < n; i += k) {
		k = n - i < SCANNER_BATCH_FILES ? n - i : SCANNER_BATCH_FILES;
		if ((k = batch(s, t, paths + i, k, i, fn, ctx)) == SIZE_MAX)
			break;
	}
	free(t);
	return 0;
}
