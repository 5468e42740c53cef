/* search.c — the one query box, and the name index behind it.
 *
 * A query is tried as every kind of key it could be — email, phone, member
 * number, booking reference — and as a name. Names go through SQLite FTS5
 * with the unicode61 tokenizer (case folded, accents removed: "jose" finds
 * "José"); the last word is a prefix while typing. When a name matches
 * nothing as typed, each unknown word is replaced by the known name terms
 * within a small edit distance ("brewr" → "brewer"), found through a table
 * of one-letter deletions of every term (name_deletes). Candidates are
 * scored, then sorted: best match first, then tier, then lifetime miles. */
#include "search.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "utf8.h"

enum {
	QUERY_MAX = 256,        /* bytes */
	TOKENS_MAX = 8,
	TOKEN_MAX = 64,         /* bytes */
	TERM_CPS_MAX = 32,      /* code points considered for typos */
	CANDIDATES_MAX = 50,    /* rows fetched per full-text query */
	TYPO_TERMS_MAX = 8,     /* alternatives per misspelt word */
	LIMIT_MAX = 500,
};

/* --- the tokenizer -------------------------------------------------------- */

struct search_state {
	fts5_tokenizer api;
	Fts5Tokenizer *tok;
};

void search_state_free(struct search_state **sp)
{
	struct search_state *s = *sp;
	if (!s)
		return;
	if (s->tok)
		s->api.xDelete(s->tok);
	free(s);
	*sp = NULL;
}

static struct search_state *state(struct cache *c, struct irm_err *e)
{
	struct search_state **sp = cache_search_state(c);
	if (*sp)
		return *sp;

	fts5_api *fts = NULL;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(cache_db(c), "SELECT fts5(?1)", -1, &st, NULL) != SQLITE_OK) {
		cache_sql_error(c, e, "finding the FTS5 module");
		return NULL;
	}
	sqlite3_bind_pointer(st, 1, (void *)&fts, "fts5_api_ptr", NULL);
	sqlite3_step(st);
	sqlite3_finalize(st);
	if (!fts) {
		err_set(e, IRM_ECACHE, "%s: SQLite was built without FTS5", cache_path(c));
		return NULL;
	}
	struct search_state *s = xcalloc(1, sizeof *s);
	void *udata = NULL;
	const char *args[] = { "remove_diacritics", "2" };
	if (fts->xFindTokenizer(fts, "unicode61", &udata, &s->api) != SQLITE_OK ||
	    s->api.xCreate(udata, args, 2, &s->tok) != SQLITE_OK) {
		free(s);
		err_set(e, IRM_ECACHE, "%s: no unicode61 tokenizer", cache_path(c));
		return NULL;
	}
	*sp = s;
	return s;
}

struct token_sink {
	void (*fn)(void *ctx, const char *tok, int len);
	void *ctx;
};

static int on_token(void *ctx, int flags, const char *tok, int len, int start, int end)
{
	struct token_sink *sink = ctx;
	(void)flags, (void)start, (void)end;
	if (len > 0 && len <= TOKEN_MAX)
		sink->fn(sink->ctx, tok, len);
	return SQLITE_OK;
}

enum irm_status search_tokenize(struct cache *c, const char *text,
				void (*fn)(void *ctx, const char *tok, int len), void *ctx,
				struct irm_err *e)
{
	struct search_state *s = state(c, e);
	struct token_sink sink = { fn, ctx };

	if (!s)
		return IRM_ECACHE;
	if (s->api.xTokenize(s->tok, &sink, FTS5_TOKENIZE_DOCUMENT, text, (int)strlen(text),
			     on_token) != SQLITE_OK)
		return err_set(e, IRM_ECACHE, "tokenizing a name failed");
	return IRM_OK;
}

struct tokens {
	int n;
	char t[TOKENS_MAX][TOKEN_MAX + 1];
};

static void collect_token(void *ctx, const char *tok, int len)
{
	struct tokens *ts = ctx;
	if (ts->n < TOKENS_MAX) {
		memcpy(ts->t[ts->n], tok, (size_t)len);
		ts->t[ts->n][len] = '\0';
		ts->n++;
	}
}

/* --- the name index ------------------------------------------------------- */

static const char SQL_FTS_DELETE[] =
	"INSERT INTO customer_fts(customer_fts, rowid, name) VALUES ('delete', ?1, ?2)";
static const char SQL_FTS_INSERT[] = "INSERT INTO customer_fts(rowid, name) VALUES (?1, ?2)";
static const char SQL_TERM_INSERT[] = "INSERT OR IGNORE INTO name_terms(term) VALUES (?1)";
static const char SQL_DELETE_INSERT[] =
	"INSERT OR IGNORE INTO name_deletes(del, term) VALUES (?1, ?2)";

/* Code points of a term, as byte offsets: cps[i] .. cps[i+1]. */
static int term_offsets(const char *t, size_t len, int offs[TERM_CPS_MAX + 1])
{
	int n = 0;
	size_t i = 0;
	while (i < len && n < TERM_CPS_MAX) {
		uint32_t cp;
		size_t k = utf8_decode(t + i, len - i, &cp);
		if (!k)
			return -1;
		offs[n++] = (int)i;
		i += k;
	}
	if (i < len)
		return -1;  /* too long to bother */
	offs[n] = (int)len;
	return n;
}

/* The term with code point `skip` left out. */
static void term_without(const char *t, const int *offs, int n, int skip, char *out)
{
	size_t a = (size_t)offs[skip], b = (size_t)offs[skip + 1], len = (size_t)offs[n];
	memcpy(out, t, a);
	memcpy(out + a, t + b, len - b);
	out[len - (b - a)] = '\0';
}

static enum irm_status add_term(struct cache *c, const char *term, struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_TERM_INSERT, e);
	if (!st)
		return IRM_ECACHE;
	sqlite3_bind_text(st, 1, term, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return cache_sql_error(c, e, "indexing a name term");
	sqlite3_reset(st);
	if (sqlite3_changes(cache_db(c)) == 0)
		return IRM_OK;  /* known already */

	/* The term under itself, then under each of its one-letter deletions
	 * (only for terms long enough for a typo to be told from a word). */
	int offs[TERM_CPS_MAX + 1];
	int n = term_offsets(term, strlen(term), offs);
	char del[TOKEN_MAX + 1];
	for (int i = -1; i < (n >= 3 ? n : 0); i++) {
		if (i < 0)
			snprintf(del, sizeof del, "%s", term);
		else
			term_without(term, offs, n, i, del);
		if (!(st = cache_stmt(c, SQL_DELETE_INSERT, e)))
			return IRM_ECACHE;
		sqlite3_bind_text(st, 1, del, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, term, -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			return cache_sql_error(c, e, "indexing a name term");
		sqlite3_reset(st);
	}
	return IRM_OK;
}

enum irm_status search_unindex_name(struct cache *c, long long rowid, const char *old_name,
				    struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_FTS_DELETE, e);
	if (!st)
		return IRM_ECACHE;
	sqlite3_bind_int64(st, 1, rowid);
	sqlite3_bind_text(st, 2, old_name, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IRM_OK : cache_sql_error(c, e, "updating the name index");
}

enum irm_status search_index_name(struct cache *c, long long rowid, const char *old_name,
				  const char *new_name, struct irm_err *e)
{
	sqlite3_stmt *st;
	enum irm_status s;

	if (old_name && (s = search_unindex_name(c, rowid, old_name, e)) != IRM_OK)
		return s;
	if (!(st = cache_stmt(c, SQL_FTS_INSERT, e)))
		return IRM_ECACHE;
	sqlite3_bind_int64(st, 1, rowid);
	sqlite3_bind_text(st, 2, new_name, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		return cache_sql_error(c, e, "updating the name index");
	sqlite3_reset(st);

	struct tokens ts = { 0 };
	if ((s = search_tokenize(c, new_name, collect_token, &ts, e)) != IRM_OK)
		return s;
	for (int i = 0; i < ts.n; i++)
		if ((s = add_term(c, ts.t[i], e)) != IRM_OK)
			return s;
	return IRM_OK;
}

enum irm_status search_rebuild(struct cache *c, struct irm_err *e)
{
	enum irm_status s = cache_exec(c,
		"INSERT INTO customer_fts(customer_fts) VALUES ('rebuild');"
		"DELETE FROM name_terms; DELETE FROM name_deletes;", e);
	if (s != IRM_OK)
		return s;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(cache_db(c), "SELECT term FROM customer_vocab", -1, &st, NULL) != SQLITE_OK)
		return cache_sql_error(c, e, "reading the name terms");
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW && s == IRM_OK)
		s = add_term(c, (const char *)sqlite3_column_text(st, 0), e);
	if (s == IRM_OK && rc != SQLITE_DONE && rc != SQLITE_ROW)
		s = cache_sql_error(c, e, "reading the name terms");
	sqlite3_finalize(st);
	return s;
}

/* --- candidates ------------------------------------------------------------ */

/* A customer found so far, with what ranks it. Every query below selects
 * (rid, name, tier, lifetime_miles) so a candidate is scored as it comes;
 * only the best `limit` are loaded in full. */
struct cand {
	long long rid;
	enum search_match match;
	int score;
	enum tier tier;
	int64_t miles;
	char *name;                 /* in the cands' arena */
};

struct cands {
	struct cand *v;
	size_t n, cap;
	size_t names;               /* how many came from a name query */
	const struct tokens *query; /* the query's words, for name scores */
	struct cache *cache;
	struct arena arena;
};

static bool is_name_match(enum search_match m)
{
	return m == MATCH_NAME || m == MATCH_NAME_PREFIX || m == MATCH_NAME_TYPO;
}

static int name_score(struct cache *c, const char *name, const struct tokens *query,
		      enum search_match *m);

static void cand_add(struct cands *cs, sqlite3_stmt *st, enum search_match m, int score)
{
	long long rid = sqlite3_column_int64(st, 0);
	const char *name = (const char *)sqlite3_column_text(st, 1);

	if (!name)
		return;
	if (is_name_match(m))
		score = name_score(cs->cache, name, cs->query, &m);
	for (size_t i = 0; i < cs->n; i++)
		if (cs->v[i].rid == rid) {
			if (score > cs->v[i].score) {
				cs->v[i].score = score;
				cs->v[i].match = m;
			}
			return;
		}
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 64;
		cs->v = xrealloc(cs->v, cs->cap * sizeof *cs->v);
	}
	int tier = sqlite3_column_int(st, 2);
	cs->v[cs->n++] = (struct cand){
		.rid = rid, .match = m, .score = score,
		.tier = tier >= 0 && tier < TIER_COUNT ? (enum tier)tier : TIER_MEMBER,
		.miles = sqlite3_column_int64(st, 3),
		.name = arena_strdup(&cs->arena, name),
	};
	if (is_name_match(m))
		cs->names++;
}

/* Rows of `st` — (rid, name, tier, lifetime_miles) — become candidates. */
static enum irm_status collect(struct cache *c, sqlite3_stmt *st, struct cands *cs,
			       enum search_match m, int score, struct irm_err *e)
{
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		cand_add(cs, st, m, score);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? IRM_OK : cache_sql_error(c, e, "searching");
}

/* [key, key+1): everything that starts with key (bytewise). */
static void upper_bound(const char *key, char *out, size_t size)
{
	snprintf(out, size, "%s", key);
	size_t n = strlen(out);
	while (n > 0 && (unsigned char)out[n - 1] == 0xff)
		out[--n] = '\0';
	if (n > 0)
		out[n - 1] = (char)((unsigned char)out[n - 1] + 1);
}

static enum irm_status by_range(struct cache *c, const char *sql_eq, const char *sql_prefix,
				const char *key, struct cands *cs, enum search_match m,
				int exact_score, int prefix_score, struct irm_err *e)
{
	char hi[QUERY_MAX + 2];
	sqlite3_stmt *st;
	enum irm_status s;

	if (!(st = cache_stmt(c, sql_eq, e)))
		return IRM_ECACHE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if ((s = collect(c, st, cs, m, exact_score, e)) != IRM_OK || !sql_prefix)
		return s;
	upper_bound(key, hi, sizeof hi);
	if (!(st = cache_stmt(c, sql_prefix, e)))
		return IRM_ECACHE;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
	return collect(c, st, cs, m, prefix_score, e);
}

#define CAND_COLS "rid, name, tier, lifetime_miles"

static const char SQL_EMAIL_EQ[] = "SELECT " CAND_COLS " FROM customers WHERE email_key = ?1 LIMIT 20";
static const char SQL_EMAIL_PREFIX[] =
	"SELECT " CAND_COLS " FROM customers WHERE email_key >= ?1 AND email_key < ?2 LIMIT 20";
static const char SQL_MEMBER_EQ[] = "SELECT " CAND_COLS " FROM customers WHERE member_key = ?1 LIMIT 20";
static const char SQL_MEMBER_PREFIX[] =
	"SELECT " CAND_COLS " FROM customers WHERE member_key >= ?1 AND member_key < ?2 LIMIT 20";
static const char SQL_MEMBER_NUM_EQ[] = "SELECT " CAND_COLS " FROM customers WHERE member_num = ?1 LIMIT 20";
static const char SQL_MEMBER_NUM_PREFIX[] =
	"SELECT " CAND_COLS " FROM customers WHERE member_num >= ?1 AND member_num < ?2 LIMIT 20";
static const char SQL_PHONE_EQ[] = "SELECT " CAND_COLS " FROM customers WHERE phone_rev = ?1 LIMIT 20";
static const char SQL_PHONE_SUFFIX[] =
	"SELECT " CAND_COLS " FROM customers WHERE phone_rev >= ?1 AND phone_rev < ?2 LIMIT 20";
static const char SQL_PNR[] =
	"SELECT DISTINCT c.rid, c.name, c.tier, c.lifetime_miles FROM trips t JOIN passengers p ON p.trip = t.rid"
	" JOIN customers c ON c.id = p.customer_id WHERE t.pnr = ?1 LIMIT 20";

/* The query tried as email, phone, member number and booking reference. */
static enum irm_status by_keys(struct cache *c, const char *q, struct cands *cs, struct irm_err *e)
{
	char key[QUERY_MAX + 1], digits[QUERY_MAX + 1];
	size_t n = 0, nd = 0, nalnum = 0, nalpha = 0, len = strlen(q);
	bool phone_like = true, has_space = false;
	enum irm_status s = IRM_OK;

	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)q[i];
		if (isdigit(ch))
			digits[nd++] = (char)ch;
		else if (!strchr(" +-().", ch))
			phone_like = false;
		if (isalnum(ch))
			nalnum++;
		if (isalpha(ch))
			nalpha++;
		if (isspace(ch))
			has_space = true;
	}
	digits[nd] = '\0';

	if (strchr(q, '@')) {
		for (size_t i = 0; i < len; i++)
			key[n++] = (char)tolower((unsigned char)q[i]);
		key[n] = '\0';
		return by_range(c, SQL_EMAIL_EQ, SQL_EMAIL_PREFIX, key, cs, MATCH_EMAIL, 1000, 500, e);
	}
	if (phone_like && nd >= 4) {
		/* Member numbers by their digits alone, then phones by their end. */
		s = by_range(c, SQL_MEMBER_NUM_EQ, SQL_MEMBER_NUM_PREFIX, digits, cs, MATCH_MEMBER,
			     950, 550, e);
		if (s == IRM_OK && nd >= 7) {
			for (size_t i = 0; i < nd; i++)
				key[i] = digits[nd - 1 - i];
			key[nd] = '\0';
			s = by_range(c, SQL_PHONE_EQ, SQL_PHONE_SUFFIX, key, cs, MATCH_PHONE, 960, 900, e);
		}
		/* A booking reference may be all digits too. */
		if (s == IRM_OK && nd == len && len >= 5 && len <= 8) {
			sqlite3_stmt *st = cache_stmt(c, SQL_PNR, e);
			if (!st)
				return IRM_ECACHE;
			sqlite3_bind_text(st, 1, digits, -1, SQLITE_STATIC);
			s = collect(c, st, cs, MATCH_PNR, 980, e);
		}
		return s;
	}
	if (has_space || nalnum != len || len < 3)
		return IRM_OK;
	for (size_t i = 0; i < len; i++)
		key[i] = (char)toupper((unsigned char)q[i]);
	key[len] = '\0';
	s = by_range(c, SQL_MEMBER_EQ, nalpha < len ? SQL_MEMBER_PREFIX : NULL, key, cs,
		     MATCH_MEMBER, 1000, 600, e);
	if (s == IRM_OK && len >= 5 && len <= 8) {
		sqlite3_stmt *st = cache_stmt(c, SQL_PNR, e);
		if (!st)
			return IRM_ECACHE;
		sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
		s = collect(c, st, cs, MATCH_PNR, 980, e);
	}
	return s;
}

/* --- names ------------------------------------------------------------------ */

static const char SQL_FTS_MATCH[] =
	"SELECT c.rid, c.name, c.tier, c.lifetime_miles FROM customer_fts f"
	" JOIN customers c ON c.rid = f.rowid WHERE customer_fts MATCH ?1 LIMIT ?2";
static const char SQL_TERM_EXISTS[] = "SELECT 1 FROM name_terms WHERE term = ?1";
static const char SQL_TERM_PREFIX_EXISTS[] =
	"SELECT 1 FROM name_terms WHERE term >= ?1 AND term < ?2 LIMIT 1";
static const char SQL_DELETES_OF[] = "SELECT term FROM name_deletes WHERE del = ?1 LIMIT 64";

static void append(char *buf, size_t size, const char *s)
{
	size_t n = strlen(buf);
	snprintf(buf + n, size - n, "%s", s);
}

/* A token as an FTS5 string ("…", quotes doubled), optionally a prefix. */
static void append_token(char *buf, size_t size, const char *tok, bool prefix)
{
	append(buf, size, "\"");
	for (const char *p = tok; *p; p++) {
		char ch[3] = { *p, *p == '"' ? '"' : '\0', '\0' };
		append(buf, size, ch);
	}
	append(buf, size, prefix ? "\"*" : "\"");
}

static enum irm_status fts(struct cache *c, const char *expr, struct cands *cs, enum search_match m,
			   struct irm_err *e)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_FTS_MATCH, e);
	if (!st)
		return IRM_ECACHE;
	sqlite3_bind_text(st, 1, expr, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, CANDIDATES_MAX);
	return collect(c, st, cs, m, 0, e);
}

static bool exists(struct cache *c, const char *sql, const char *a, const char *b)
{
	sqlite3_stmt *st = cache_stmt(c, sql, NULL);
	if (!st)
		return false;
	sqlite3_bind_text(st, 1, a, -1, SQLITE_STATIC);
	if (b)
		sqlite3_bind_text(st, 2, b, -1, SQLITE_STATIC);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_reset(st);
	return found;
}

/* Optimal string alignment distance between two short code point strings. */
static int edit_distance(const uint32_t *a, int na, const uint32_t *b, int nb)
{
	int d[TERM_CPS_MAX + 1][TERM_CPS_MAX + 1];
	for (int i = 0; i <= na; i++)
		d[i][0] = i;
	for (int j = 0; j <= nb; j++)
		d[0][j] = j;
	for (int i = 1; i <= na; i++)
		for (int j = 1; j <= nb; j++) {
			int cost = a[i - 1] != b[j - 1];
			int v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + cost < v)
				v = d[i - 1][j - 1] + cost;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	return d[na][nb];
}

static int code_points(const char *s, uint32_t *out)
{
	int n = 0;
	size_t len = strlen(s), i = 0;
	while (i < len && n < TERM_CPS_MAX) {
		size_t k = utf8_decode(s + i, len - i, &out[n]);
		if (!k)
			return -1;
		n++;
		i += k;
	}
	return i < len ? -1 : n;
}

struct typos {
	int n;
	char term[TYPO_TERMS_MAX][TOKEN_MAX + 1];
	int dist[TYPO_TERMS_MAX];
};

static void typo_consider(struct typos *ty, const char *term, const uint32_t *q, int nq)
{
	uint32_t t[TERM_CPS_MAX];
	int nt = code_points(term, t);
	if (nt < 0)
		return;
	int d = edit_distance(q, nq, t, nt);
	if (d == 0 || d > (nq >= 6 ? 2 : 1))
		return;
	for (int i = 0; i < ty->n; i++)
		if (strcmp(ty->term[i], term) == 0)
			return;
	int at = ty->n;
	if (at == TYPO_TERMS_MAX) {
		if (d >= ty->dist[at - 1])
			return;
		at--;
	}
	snprintf(ty->term[at], sizeof ty->term[at], "%s", term);
	ty->dist[at] = d;
	if (at == ty->n)
		ty->n++;
}

static void typo_from_deletes(struct cache *c, const char *del, struct typos *ty,
			      const uint32_t *q, int nq)
{
	sqlite3_stmt *st = cache_stmt(c, SQL_DELETES_OF, NULL);
	if (!st)
		return;
	sqlite3_bind_text(st, 1, del, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW)
		typo_consider(ty, (const char *)sqlite3_column_text(st, 0), q, nq);
	sqlite3_reset(st);
}

/* Known terms within a small edit distance of tok: terms that are tok with
 * one letter more (their deletion is tok), one letter less (tok's deletion
 * is the term) or one letter changed or two swapped (a shared deletion). */
static void typo_terms(struct cache *c, const char *tok, struct typos *ty)
{
	uint32_t q[TERM_CPS_MAX];
	int offs[TERM_CPS_MAX + 1];
	int nq = code_points(tok, q);
	int n = term_offsets(tok, strlen(tok), offs);
	char del[TOKEN_MAX + 1];

	ty->n = 0;
	if (nq < 3 || n != nq)
		return;
	/* name_deletes holds each term under itself too, so one look-up per
	 * key finds both the terms that are the key and those one letter
	 * longer. */
	typo_from_deletes(c, tok, ty, q, nq);
	for (int i = 0; i < n; i++) {
		term_without(tok, offs, n, i, del);
		typo_from_deletes(c, del, ty, q, nq);
	}
}

static enum irm_status by_name(struct cache *c, const char *q, const struct tokens *ts,
			       size_t limit, struct cands *cs, struct irm_err *e)
{
	char expr[4096];
	size_t len = strlen(q);
	bool typing = len > 0 && !isspace((unsigned char)q[len - 1]);
	bool whole[TOKENS_MAX], prefix[TOKENS_MAX], all_whole = true, all_prefix = true;
	enum irm_status s;

	if (ts->n == 0)
		return IRM_OK;
	/* What each word is: a known name word, or the start of one. A query
	 * that needs a word no name has cannot match; it is not asked. */
	for (int i = 0; i < ts->n; i++) {
		char hi[TOKEN_MAX + 2];
		upper_bound(ts->t[i], hi, sizeof hi);
		whole[i] = exists(c, SQL_TERM_EXISTS, ts->t[i], NULL);
		prefix[i] = whole[i] || exists(c, SQL_TERM_PREFIX_EXISTS, ts->t[i], hi);
		all_whole &= whole[i];
		all_prefix &= prefix[i];
	}
	int last = ts->n - 1;
	bool head_whole = true;
	for (int i = 0; i < last; i++)
		head_whole &= whole[i];

	/* Whole words first: the cheapest query and the best matches. When
	 * they fill the list, prefixes (which score lower) cannot enter it. */
	if (all_whole) {
		expr[0] = '\0';
		for (int i = 0; i < ts->n; i++) {
			append(expr, sizeof expr, i ? " " : "");
			append_token(expr, sizeof expr, ts->t[i], false);
		}
		if ((s = fts(c, expr, cs, MATCH_NAME, e)) != IRM_OK)
			return s;
	}
	/* As typed: the last word a prefix while typing — unless it is a
	 * whole known word that already found someone ("martin" should not
	 * drag in every "martinez"; one more letter will). */
	if (typing && head_whole && prefix[last] && cs->names < limit &&
	    !(whole[last] && cs->names > 0)) {
		expr[0] = '\0';
		for (int i = 0; i < ts->n; i++) {
			append(expr, sizeof expr, i ? " " : "");
			append_token(expr, sizeof expr, ts->t[i], i == last);
		}
		if ((s = fts(c, expr, cs, MATCH_NAME, e)) != IRM_OK)
			return s;
	}
	/* Every word a prefix ("da brew"), when nothing else matched. */
	if (cs->names == 0 && ts->n > 1 && all_prefix) {
		expr[0] = '\0';
		for (int i = 0; i < ts->n; i++) {
			append(expr, sizeof expr, i ? " " : "");
			append_token(expr, sizeof expr, ts->t[i], !whole[i] || (typing && i == last));
		}
		if ((s = fts(c, expr, cs, MATCH_NAME_PREFIX, e)) != IRM_OK)
			return s;
	}
	if (cs->names > 0)
		return IRM_OK;

	/* Nothing as typed: let each word that is no known word (nor, for the
	 * word being typed, the start of one) stand for its near spellings. */
	expr[0] = '\0';
	bool any_typo = false;
	for (int i = 0; i < ts->n; i++) {
		const char *tok = ts->t[i];
		bool typed_last = typing && i == last;
		bool known = whole[i] || (typed_last && prefix[i]);
		struct typos ty = { 0 };
		if (!known)
			typo_terms(c, tok, &ty);
		append(expr, sizeof expr, i ? " AND (" : "(");
		append_token(expr, sizeof expr, tok, typed_last && !whole[i]);
		for (int j = 0; j < ty.n; j++) {
			append(expr, sizeof expr, " OR ");
			append_token(expr, sizeof expr, ty.term[j], false);
			any_typo = true;
		}
		append(expr, sizeof expr, ")");
	}
	return any_typo ? fts(c, expr, cs, MATCH_NAME_TYPO, e) : IRM_OK;
}

/* --- scoring and loading ---------------------------------------------------- */

struct name_score_ctx {
	const struct tokens *query;
	bool typing;
	int matched[TOKENS_MAX];    /* per query word: 0 none, 1 typo, 2 prefix, 3 exact */
	int name_tokens, name_matched, position;
	bool first_in_order;
};

static void score_token(void *ctx, const char *tok, int len)
{
	struct name_score_ctx *sc = ctx;
	bool hit = false;
	for (int i = 0; i < sc->query->n; i++) {
		const char *q = sc->query->t[i];
		int ql = (int)strlen(q), level = 0;
		if (ql == len && memcmp(q, tok, (size_t)len) == 0)
			level = 3;
		else if (ql < len && memcmp(q, tok, (size_t)ql) == 0)
			level = 2;
		if (level > sc->matched[i])
			sc->matched[i] = level;
		if (level) {
			hit = true;
			if (i == 0 && sc->position == 0)
				sc->first_in_order = true;
		}
	}
	sc->name_tokens++;
	sc->name_matched += hit;
	sc->position++;
}

/* How well a name answers the query's words. */
static int name_score(struct cache *c, const char *name, const struct tokens *query,
		      enum search_match *m)
{
	static const int points[] = { 30, 30, 60, 100 };  /* unmatched words came by typo */
	struct name_score_ctx sc = { .query = query };
	int score = 0, worst = 3;

	search_tokenize(c, name, score_token, &sc, NULL);
	for (int i = 0; i < query->n; i++) {
		score += points[sc.matched[i]];
		if (sc.matched[i] < worst)
			worst = sc.matched[i];
	}
	if (sc.first_in_order)
		score += 10;
	if (sc.name_tokens > 0 && sc.name_matched == sc.name_tokens)
		score += 20;
	*m = worst == 3 ? MATCH_NAME : worst == 2 ? MATCH_NAME_PREFIX : MATCH_NAME_TYPO;
	return score;
}

static const char SQL_LOAD[] =
	"SELECT id, member, email, phone, home_airport FROM customers WHERE rid = ?1";
static const char SQL_OPEN_ALERTS[] =
	"SELECT count(*) FROM alerts WHERE customer_id = ?1"
	" AND state IN ('projected', 'pending', 'acknowledged')";

/* Best first: score, then tier, then lifetime miles, then name. */
static int cand_cmp(const void *pa, const void *pb)
{
	const struct cand *a = pa, *b = pb;
	if (a->score != b->score)
		return b->score - a->score;
	if (a->tier != b->tier)
		return (int)b->tier - (int)a->tier;
	if (a->miles != b->miles)
		return b->miles > a->miles ? 1 : -1;
	int k = strcmp(a->name, b->name);
	return k ? k : (a->rid > b->rid) - (a->rid < b->rid);
}

/* The best `limit` candidates, in full. */
static enum irm_status load_hits(struct cache *c, struct cands *cs, size_t limit,
				 struct search_result *out, struct irm_err *e)
{
	if (cs->n > 1)
		qsort(cs->v, cs->n, sizeof *cs->v, cand_cmp);
	size_t n = cs->n < limit ? cs->n : limit;
	out->hits = arena_alloc(&out->arena, (n ? n : 1) * sizeof *out->hits);
	for (size_t i = 0; i < n; i++) {
		const struct cand *k = &cs->v[i];
		sqlite3_stmt *st = cache_stmt(c, SQL_LOAD, e);
		if (!st)
			return IRM_ECACHE;
		sqlite3_bind_int64(st, 1, k->rid);
		if (sqlite3_step(st) != SQLITE_ROW) {
			sqlite3_reset(st);
			return cache_sql_error(c, e, "loading a search hit");
		}
		struct search_hit *h = &out->hits[out->n++];
		h->id = arena_strdup(&out->arena, (const char *)sqlite3_column_text(st, 0));
		h->member = arena_strdup(&out->arena, (const char *)sqlite3_column_text(st, 1));
		h->email = arena_strdup(&out->arena, (const char *)sqlite3_column_text(st, 2));
		h->phone = arena_strdup(&out->arena, (const char *)sqlite3_column_text(st, 3));
		const char *home = (const char *)sqlite3_column_text(st, 4);
		if (home && strlen(home) == 3 && isupper((unsigned char)home[0]) &&
		    isupper((unsigned char)home[1]) && isupper((unsigned char)home[2]))
			memcpy(h->home_airport, home, 4);
		sqlite3_reset(st);
		h->name = arena_strdup(&out->arena, k->name);
		h->tier = k->tier;
		h->lifetime_miles = k->miles;
		h->match = k->match;
		h->score = k->score;

		if (!(st = cache_stmt(c, SQL_OPEN_ALERTS, e)))
			return IRM_ECACHE;
		sqlite3_bind_text(st, 1, h->id, -1, SQLITE_STATIC);
		if (sqlite3_step(st) == SQLITE_ROW)
			h->alerts = sqlite3_column_int(st, 0);
		sqlite3_reset(st);
	}
	return IRM_OK;
}

enum irm_status search_run(struct cache *c, const char *query, size_t limit,
			   struct search_result *out, struct irm_err *e)
{
	char q[QUERY_MAX + 1];
	struct tokens ts = { 0 };
	enum irm_status s;

	memset(out, 0, sizeof *out);
	if (limit == 0)
		limit = 20;
	if (limit > LIMIT_MAX)
		limit = LIMIT_MAX;
	while (*query == ' ' || *query == '\t')
		query++;
	size_t len = strlen(query);
	if (len > QUERY_MAX)
		return err_set(e, IRM_EUSAGE, "query: longer than %d bytes", QUERY_MAX);
	if (!utf8_valid(query, len, NULL))
		return err_set(e, IRM_EUSAGE, "query: not valid UTF-8");
	memcpy(q, query, len + 1);
	/* Keep one trailing space: it says the last word is complete. */
	while (len > 1 && isspace((unsigned char)q[len - 1]) && isspace((unsigned char)q[len - 2]))
		q[--len] = '\0';
	if (len == 0 || (len == 1 && isspace((unsigned char)q[0])))
		return IRM_OK;

	if ((s = search_tokenize(c, q, collect_token, &ts, e)) != IRM_OK)
		return s;
	char trimmed[QUERY_MAX + 1];
	snprintf(trimmed, sizeof trimmed, "%s", q);
	for (size_t n = strlen(trimmed); n > 0 && isspace((unsigned char)trimmed[n - 1]); )
		trimmed[--n] = '\0';
	struct cands cs = { .query = &ts, .cache = c };
	bool txn = cache_read_begin(c);
	s = by_keys(c, trimmed, &cs, e);
	if (s == IRM_OK)
		s = by_name(c, q, &ts, limit, &cs, e);
	if (s == IRM_OK)
		s = load_hits(c, &cs, limit, out, e);
	cache_read_end(c, txn);
	free(cs.v);
	arena_free(&cs.arena);
	if (s != IRM_OK)
		search_result_free(out);
	return s;
}

void search_result_free(struct search_result *r)
{
	arena_free(&r->arena);
	r->hits = NULL;
	r->n = 0;
}

const char *search_match_name(enum search_match m)
{
	switch (m) {
	case MATCH_NAME: return "name";
	case MATCH_NAME_PREFIX: return "name_prefix";
	case MATCH_NAME_TYPO: return "name_typo";
	case MATCH_MEMBER: return "member";
	case MATCH_EMAIL: return "email";
	case MATCH_PHONE: return "phone";
	case MATCH_PNR: return "pnr";
	}
	return "name";
}
