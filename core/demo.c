/* demo.c — the deterministic demo data generator (see demo.h).
 *
 * Every generated customer draws from its own PRNG stream (xoshiro256**,
 * seeded by splitmix64 from the run's seed and the customer number), so a
 * customer does not depend on how many came before it; ids, member numbers,
 * phone numbers and PNRs come from counters through keyed permutations, so
 * they are unique. A customer's trips are planned first (intent, dates, lead time),
 * then built into buffers that are reused for every customer, accounted
 * (flown miles, year to date), and emitted after the customer record.
 *
 * Assumption about the caller's offset function: within one UTC day a zone
 * changes its offset at most once, so a day whose first and last second
 * have the same offset has it throughout (offsets are cached per zone and
 * day on that basis). */
#include "demo.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "airports.h"
#include "date.h"
#include "demo_names.h"
#include "mem.h"
#include "tier.h"

#define LEN(a) (sizeof(a) / sizeof((a)[0]))

#define MAX_TRIPS 40            /* per customer */
#define MAX_PAX 6
#define MAX_LEGS 4
#define POOL_SIZE (192 * 1024)  /* strings of one customer and its trips */
#define TRIP_POOL_NEED 4096     /* the most one trip can take from the pool */
#define WMAX 128                /* entries of a weighted list */
#define RING 64                 /* recent business customers, for colleagues */
#define CACHE_BITS 20           /* miles and routes of airport pairs */
#define TZ_DAYS_BEFORE 1100     /* offset cache: days around today */
#define TZ_DAYS_AFTER 420
#define OFF_UNKNOWN INT32_MIN
#define OFF_VARIES (INT32_MIN + 1)
#define PAST_DAYS 730           /* history window */
#define TRIP_SCALE 70           /* percent applied to the trip rates */

enum region { R_AM, R_EU, R_AP, R_MEA, R_COUNT };
enum persona { P_ROAD_WARRIOR, P_BUSINESS_MIX, P_LEISURE_FAMILY, P_VFR_HEAVY, P_OCCASIONAL,
	       P_COUNT };

/* --- the pseudo-random number generator ----------------------------------- */

/* splitmix64 (Steele, Lea, Flood 2014), used to seed and to hash. */
static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static uint64_t mix64(uint64_t x)
{
	return splitmix64(&x);
}

/* xoshiro256** (Blackman, Vigna 2018). */
struct rng {
	uint64_t s[4];
};

static void rng_seed(struct rng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = mix64(seed) ^ (stream * 0xd1342543de82ef95u);

	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t rng_next(struct rng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

/* Uniform in [0, n), n > 0 (multiply-shift; the bias is below 2^-32). */
static uint32_t rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

static int rng_range(struct rng *r, int lo, int hi)
{
	return lo + (int)rng_below(r, (uint32_t)(hi - lo + 1));
}

static bool rng_pct(struct rng *r, int pct)
{
	return (int)rng_below(r, 100) < pct;
}

/* An index in [0, n) with the given weights. */
static int rng_weighted(struct rng *r, const int *w, int n)
{
	int total = 0, x;

	for (int i = 0; i < n; i++)
		total += w[i];
	x = (int)rng_below(r, (uint32_t)total);
	for (int i = 0; i < n; i++) {
		if (x < w[i])
			return i;
		x -= w[i];
	}
	return n - 1;
}

/* --- fixed data ----------------------------------------------------------- */

/* Airports where the network connects (United's hubs, partners' hubs and the
 * main airports of countries without one); unknown codes are skipped. */
static const char hubs_spec[] =
	"DEN ORD IAH EWR SFO LAX IAD YYZ YVR YUL FRA MUC ZRH VIE BRU CPH ARN OSL HEL "
	"LIS IST WAW ATH LHR CDG AMS MAD NRT HND ICN TPE SIN BKK PEK PVG HKG DEL BOM "
	"DXB DOH JNB ADD BOG PTY GRU MEX AKL SYD LIM SCL EZE RUH JED CAI AMM LOS SVO";

static const char us_biz_spec[] =
	"EWR:6 LGA:4 JFK:3 SFO:6 LAX:5 ORD:6 IAD:3 DCA:3 BOS:5 SEA:4 ATL:4 DFW:4 IAH:4 "
	"DEN:4 MSP:3 DTW:2 PHL:3 CLT:3 AUS:3 SAN:2 PHX:2 SLC:2 SJC:2 BNA:2 RDU:2 MCI:1 "
	"STL:1 PIT:1 MIA:3 CLE:1 CMH:1 IND:1";

static const char intl_biz_spec[] =
	"LHR:6 FRA:5 CDG:4 AMS:3 ZRH:3 MUC:3 NRT:2 HND:3 ICN:2 PVG:3 PEK:2 SIN:4 HKG:3 "
	"DXB:3 MEX:3 YYZ:4 GRU:2 DUB:2 DEL:2 BOM:2 SYD:2 TLV:1 MAD:2 BCN:1 FCO:1 MXP:2 "
	"ARN:1 CPH:1 IST:2 TPE:1 BKK:1 JNB:1 BOG:1";

/* Resort and leisure airports by region. */
static const char *const resort_spec[R_COUNT] = {
	[R_AM] = "HNL:4 OGG:3 KOA:2 LIH:2 LAS:4 MCO:5 CUN:5 PUJ:3 MBJ:2 SJU:3 SJD:2 PVR:2 "
		 "NAS:2 AUA:1",
	[R_EU] = "PMI:4 FAO:3 AGP:3 TFS:3 LPA:2 HER:3 JMK:2 IBZ:2 NCE:3 DBV:2 SPU:2 RHO:2 "
		 "CFU:2 ACE:1 FUE:1 JTR:2 OLB:1 AYT:3 DLM:1 BJV:1",
	[R_AP] = "DPS:4 HKT:4 MLE:2 CEB:2 OKA:2 CJU:2 CNS:2 OOL:2 NAN:1 PPT:1 USM:1 KBV:2",
	[R_MEA] = "SSH:2 HRG:2 RAK:2 ZNZ:1 MRU:2 SEZ:1",
};

static const char cities_spec[] =
	"JFK:3 SFO:2 MSY:1 SAN:1 FCO:3 CDG:3 BCN:3 LIS:2 LHR:3 AMS:2 PRG:2 VIE:1 ATH:1 "
	"IST:2 HND:2 BKK:2 SIN:1 SYD:1 DXB:1 MEX:1 YVR:1 EZE:1 GIG:1 BUD:1 DUB:1 EDI:1 "
	"KIX:1";

/* Smaller US airports where family lives (size M only). */
static const char us_small_spec[] =
	"TWF BOI GJT FAR SUX BIL BZN MSO RAP FSD DSM CID MLI GRR LEX CHA AVL ROA LFT AMA "
	"LBB MAF FAT MRY SBA RDM EUG MFR GEG ICT OMA TUS ELP ABQ COS BTV MHT ALB ROC BGR "
	"SGF XNA LIT SHV JAN MOB GPT PNS TLH GNV CAE GSP FAY ILM CHS EVV FWA SBN TOL LAN "
	"GRB MSN DLH RST PIA BMI SPI CMI LNK GRI BIS MOT CPR JAC IDA PIH SUN HLN GTF FCA "
	"YKM PSC ALW LWS BLI ACV RDD BFL SBP YUM FLG PRC SAF ROW SJT ABI ACT TYR LRD MFE "
	"BRO CRP BPT AEX MLU";

struct country {
	const char *cc;
	enum region region;
	const char *homes;          /* home airports with weights */
	const char *phone;          /* E.164 prefixes (NULL: +1 AREA 555 XXXX) */
	int digits;                 /* digits after the prefix, at least 7: the
				     * last 7 number the customer (make_phone) */
};

/* The countries customers live in. "US" first. */
static const struct country countries[] = {
	{ "US", R_AM, "DEN:10 ORD:10 IAH:8 EWR:8 SFO:8 LAX:7 IAD:6 SEA:4 BOS:4 ATL:3 JFK:3 "
		      "DFW:3 PHX:3 MSP:2 DTW:2 PHL:2 CLT:2 MIA:2 SAN:2 PDX:2 SLC:2 AUS:2 "
		      "LAS:2 BNA:1 MCO:2 TPA:1 RDU:1 STL:1 MCI:1 MSY:1 SJC:1 SMF:1 IND:1 "
		      "CLE:1 PIT:1 CMH:1", NULL, 0 },
	{ "CA", R_AM, "YYZ:4 YVR:3 YUL:3 YYC:2", NULL, 0 },
	{ "GB", R_EU, "LHR:5 LGW:2 MAN:2 EDI:1", "+4474 +4475 +4477 +4478 +4479", 8 },
	{ "IE", R_EU, "DUB", "+35385 +35386 +35387", 7 },
	{ "AU", R_AP, "SYD:3 MEL:2 BNE:1", "+614", 8 },
	{ "ES", R_EU, "MAD:4 BCN:3", "+346", 8 },
	{ "MX", R_AM, "MEX:4 GDL:1 MTY:1", "+5255 +5233 +5281", 8 },
	{ "CO", R_AM, "BOG", "+573", 9 },
	{ "AR", R_AM, "EZE", "+54911", 8 },
	{ "CL", R_AM, "SCL", "+569", 8 },
	{ "PE", R_AM, "LIM", "+519", 8 },
	{ "PT", R_EU, "LIS:3 OPO:1", "+35191 +35192 +35193 +35196", 7 },
	{ "BR", R_AM, "GRU:4 GIG:2 BSB:1", "+55119 +55219 +55619", 8 },
	{ "DE", R_EU, "FRA:4 MUC:4 BER:2 DUS:2 HAM:2", "+49151 +49160 +49170 +49176", 8 },
	{ "AT", R_EU, "VIE", "+43664 +43676", 7 },
	{ "CH", R_EU, "ZRH:3 GVA:1", "+4176 +4178 +4179", 7 },
	{ "FR", R_EU, "CDG:5 ORY:1 NCE:1 LYS:1", "+336 +337", 8 },
	{ "IT", R_EU, "FCO:3 MXP:3 VCE:1", "+39320 +39333 +39347 +39380", 7 },
	{ "SE", R_EU, "ARN", "+4670 +4672 +4673 +4676", 7 },
	{ "DK", R_EU, "CPH", "+452 +453", 7 },
	{ "NO", R_EU, "OSL", "+474 +479", 7 },
	{ "FI", R_EU, "HEL", "+35840 +35850", 7 },
	{ "PL", R_EU, "WAW:3 KRK:1", "+485 +486 +487 +488", 8 },
	{ "TR", R_EU, "IST:4 SAW:1 ESB:1", "+905", 9 },
	{ "RU", R_EU, "SVO:3 DME:1 LED:2", "+79", 9 },
	{ "GR", R_EU, "ATH:3 SKG:1", "+3069", 8 },
	{ "CN", R_AP, "PEK:3 PVG:3 CAN:2 SZX:1 CTU:1", "+8613 +8615 +8618", 9 },
	{ "HK", R_AP, "HKG", "+8525 +8526 +8529", 7 },
	{ "JP", R_AP, "NRT:2 HND:3 KIX:2", "+8190 +8180 +8170", 8 },
	{ "KR", R_AP, "ICN:3 GMP:1", "+8210", 8 },
	{ "AE", R_MEA, "DXB:3 AUH:1", "+97150 +97155 +97156", 7 },
	{ "SA", R_MEA, "RUH:1 JED:1", "+9665", 8 },
	{ "QA", R_MEA, "DOH", "+9743 +9745 +9746 +9747", 7 },
	{ "EG", R_MEA, "CAI", "+2010 +2011 +2012", 8 },
	{ "JO", R_MEA, "AMM", "+9627", 8 },
	{ "IN", R_AP, "DEL:3 BOM:3 BLR:2 MAA:1 HYD:1", "+919 +918 +917 +916", 9 },
	{ "NG", R_MEA, "LOS:3 ABV:1", "+23480 +23481 +23470 +23490", 8 },
};
#define N_COUNTRIES LEN(countries)

/* Where people of each culture live outside the US (country:weight). */
static const char *const culture_countries_spec[DEMO_CULTURE_COUNT] = {
	[DEMO_EN] = "GB:5 IE:1 CA:2 AU:2", [DEMO_ES] = "ES:4 MX:4 CO:2 AR:1 CL:1 PE:1",
	[DEMO_PT] = "PT:1 BR:3", [DEMO_DE] = "DE:5 AT:1 CH:1", [DEMO_FR] = "FR:6 CH:1",
	[DEMO_IT] = "IT", [DEMO_NORDIC] = "SE:2 DK:2 NO:2 FI:1", [DEMO_PL] = "PL",
	[DEMO_TR] = "TR", [DEMO_RU] = "RU", [DEMO_EL] = "GR", [DEMO_ZH] = "CN:6 HK:1",
	[DEMO_JA] = "JP", [DEMO_KO] = "KR", [DEMO_AR] = "AE:2 SA:2 QA:1 EG:2 JO:1",
	[DEMO_IN] = "IN", [DEMO_NG] = "NG",
};

/* The cultures of customers living in the US, and of those abroad. */
static const int culture_us_w[DEMO_CULTURE_COUNT] = {
	[DEMO_EN] = 60, [DEMO_ES] = 13, [DEMO_PT] = 1, [DEMO_DE] = 2, [DEMO_FR] = 1,
	[DEMO_IT] = 2, [DEMO_NORDIC] = 1, [DEMO_PL] = 2, [DEMO_TR] = 1, [DEMO_RU] = 1,
	[DEMO_EL] = 1, [DEMO_ZH] = 4, [DEMO_JA] = 1, [DEMO_KO] = 2, [DEMO_AR] = 2,
	[DEMO_IN] = 6, [DEMO_NG] = 2,
};
static const int culture_abroad_w[DEMO_CULTURE_COUNT] = {
	[DEMO_EN] = 8, [DEMO_ES] = 9, [DEMO_PT] = 4, [DEMO_DE] = 7, [DEMO_FR] = 5,
	[DEMO_IT] = 4, [DEMO_NORDIC] = 4, [DEMO_PL] = 3, [DEMO_TR] = 3, [DEMO_RU] = 3,
	[DEMO_EL] = 2, [DEMO_ZH] = 7, [DEMO_JA] = 5, [DEMO_KO] = 3, [DEMO_AR] = 5,
	[DEMO_IN] = 6, [DEMO_NG] = 3,
};

/* US and Canadian area codes by home airport, then of the smaller US
 * airports; numbers are AREA 555 XXXX (make_phone). No code twice. */
static const struct {
	const char iata[4];
	const char *codes[2];
} area_codes[] = {
	{ "DEN", { "303", "720" } }, { "ORD", { "312", "773" } }, { "IAH", { "713", "281" } },
	{ "EWR", { "201", "973" } }, { "SFO", { "415", "650" } }, { "LAX", { "310", "213" } },
	{ "IAD", { "703", "571" } }, { "SEA", { "206", "425" } }, { "BOS", { "617", "781" } },
	{ "ATL", { "404", "770" } }, { "JFK", { "212", "718" } }, { "DFW", { "214", "972" } },
	{ "PHX", { "602", "480" } }, { "MSP", { "612", "651" } }, { "DTW", { "313", "248" } },
	{ "PHL", { "215", "610" } }, { "CLT", { "704", "980" } }, { "MIA", { "305", "786" } },
	{ "SAN", { "619", "858" } }, { "PDX", { "503", "971" } }, { "SLC", { "801", "385" } },
	{ "AUS", { "512", "737" } }, { "LAS", { "702", "725" } }, { "BNA", { "615", "629" } },
	{ "MCO", { "407", "321" } }, { "TPA", { "813", "727" } }, { "RDU", { "919", "984" } },
	{ "STL", { "314", "636" } }, { "MCI", { "816", "913" } }, { "MSY", { "504", "985" } },
	{ "SJC", { "408", "669" } }, { "SMF", { "916", "279" } }, { "IND", { "317", "463" } },
	{ "CLE", { "216", "440" } }, { "PIT", { "412", "724" } }, { "CMH", { "614", "380" } },
	{ "YYZ", { "416", "647" } }, { "YVR", { "604", "778" } }, { "YUL", { "514", "438" } },
	{ "YYC", { "403", "587" } },
};
static const char *const other_area_codes[] = {
	"405", "208", "402", "515", "316", "505", "520", "509", "541", "605", "701", "406",
};

/* The airline of a country, for legs that do not touch the US. */
static const struct {
	const char cc[3];
	const char *carrier;
} carriers[] = {
	{ "AE", "EK" }, { "AR", "AR" }, { "AT", "OS" }, { "AU", "QF" }, { "BE", "SN" },
	{ "BR", "LA" }, { "CA", "AC" }, { "CH", "LX" }, { "CL", "LA" }, { "CN", "CA" },
	{ "CO", "AV" }, { "DE", "LH" }, { "DK", "SK" }, { "EG", "MS" }, { "ES", "IB" },
	{ "ET", "ET" }, { "FI", "AY" }, { "FR", "AF" }, { "GB", "BA" }, { "GR", "A3" },
	{ "HK", "CX" }, { "ID", "GA" }, { "IE", "EI" }, { "IN", "AI" }, { "IT", "AZ" },
	{ "JO", "RJ" }, { "JP", "NH" }, { "KR", "OZ" }, { "MX", "AM" }, { "NG", "P4" },
	{ "NL", "KL" }, { "NO", "SK" }, { "NZ", "NZ" }, { "PA", "CM" }, { "PE", "LA" },
	{ "PL", "LO" }, { "PT", "TP" }, { "QA", "QR" }, { "RU", "SU" }, { "SA", "SV" },
	{ "SE", "SK" }, { "SG", "SQ" }, { "TH", "TG" }, { "TR", "TK" }, { "TW", "BR" },
	{ "ZA", "SA" },
};

static const char *const corporate_codes[] = {
	"ACME", "GRANITE", "BLUEPEAK", "NORTHWIND", "IRONWOOD", "REDROCK", "KESTREL",
	"HALCYON", "MERIDIAN", "QUANTA", "VERIDIAN", "SILVERLINE", "ORBITAL", "CEDARWORKS",
	"LUMEN", "TRIDENT", "ATLASCO", "PINNACLE", "SUMMITLAB", "HARBORTECH",
};

/* Hotel names: prefix + city + suffix. */
struct hotel_name {
	const char *pre, *post;
};
static const struct hotel_name hotels5[] = {
	{ "The ", " Grand" }, { "Palace Hotel ", "" }, { "The Regent ", "" },
	{ "", " Royal Plaza" },
};
static const struct hotel_name hotels4[] = {
	{ "", " Plaza Hotel" }, { "Harbourview ", "" }, { "Hotel ", " Centrale" },
	{ "", " Park Hotel" },
};
static const struct hotel_name hotels3[] = {
	{ "", " Central Inn" }, { "Hotel ", " Station" }, { "", " City Suites" },
	{ "Parkside Hotel ", "" },
};
static const struct hotel_name motels2[] = {
	{ "", " Motor Lodge" }, { "Sunset Motel ", "" }, { "", " Budget Inn" },
	{ "Travellers Rest ", "" },
};
static const struct hotel_name motels1[] = {
	{ "", " Roadside Motel" }, { "Econo Stay ", "" }, { "", " Guesthouse" },
};
static const struct hotel_name resorts[] = {
	{ "", " Beach Resort" }, { "", " Bay Resort & Spa" }, { "Coral Sands ", "" },
	{ "", " Lagoon Resort" },
};

/* Reserved for the seed stories, never produced for generated trips. */
static const char *const seed_pnrs[] = {
	"K7Q2ZX", "F4N8TB", "J2W6QD", "L9C3VR", "Q5H7MZ", "T8B2KX", "W3R9PL", "Y6D4GN",
	"B7K3QT", "C9M5WX", "G2P8RJ", "H6T4LZ", "N3V7DB", "R8Z2FK", "S5X9QM",
};

/* Reserved for the seed stories, never produced for generated customers:
 * all are +1 AREA 555 XXXX, and no generated North American number ends in
 * the XXXX of one of them. */
static const char *const seed_phones[] = { "+13035550142", "+13125550187" };

/* --- the generator's state ------------------------------------------------ */

struct wlist {
	int n;
	uint32_t total;
	int idx[WMAX];
	uint32_t cum[WMAX];        /* running sum of the weights */
};

/* The airports of one country. */
struct cgroup {
	char cc[3];
	bool us;                   /* on the US domestic network */
	const char *carrier;       /* its airline, or NULL */
	int *large, *medium;       /* airport indices */
	int n_large, n_medium;
};

/* Miles and the connecting hub of an airport pair (smaller index first). */
struct route {
	uint32_t key;              /* 0: empty */
	uint16_t miles;            /* NO_MILES: not computed */
	int16_t via;               /* -1 direct, -2 not computed, else airport index */
};
#define NO_MILES 0xffffu

struct slot {
	struct trip trip;
	enum intent truth;
	struct passenger pax[MAX_PAX];
	struct segment seg[MAX_LEGS];
	struct seat seats[MAX_LEGS][MAX_PAX];
	struct hotel_stay hotel;
};

struct cust {
	long n;
	enum persona persona;
	int culture, sex, given, fam, fam2;
	bool native, us_based;
	int country;               /* index in countries[] */
	int home, family_place;
	enum region region;
	int regular[3];
	const char *company;
	int j_pct, w_pct;
	int spouse_given, n_kids;
	int kid_given[3], kid_sex[3];
	int32_t kid_birth[3];
	int32_t birth, member_since;
	int annual;                /* miles a year beyond the sampled history */
	const char *id;
	char family_name[160];     /* as written on this customer's name */
};

struct gen {
	const struct demo_opts *o;
	const struct demo_sink *sink;
	int64_t now;
	int32_t today, year_start;
	/* the airport table */
	size_t n_ap;
	const struct airport **ap;
	int *ap_cg;
	int16_t *ap_tz;
	bool *hub;
	int *hubs;
	int n_hubs;
	struct cgroup *cg;
	size_t n_cg;
	int country_cg[N_COUNTRIES];
	struct route *cache;
	size_t cache_used;
	int32_t *tz_cache;         /* [tz][day] offsets */
	int n_tz;
	int32_t tz_day0;
	/* lists */
	struct wlist us_biz, intl_biz, resort[R_COUNT], cities, us_small;
	int us_cg;                 /* country group of the US, or -1 */
	struct wlist homes[N_COUNTRIES], culture_countries[DEMO_CULTURE_COUNT];
	int dale_home;
	/* keys of the permutations */
	uint32_t pnr_key[2], member_key[2], phone_key[2];
	uint32_t reserved_pnr[LEN(seed_pnrs)];
	/* phones: the seed stories' XXXX (ascending), spare area codes */
	uint32_t reserved_line[LEN(seed_phones)];
	int n_reserved_line;
	uint16_t spare_area[800];
	int n_spare_area;
	long next_trip, next_seg;
	/* colleagues */
	struct {
		char id[24];
		int uses;
	} ring[RING];
	int ring_n, ring_next;
	/* one customer */
	struct rng r;
	struct slot slots[MAX_TRIPS];
	int n_slots;
	size_t pool_used;
	char pool[POOL_SIZE];
};

/* --- strings in the per-customer pool ------------------------------------- */

static char *pool_take(struct gen *g, size_t n)
{
	char *p;

	/* generate_customer() keeps TRIP_POOL_NEED free for each trip: never
	 * reached. */
	if (g->pool_used + n > POOL_SIZE)
		abort();
	p = g->pool + g->pool_used;
	g->pool_used += n;
	return p;
}

static const char *pool_str(struct gen *g, const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(pool_take(g, n), s, n);
}

static const char *pool_printf(struct gen *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static const char *pool_printf(struct gen *g, const char *fmt, ...)
{
	char buf[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	return pool_str(g, buf);
}

/* a, b and c (each may be NULL) one after the other. */
static const char *pool_join(struct gen *g, const char *a, const char *b, const char *c)
{
	size_t na = a ? strlen(a) : 0, nb = b ? strlen(b) : 0, nc = c ? strlen(c) : 0;
	char *p = pool_take(g, na + nb + nc + 1);

	if (na)
		memcpy(p, a, na);
	if (nb)
		memcpy(p + na, b, nb);
	if (nc)
		memcpy(p + na + nb, c, nc);
	p[na + nb + nc] = '\0';
	return p;
}

/* prefix followed by the decimal digits of n ≥ 0. */
static const char *pool_num(struct gen *g, const char *prefix, long n)
{
	char digits[24];
	size_t k = 0, pl = strlen(prefix);
	char *p;

	do {
		digits[k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0);
	p = pool_take(g, pl + k + 1);
	memcpy(p, prefix, pl);
	for (size_t i = 0; i < k; i++)
		p[pl + i] = digits[k - 1 - i];
	p[pl + k] = '\0';
	return p;
}

/* --- airports, lists, countries ------------------------------------------- */

static int ap_index(const struct gen *g, const char *code)
{
	size_t lo = 0, hi = g->n_ap;

	if (strlen(code) != 3)
		return -1;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(code, g->ap[mid]->iata, 3);

		if (c == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

static int country_index(const char *cc)
{
	for (size_t i = 0; i < N_COUNTRIES; i++)
		if (strcmp(countries[i].cc, cc) == 0)
			return (int)i;
	return -1;
}

static int cg_find(const struct gen *g, const char *cc)
{
	size_t lo = 0, hi = g->n_cg;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(cc, g->cg[mid].cc);

		if (c == 0)
			return (int)mid;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return -1;
}

static void wl_add(struct wlist *l, int idx, int w)
{
	if (l->n >= WMAX || w <= 0)
		return;
	l->total += (uint32_t)w;
	l->idx[l->n] = idx;
	l->cum[l->n] = l->total;
	l->n++;
}

/* Parses "CODE[:weight] …". kind 'A': airports of any size; 'L' or 'M':
 * airports of that size only; 'C': countries[] codes. Unknown entries are
 * skipped. */
static void wl_parse(const struct gen *g, struct wlist *l, const char *spec, char kind)
{
	const char *p = spec;

	memset(l, 0, sizeof *l);
	while (*p) {
		char code[8];
		size_t n = 0;
		int w = 1, idx;

		while (*p == ' ')
			p++;
		while (*p && *p != ' ' && *p != ':' && n < sizeof code - 1)
			code[n++] = *p++;
		code[n] = '\0';
		if (*p == ':') {
			w = (int)strtol(p + 1, NULL, 10);
			while (*p && *p != ' ')
				p++;
		}
		if (n == 0)
			continue;
		if (kind == 'C') {
			idx = country_index(code);
		} else {
			idx = ap_index(g, code);
			if (idx >= 0 && kind != 'A' && g->ap[idx]->size != kind)
				idx = -1;
		}
		if (idx >= 0)
			wl_add(l, idx, w);
	}
}

static int wl_pick(const struct wlist *l, struct rng *r)
{
	uint32_t x;
	int lo = 0, hi;

	if (l->n == 0)
		return -1;
	x = rng_below(r, l->total);
	hi = l->n - 1;
	while (lo < hi) {
		int mid = (lo + hi) / 2;

		if (x < l->cum[mid])
			hi = mid;
		else
			lo = mid + 1;
	}
	return l->idx[lo];
}

struct ap_key {
	const char *key;
	int idx;
};

static int cmp_ap_key(const void *a, const void *b)
{
	const struct ap_key *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

static bool contiguous_us(const struct airport *a)
{
	return a->lat > 24 && a->lat < 50 && a->lon > -125 && a->lon < -66;
}

/* Groups the airports by country and by time zone. */
static void index_airports(struct gen *g)
{
	size_t n = g->n_ap;
	struct ap_key *k = xcalloc(n ? n : 1, sizeof *k);
	size_t ng = 0;

	g->ap_cg = xcalloc(n ? n : 1, sizeof *g->ap_cg);
	g->ap_tz = xcalloc(n ? n : 1, sizeof *g->ap_tz);
	g->hub = xcalloc(n ? n : 1, sizeof *g->hub);
	g->cg = xcalloc(n ? n : 1, sizeof *g->cg);

	/* countries */
	for (size_t i = 0; i < n; i++)
		k[i] = (struct ap_key){ g->ap[i]->country ? g->ap[i]->country : "", (int)i };
	qsort(k, n, sizeof *k, cmp_ap_key);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		struct cgroup *c = &g->cg[ng];

		while (j < n && strcmp(k[j].key, k[i].key) == 0)
			j++;
		snprintf(c->cc, sizeof c->cc, "%s", k[i].key);
		c->us = !strcmp(c->cc, "US") || !strcmp(c->cc, "PR") || !strcmp(c->cc, "GU") ||
			!strcmp(c->cc, "VI");
		for (size_t m = 0; m < LEN(carriers); m++)
			if (!strcmp(carriers[m].cc, c->cc))
				c->carrier = carriers[m].carrier;
		c->large = xcalloc(j - i, sizeof *c->large);
		c->medium = xcalloc(j - i, sizeof *c->medium);
		for (size_t m = i; m < j; m++) {
			const struct airport *a = g->ap[k[m].idx];

			g->ap_cg[k[m].idx] = (int)ng;
			if (a->size == 'L')
				c->large[c->n_large++] = k[m].idx;
			else if (strcmp(c->cc, "US") != 0 || contiguous_us(a))
				c->medium[c->n_medium++] = k[m].idx;
		}
		ng++;
		i = j;
	}
	g->n_cg = ng;

	/* time zones: a dense id per distinct name */
	for (size_t i = 0; i < n; i++)
		k[i] = (struct ap_key){ g->ap[i]->tz ? g->ap[i]->tz : "UTC", (int)i };
	qsort(k, n, sizeof *k, cmp_ap_key);
	g->n_tz = 0;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && strcmp(k[i].key, k[i - 1].key) != 0)
			g->n_tz++;
		g->ap_tz[k[i].idx] = (int16_t)g->n_tz;
	}
	g->n_tz++;
	free(k);
}

/* Whether a North American area code may be given to customers once the
 * codes of their home are used up: a geographic-looking code (NXX, X not 9)
 * outside the table above, the Caribbean and the Pacific territories, and
 * not one kept for services (N00, N11, 5YY and 8YY, 37X, 96X, 52X, 88X,
 * 456, 622, 710). */
static bool spare_area_ok(unsigned a)
{
	static const unsigned elsewhere[] = {
		242, 246, 264, 268, 284, 340, 345, 441, 473, 649, 658, 664, 670, 671,
		684, 721, 758, 767, 784, 787, 809, 829, 849, 868, 869, 876, 939,
		456, 622, 710,
	};
	unsigned d1 = a / 100, d2 = a / 10 % 10, d3 = a % 10;
	char code[4];

	if (d1 < 2 || d2 == 9 || (d2 == d3 && (d2 <= 1 || d1 == 5 || d1 == 8)) ||
	    (d1 == 3 && d2 == 7) || (d1 == 9 && d2 == 6) || (d1 == 5 && d2 == 2) ||
	    (d1 == 8 && d2 == 8))
		return false;
	for (size_t i = 0; i < LEN(elsewhere); i++)
		if (a == elsewhere[i])
			return false;
	snprintf(code, sizeof code, "%03u", a);
	for (size_t i = 0; i < LEN(area_codes); i++)
		if (!strcmp(area_codes[i].codes[0], code) || !strcmp(area_codes[i].codes[1], code))
			return false;
	for (size_t i = 0; i < LEN(other_area_codes); i++)
		if (!strcmp(other_area_codes[i], code))
			return false;
	return true;
}

/* The seed stories' XXXX, ascending, and the spare area codes in an order
 * of the run's own. */
static void phones_init(struct gen *g, uint64_t *x)
{
	g->n_reserved_line = 0;
	for (size_t i = 0; i < LEN(seed_phones); i++) {
		uint32_t v = (uint32_t)strtoul(seed_phones[i] + strlen(seed_phones[i]) - 4, NULL, 10);
		int j = g->n_reserved_line;

		for (int k = 0; k < g->n_reserved_line; k++)
			if (g->reserved_line[k] == v)
				j = -1;
		if (j < 0)
			continue;
		while (j > 0 && g->reserved_line[j - 1] > v) {
			g->reserved_line[j] = g->reserved_line[j - 1];
			j--;
		}
		g->reserved_line[j] = v;
		g->n_reserved_line++;
	}
	g->n_spare_area = 0;
	for (unsigned a = 200; a < 1000 && g->n_spare_area < (int)LEN(g->spare_area); a++)
		if (spare_area_ok(a))
			g->spare_area[g->n_spare_area++] = (uint16_t)a;
	for (int i = g->n_spare_area - 1; i > 0; i--) {
		int j = (int)(splitmix64(x) % (uint64_t)(i + 1));
		uint16_t t = g->spare_area[i];

		g->spare_area[i] = g->spare_area[j];
		g->spare_area[j] = t;
	}
}

static bool gen_init(struct gen *g, const struct demo_opts *o, const struct demo_sink *sink)
{
	uint64_t x;
	struct wlist tmp;

	g->o = o;
	g->sink = sink;
	g->now = o->now;
	g->n_ap = airports_count();
	if (g->n_ap == 0)
		return false;
	g->ap = xcalloc(g->n_ap, sizeof *g->ap);
	for (size_t i = 0; i < g->n_ap; i++)
		g->ap[i] = airports_at(i);
	index_airports(g);

	wl_parse(g, &tmp, hubs_spec, 'A');
	g->hubs = xcalloc((size_t)tmp.n + 1, sizeof *g->hubs);
	for (int i = 0; i < tmp.n; i++) {
		g->hubs[g->n_hubs++] = tmp.idx[i];
		g->hub[tmp.idx[i]] = true;
	}
	wl_parse(g, &g->us_biz, us_biz_spec, 'A');
	wl_parse(g, &g->intl_biz, intl_biz_spec, 'A');
	for (int r = 0; r < R_COUNT; r++)
		wl_parse(g, &g->resort[r], resort_spec[r], 'A');
	wl_parse(g, &g->cities, cities_spec, 'A');
	wl_parse(g, &g->us_small, us_small_spec, 'M');
	g->us_cg = cg_find(g, "US");
	for (size_t c = 0; c < N_COUNTRIES; c++) {
		wl_parse(g, &g->homes[c], countries[c].homes, 'A');
		g->country_cg[c] = cg_find(g, countries[c].cc);
	}
	for (int c = 0; c < DEMO_CULTURE_COUNT; c++)
		wl_parse(g, &g->culture_countries[c], culture_countries_spec[c], 'C');
	g->dale_home = ap_index(g, "DEN");
	if (g->homes[0].n == 0 || g->us_biz.n < 2 || g->us_small.n == 0 || g->us_cg < 0 ||
	    g->cg[g->us_cg].n_medium == 0)
		return false;

	g->cache = xcalloc((size_t)1 << CACHE_BITS, sizeof *g->cache);

	{
		int32_t off;
		struct irm_time t;
		int y, m, d;
		const char *den = g->dale_home >= 0 ? g->ap[g->dale_home]->tz : "America/Denver";

		off = o->utc_offset ? o->utc_offset(o->offset_ctx, den, o->now) : 0;
		t.utc = o->now;
		t.off_min = off;
		g->today = date_local_day(t);
		date_to_ymd(g->today, &y, &m, &d);
		g->year_start = date_from_ymd(y, 1, 1);
	}
	g->tz_day0 = g->today - TZ_DAYS_BEFORE;
	g->tz_cache = xmalloc((size_t)g->n_tz * (TZ_DAYS_BEFORE + TZ_DAYS_AFTER) *
			      sizeof *g->tz_cache);
	for (size_t i = 0; i < (size_t)g->n_tz * (TZ_DAYS_BEFORE + TZ_DAYS_AFTER); i++)
		g->tz_cache[i] = OFF_UNKNOWN;

	x = o->seed ^ 0x5eed5eed5eed5eedu;
	g->pnr_key[0] = (uint32_t)splitmix64(&x);
	g->pnr_key[1] = (uint32_t)splitmix64(&x);
	g->member_key[0] = (uint32_t)splitmix64(&x);
	g->member_key[1] = (uint32_t)splitmix64(&x);
	g->phone_key[0] = (uint32_t)splitmix64(&x);
	g->phone_key[1] = (uint32_t)splitmix64(&x);
	phones_init(g, &x);
	for (size_t i = 0; i < LEN(seed_pnrs); i++) {
		uint32_t v = 0;

		for (const char *p = seed_pnrs[i]; *p; p++)
			v = v * 36 + (uint32_t)(*p <= '9' ? *p - '0' : *p - 'A' + 10);
		g->reserved_pnr[i] = v;
	}
	g->next_trip = 1;
	g->next_seg = 1;
	return true;
}

static void gen_free(struct gen *g)
{
	for (size_t i = 0; g->cg && i < g->n_cg; i++) {
		free(g->cg[i].large);
		free(g->cg[i].medium);
	}
	free(g->cg);
	free(g->ap);
	free(g->ap_cg);
	free(g->ap_tz);
	free(g->hub);
	free(g->hubs);
	free(g->cache);
	free(g->tz_cache);
}

/* --- time ----------------------------------------------------------------- */

static int32_t call_offset(const struct gen *g, const char *tz, int64_t utc)
{
	return g->o->utc_offset ? g->o->utc_offset(g->o->offset_ctx, tz, utc) : 0;
}

/* The offset of airport a's zone at utc, through the per-day cache. */
static int32_t offset_at(struct gen *g, int a, int64_t utc)
{
	const char *tz = g->ap[a]->tz ? g->ap[a]->tz : "UTC";
	int64_t day = (utc >= 0 ? utc / 86400 : -((-utc + 86399) / 86400)) - g->tz_day0;
	int32_t *slot, v;

	if (day < 0 || day >= TZ_DAYS_BEFORE + TZ_DAYS_AFTER)
		return call_offset(g, tz, utc);
	slot = &g->tz_cache[(size_t)g->ap_tz[a] * (TZ_DAYS_BEFORE + TZ_DAYS_AFTER) + (size_t)day];
	if (*slot == OFF_UNKNOWN) {
		int64_t start = (day + g->tz_day0) * 86400;
		int32_t first = call_offset(g, tz, start);

		*slot = first == call_offset(g, tz, start + 86399) ? first : OFF_VARIES;
	}
	v = *slot;
	return v == OFF_VARIES ? call_offset(g, tz, utc) : v;
}

/* The instant of a local day and minute at airport a. */
static struct irm_time local_time(struct gen *g, int a, int32_t day, int minute)
{
	int64_t wall = date_utc_of_local(day, minute, 0);
	int32_t off = offset_at(g, a, wall);
	int64_t utc = wall - (int64_t)off * 60;
	int32_t off2 = offset_at(g, a, utc);

	if (off2 != off) {
		utc = wall - (int64_t)off2 * 60;
		off2 = offset_at(g, a, utc);
	}
	return (struct irm_time){ utc, off2 };
}

static struct irm_time at_airport(struct gen *g, int a, int64_t utc)
{
	return (struct irm_time){ utc, offset_at(g, a, utc) };
}

/* The day on or before `day` that falls on ISO weekday wd. */
static int32_t on_or_before(int32_t day, int wd)
{
	return day - (date_weekday(day) - wd + 7) % 7;
}

/* Flight time: miles at 500 mph plus 30 minutes, to the nearest 5 minutes. */
static int duration_min(int miles)
{
	return (miles * 12 + 3000 + 250) / 500 * 5;
}

/* --- routes --------------------------------------------------------------- */

static struct route *route_entry(struct gen *g, int a, int b)
{
	uint32_t lo = (uint32_t)(a < b ? a : b), hi = (uint32_t)(a < b ? b : a);
	uint32_t key = lo * (uint32_t)g->n_ap + hi + 1;
	uint32_t mask = (1u << CACHE_BITS) - 1;
	uint32_t h = (key * 0x9e3779b1u) >> (32 - CACHE_BITS);

	for (;;) {
		struct route *e = &g->cache[h];

		if (e->key == key)
			return e;
		if (e->key == 0) {
			if (g->cache_used >= ((size_t)3 << CACHE_BITS) / 4)
				return NULL;
			e->key = key;
			e->miles = NO_MILES;
			e->via = -2;
			g->cache_used++;
			return e;
		}
		h = (h + 1) & mask;
	}
}

static int miles(struct gen *g, int a, int b)
{
	struct route *e = route_entry(g, a, b);
	int m;

	if (e && e->miles != NO_MILES)
		return e->miles;
	m = airports_miles(g->ap[a]->iata, g->ap[b]->iata);
	if (m < 0 || m >= (int)NO_MILES)
		m = 0;
	if (e)
		e->miles = (uint16_t)m;
	return m;
}

/* Whether the network flies a–b without a connection: hub to hub up to
 * 9,000 miles, a hub to another large airport up to 3,500 and to a medium
 * one up to 1,000, large airports among themselves up to 2,500, and within
 * a country a large airport to any other up to 600. */
static bool direct(struct gen *g, int a, int b)
{
	bool la = g->ap[a]->size == 'L', lb = g->ap[b]->size == 'L';
	int m = miles(g, a, b);

	if (g->hub[a] && g->hub[b])
		return m <= 9000;
	if (g->hub[a] || g->hub[b]) {
		bool other_large = g->hub[a] ? lb : la;

		if (other_large ? m <= 3500 : m <= 1000)
			return true;
	}
	if (la && lb && m <= 2500)
		return true;
	return g->ap_cg[a] == g->ap_cg[b] && (la || lb) && m <= 600;
}

/* As direct(), but a hub reaches any large airport up to 9,000 miles: for
 * the long way to places two connections away in the real network. */
static bool direct_long(struct gen *g, int a, int b)
{
	int other = g->hub[a] ? b : g->hub[b] ? a : -1;

	if (direct(g, a, b))
		return true;
	return other >= 0 && g->ap[other]->size == 'L' && miles(g, a, b) <= 9000;
}

/* The best hub to connect at between a and b, or -1: the fewest miles,
 * each leg at least 150 miles, and a domestic trip stays in the country. */
static int best_hub(struct gen *g, int a, int b, bool (*ok)(struct gen *, int, int))
{
	bool domestic = g->ap_cg[a] == g->ap_cg[b];
	int best = -1, best_m = 0;

	for (int i = 0; i < g->n_hubs; i++) {
		int h = g->hubs[i], m;

		if (h == a || h == b || miles(g, a, h) < 150 || miles(g, h, b) < 150 ||
		    !ok(g, a, h) || !ok(g, h, b))
			continue;
		m = miles(g, a, h) + miles(g, h, b);
		if (domestic && g->ap_cg[h] != g->ap_cg[a])
			m += 5000;
		if (best < 0 || m < best_m) {
			best = h;
			best_m = m;
		}
	}
	return best;
}

/* The hub to connect at between a and b, or -1 to fly direct. */
static int route_via(struct gen *g, int a, int b)
{
	struct route *e = route_entry(g, a, b);
	int via = -1;

	if (e && e->via != -2)
		return e->via;
	if (!direct(g, a, b)) {
		via = best_hub(g, a, b, direct);
		if (via < 0)
			via = best_hub(g, a, b, direct_long);
	}
	if (e)
		e->via = (int16_t)via;
	return via;
}

/* --- ids ------------------------------------------------------------------ */

/* Bijections of 32 and 24 bits: xor, odd multiply, xorshift, add. */
static uint32_t perm32(uint32_t x, const uint32_t k[2])
{
	x ^= k[0];
	x *= 0x9e3779b1u;
	x ^= x >> 16;
	x += k[1];
	x *= 0x85ebca6bu;
	x ^= x >> 13;
	return x;
}

static uint32_t perm24(uint32_t x, const uint32_t k[2])
{
	const uint32_t m = 0xffffffu;

	x = (x ^ k[0]) & m;
	x = (x * 0x2545f5u) & m;
	x ^= x >> 12;
	x = (x + k[1]) & m;
	x = (x * 0x6b43a9u) & m;
	x ^= x >> 11;
	return x;
}

/* A six-character booking reference for trip number n, unique by cycle
 * walking the permutation into [0, 36^6) outside the seed stories' PNRs. */
static const char *make_pnr(struct gen *g, long n)
{
	const uint32_t limit = 2176782336u; /* 36^6 */
	uint32_t x = (uint32_t)n;
	bool bad;
	char *p = pool_take(g, 7);

	do {
		x = perm32(x, g->pnr_key);
		bad = x >= limit;
		for (size_t i = 0; !bad && i < LEN(seed_pnrs); i++)
			bad = x == g->reserved_pnr[i];
	} while (bad);
	for (int i = 5; i >= 0; i--) {
		uint32_t d = x % 36;

		p[i] = (char)(d < 10 ? '0' + d : 'A' + d - 10);
		x /= 36;
	}
	p[6] = '\0';
	return p;
}

/* "MP" and seven digits, unique for customer numbers below 6,000,000;
 * MP7000000–MP7000099 are left to the seed stories. */
static const char *make_member(struct gen *g, long n)
{
	uint32_t x = (uint32_t)n;

	do
		x = perm24(x, g->member_key);
	while (x >= 9000000u || (x >= 6000000u && x < 6000100u));
	return pool_num(g, "MP", 1000000L + (long)x);
}

/* --- names and contacts --------------------------------------------------- */

static const struct demo_name *family_form(const struct demo_family *f, int sex)
{
	return sex && f->female.native ? &f->female : &f->male;
}

static const struct demo_name *given_name(int culture, int sex, int i)
{
	const struct demo_culture *c = &demo_cultures[culture];

	return sex ? &c->female[(size_t)i % c->n_female] : &c->male[(size_t)i % c->n_male];
}

static int pick_given(struct rng *r, int culture, int sex)
{
	const struct demo_culture *c = &demo_cultures[culture];

	return (int)rng_below(r, (uint32_t)(sex ? c->n_female : c->n_male));
}

/* The family name as written (one or two surnames) for this sex. */
static void family_text(char *buf, size_t size, int culture, bool native, int sex, int fam,
			int fam2)
{
	const struct demo_culture *c = &demo_cultures[culture];
	const struct demo_name *f = family_form(&c->family[fam], sex);
	const char *a = native ? f->native : demo_names_latin(f);

	if (fam2 >= 0) {
		const struct demo_name *f2 = family_form(&c->family[fam2], sex);

		snprintf(buf, size, "%s %s", a, native ? f2->native : demo_names_latin(f2));
	} else {
		snprintf(buf, size, "%s", a);
	}
}

/* "Given Family", or "FamilyGiven" in Chinese, Japanese and Korean script. */
static const char *person(struct gen *g, int culture, bool native, const struct demo_name *given,
			  const char *family)
{
	if (native && demo_cultures[culture].family_first)
		return pool_join(g, family, given->native, NULL);
	return pool_join(g, native ? given->native : demo_names_latin(given), " ", family);
}

static bool is_latin_culture(int culture)
{
	return demo_cultures[culture].male[0].latin == NULL;
}

static const char *make_email(struct gen *g, const struct cust *cu)
{
	const struct demo_culture *c = &demo_cultures[cu->culture];
	const char *given = demo_names_latin(given_name(cu->culture, cu->sex, cu->given));
	const char *fam = demo_names_latin(family_form(&c->family[cu->fam], cu->sex));
	static const char *const generic[] = {
		"traveller", "flyer", "skyline", "wanderer", "jetset", "globetrotter", "voyager",
		"nomad",
	};
	static const char *const tld[] = { "com", "com", "com", "net", "net", "org" };
	char h[128] = "";
	int style = (int)rng_below(&g->r, 100);
	size_t n;

	if (style < 55) {
		demo_names_handle(given, h, sizeof h);
		n = strlen(h);
		if (n + 1 < sizeof h)
			h[n] = '.', h[n + 1] = '\0';
		demo_names_handle(fam, h, sizeof h);
	} else if (style < 70) {
		char first[64] = "";

		demo_names_handle(given, first, sizeof first);
		h[0] = first[0];
		h[1] = '\0';
		demo_names_handle(fam, h, sizeof h);
	} else if (style < 80) {
		demo_names_handle(fam, h, sizeof h);
		n = strlen(h);
		if (n + 1 < sizeof h)
			h[n] = '.', h[n + 1] = '\0';
		demo_names_handle(given, h, sizeof h);
	} else if (style < 92) {
		demo_names_handle(given, h, sizeof h);
		demo_names_handle(fam, h, sizeof h);
	} else {
		snprintf(h, sizeof h, "%s", generic[rng_below(&g->r, LEN(generic))]);
	}
	n = strlen(h);
	if (n == 0 || h[n - 1] == '.')
		snprintf(h + n, sizeof h - n, "%s", "member");
	return pool_printf(g, "%s%ld@example.%s", h, cu->n, tld[rng_below(&g->r, LEN(tld))]);
}

/* A keyed permutation of [0, 2^14). */
static uint32_t perm14(uint32_t x, const uint32_t k[2])
{
	const uint32_t m = 0x3fffu;

	x = (x ^ k[0]) & m;
	x = (x * 0x2c5du) & m;
	x ^= x >> 7;
	x = (x + k[1]) & m;
	x = (x * 0x1a3bu) & m;
	x ^= x >> 6;
	return x;
}

static bool reserved_line(const struct gen *g, uint32_t x)
{
	for (int i = 0; i < g->n_reserved_line; i++)
		if (x == g->reserved_line[i])
			return true;
	return false;
}

/* The XXXX of slot r of a block (r < 10000 - n_reserved_line): the r-th
 * number of [0, 10000) outside the seed stories' XXXX, moved by cycle
 * walking a permutation within that set, so a bijection onto it. */
static uint32_t phone_line(const struct gen *g, uint32_t r)
{
	uint32_t x = r;

	for (int i = 0; i < g->n_reserved_line; i++)
		x += x >= g->reserved_line[i];
	do
		x = perm14(x, g->phone_key);
	while (x >= 10000u || reserved_line(g, x));
	return x;
}

/* The last seven digits of a phone outside North America: a bijection of
 * the customer number (modulo 10^7). */
static uint32_t phone_tail(const struct gen *g, long n)
{
	uint32_t x = (uint32_t)(n % 10000000L);

	do
		x = perm24(x, g->phone_key);
	while (x >= 10000000u);
	return x;
}

/* A phone number unique to customer n (up to about 5,300,000 customers).
 *
 * North America: +1 AREA 555 XXXX. Customer numbers fall in blocks of
 * 10000 - n_reserved_line; within a block the XXXX is a bijection of the
 * slot, so two customers of one block never share it, and the area codes
 * of different blocks never meet. Blocks 0 and 1 use the codes of the home
 * (codes[0] or codes[1] by the parity of block + slot, so both appear from
 * the start; one of six codes of the smaller airports, each six for one
 * parity); later blocks use one spare code each, whoever's home.
 *
 * Elsewhere: a prefix of the country, then random digits, then seven digits
 * that are a bijection of the customer number: equal phones would mean the
 * same customer. */
static const char *make_phone(struct gen *g, const struct cust *cu)
{
	const struct country *c = &countries[cu->country];
	char buf[40];
	size_t n;

	if (!c->phone) {
		uint32_t per = 10000u - (uint32_t)g->n_reserved_line;
		long block = cu->n / (long)per;
		uint32_t r = (uint32_t)(cu->n % (long)per);
		char spare[8];
		const char *area = NULL;

		if (block < 2) {
			int half = (int)((block + (long)r) & 1);
			uint32_t each = LEN(other_area_codes) / 2;

			for (size_t i = 0; i < LEN(area_codes); i++)
				if (!memcmp(area_codes[i].iata, g->ap[cu->home]->iata, 3))
					area = area_codes[i].codes[half];
			if (!area)
				area = other_area_codes[(uint32_t)half * each + rng_below(&g->r, each)];
		} else {
			snprintf(spare, sizeof spare, "%03u",
				 (unsigned)g->spare_area[(block - 2) % g->n_spare_area]);
			area = spare;
		}
		return pool_printf(g, "+1%s555%04u", area, (unsigned)phone_line(g, r));
	}
	{
		/* one of the space-separated prefixes */
		const char *p = c->phone;
		int count = 1, pick;

		for (const char *q = p; *q; q++)
			count += *q == ' ';
		pick = (int)rng_below(&g->r, (uint32_t)count);
		while (pick-- > 0)
			p = strchr(p, ' ') + 1;
		n = strcspn(p, " ");
		if (n > 20)
			n = 20;
		memcpy(buf, p, n);
	}
	for (int i = 0; i < c->digits - 7 && n + 1 < sizeof buf; i++)
		buf[n++] = (char)('0' + rng_below(&g->r, 10));
	snprintf(buf + n, sizeof buf - n, "%07u", (unsigned)phone_tail(g, cu->n));
	return pool_str(g, buf);
}

/* A medium airport of the contiguous US. */
static int pick_us_medium(struct gen *g)
{
	const struct cgroup *us = &g->cg[g->us_cg];

	return us->medium[rng_below(&g->r, (uint32_t)us->n_medium)];
}

/* --- destinations --------------------------------------------------------- */

static int pick_business(struct gen *g, const struct cust *cu)
{
	struct rng *r = &g->r;
	const struct cgroup *home_cg = &g->cg[g->ap_cg[cu->home]];

	for (int tries = 0; tries < 10; tries++) {
		int d, x = (int)rng_below(r, 100);

		if (home_cg->us)
			d = x < 85 ? wl_pick(&g->us_biz, r) : wl_pick(&g->intl_biz, r);
		else if (x < 40 && home_cg->n_large > 1)
			d = home_cg->large[rng_below(r, (uint32_t)home_cg->n_large)];
		else if (x < 80)
			d = wl_pick(&g->intl_biz, r);
		else
			d = wl_pick(&g->us_biz, r);
		if (d >= 0 && d != cu->home && miles(g, cu->home, d) >= 150)
			return d;
	}
	return g->us_biz.idx[0] != cu->home ? g->us_biz.idx[0] : g->us_biz.idx[1];
}

static int pick_leisure(struct gen *g, const struct cust *cu)
{
	struct rng *r = &g->r;

	for (int tries = 0; tries < 10; tries++) {
		int d, x = (int)rng_below(r, 100);

		if (x < 55) {
			d = wl_pick(&g->resort[cu->region], r);
		} else if (x < 72) {
			int other = (cu->region + 1 + (int)rng_below(r, R_COUNT - 1)) % R_COUNT;

			d = wl_pick(&g->resort[other], r);
		} else {
			d = wl_pick(&g->cities, r);
		}
		if (d >= 0 && d != cu->home && miles(g, cu->home, d) >= 300)
			return d;
	}
	return wl_pick(&g->resort[R_AM], r);
}

/* Where the family lives: a smaller airport, in the home country when it
 * has one, and for some who moved to the US, in the culture's country. */
static int pick_family_place(struct gen *g, const struct cust *cu)
{
	struct rng *r = &g->r;
	const struct cgroup *home_cg = &g->cg[g->ap_cg[cu->home]];
	bool abroad = cu->us_based && cu->culture != DEMO_EN && rng_pct(r, 35);
	const struct cgroup *c = home_cg;

	if (abroad) {
		int country = wl_pick(&g->culture_countries[cu->culture], r);

		if (country >= 0 && g->country_cg[country] >= 0)
			c = &g->cg[g->country_cg[country]];
	}
	for (int tries = 0; tries < 16; tries++) {
		int d;

		if (c->us && !strcmp(c->cc, "US"))
			d = rng_pct(r, 55) ? wl_pick(&g->us_small, r) : pick_us_medium(g);
		else if (c->n_medium > 0 && tries < 12)
			d = c->medium[rng_below(r, (uint32_t)c->n_medium)];
		else if (c->n_large > 0)
			d = c->large[rng_below(r, (uint32_t)c->n_large)];
		else
			d = wl_pick(&g->us_small, r);
		if (d >= 0 && d != cu->home && miles(g, cu->home, d) >= 150)
			return d;
	}
	return wl_pick(&g->us_small, r);
}

/* --- customers ------------------------------------------------------------ */

static const int persona_w[P_COUNT] = { 12, 23, 30, 20, 15 };

/* Trips per 730 days, ×10, by persona and intent. */
static const int trip_rate[P_COUNT][INTENT_COUNT] = {
	[P_ROAD_WARRIOR] = { 120, 16, 8 },
	[P_BUSINESS_MIX] = { 40, 14, 10 },
	[P_LEISURE_FAMILY] = { 3, 22, 8 },
	[P_VFR_HEAVY] = { 3, 6, 40 },
	[P_OCCASIONAL] = { 2, 8, 5 },
};

/* Miles a year beyond the sampled history, by persona. */
static const int annual_lo[P_COUNT] = { 50000, 15000, 3000, 4000, 1000 };
static const int annual_hi[P_COUNT] = { 130000, 50000, 15000, 20000, 6000 };

static void customer_make(struct gen *g, long n, struct cust *cu, struct customer *c)
{
	struct rng *r = &g->r;
	int age, lo_age, hi_age;
	int32_t earliest, latest;

	memset(cu, 0, sizeof *cu);
	cu->n = n;
	cu->persona = (enum persona)rng_weighted(r, persona_w, P_COUNT);
	cu->us_based = rng_pct(r, 60);
	if (cu->us_based) {
		cu->culture = rng_weighted(r, culture_us_w, DEMO_CULTURE_COUNT);
		cu->country = 0;
		cu->home = rng_pct(r, 93) ? wl_pick(&g->homes[0], r) : pick_us_medium(g);
		cu->native = rng_pct(r, 15);
	} else {
		cu->culture = rng_weighted(r, culture_abroad_w, DEMO_CULTURE_COUNT);
		cu->country = wl_pick(&g->culture_countries[cu->culture], r);
		if (cu->country < 0 || g->homes[cu->country].n == 0)
			cu->country = 0;
		cu->home = wl_pick(&g->homes[cu->country], r);
		cu->native = rng_pct(r, 95);
	}
	if (cu->home < 0)
		cu->home = g->homes[0].idx[0];
	if (is_latin_culture(cu->culture))
		cu->native = true;
	cu->region = countries[cu->country].region;
	cu->sex = (int)rng_below(r, 2);
	cu->given = pick_given(r, cu->culture, cu->sex);
	cu->fam = (int)rng_below(r, (uint32_t)demo_cultures[cu->culture].n_family);
	cu->fam2 = -1;
	if (demo_cultures[cu->culture].two_surnames && rng_pct(r, 35)) {
		cu->fam2 = (int)rng_below(r, (uint32_t)demo_cultures[cu->culture].n_family);
		if (cu->fam2 == cu->fam)
			cu->fam2 = -1;
	}
	family_text(cu->family_name, sizeof cu->family_name, cu->culture, cu->native, cu->sex,
		    cu->fam, cu->fam2);

	switch (cu->persona) {
	case P_ROAD_WARRIOR: case P_BUSINESS_MIX: lo_age = 26; hi_age = 66; break;
	case P_LEISURE_FAMILY: lo_age = 28; hi_age = 58; break;
	case P_VFR_HEAVY: lo_age = 22; hi_age = 78; break;
	default: lo_age = 21; hi_age = 82; break;
	}
	age = rng_range(r, lo_age, hi_age);
	cu->birth = g->today - age * 365 - age / 4 - rng_range(r, 0, 364);
	earliest = date_from_ymd(1985, 1, 1);
	if (cu->birth + 18 * 365 + 4 > earliest)
		earliest = cu->birth + 18 * 365 + 4;
	latest = g->year_start - 1;
	if (earliest > latest)
		earliest = latest - 200;
	cu->member_since = earliest + (int32_t)rng_below(r, (uint32_t)(latest - earliest + 1));

	cu->company = corporate_codes[rng_below(r, LEN(corporate_codes))];
	switch (cu->persona) {
	case P_ROAD_WARRIOR: cu->j_pct = rng_range(r, 35, 85); break;
	case P_BUSINESS_MIX: cu->j_pct = rng_range(r, 10, 45); break;
	default: cu->j_pct = rng_range(r, 0, 15); break;
	}
	cu->w_pct = rng_range(r, 5, 40);
	cu->spouse_given = pick_given(r, cu->culture, rng_pct(r, 90) ? !cu->sex : cu->sex);
	cu->n_kids = cu->persona == P_LEISURE_FAMILY ? rng_range(r, 1, 3) :
		     rng_pct(r, 45) ? rng_range(r, 1, 2) : 0;
	for (int i = 0; i < cu->n_kids; i++) {
		cu->kid_sex[i] = (int)rng_below(r, 2);
		do
			cu->kid_given[i] = pick_given(r, cu->culture, cu->kid_sex[i]);
		while (i > 0 && cu->kid_given[i] == cu->kid_given[i - 1] &&
		       cu->kid_sex[i] == cu->kid_sex[i - 1]);
		cu->kid_birth[i] = g->today - rng_range(r, 150, 15 * 365);
	}
	cu->annual = rng_range(r, annual_lo[cu->persona], annual_hi[cu->persona]);

	cu->family_place = pick_family_place(g, cu);
	for (int i = 0; i < 3; i++)
		cu->regular[i] = pick_business(g, cu);

	memset(c, 0, sizeof *c);
	cu->id = pool_num(g, "C", n);
	c->id = cu->id;
	c->member = make_member(g, n);
	c->name = person(g, cu->culture, cu->native, given_name(cu->culture, cu->sex, cu->given),
			 cu->family_name);
	c->email = make_email(g, cu);
	c->phone = make_phone(g, cu);
	c->birth_date = cu->birth;
	c->member_since = cu->member_since;
	memcpy(c->home_airport, g->ap[cu->home]->iata, 4);
	{
		int x = (int)rng_below(r, 100);

		c->recognition = x < 80 ? REC_PUBLIC : x < 95 ? REC_QUIET : REC_NONE;
	}
}

/* --- trip plans ----------------------------------------------------------- */

struct plan {
	int32_t day;               /* departure, local at home */
	int nights, lead;
	enum intent intent;
};

/* Nights from a departure on weekday wd until a Saturday night is included. */
static int nights_to_saturday(int wd)
{
	return (6 - wd + 7) % 7 + 1;
}

static int32_t to_weekday(int32_t day, int wd)
{
	return day + (wd - date_weekday(day) + 7) % 7;
}

static void plan_business(struct rng *r, struct plan *p)
{
	static const int wd_w[7] = { 30, 30, 22, 10, 3, 0, 5 };
	static const int lead_w[15] = { 4, 8, 9, 10, 10, 9, 9, 8, 7, 6, 5, 5, 4, 3, 3 };
	int wd = rng_weighted(r, wd_w, 7) + 1;

	p->day = to_weekday(p->day, wd);
	if (rng_pct(r, 5)) {
		p->nights = 0;
	} else if (rng_pct(r, 4)) {
		p->nights = rng_range(r, 4, 7);          /* noise: over a weekend */
	} else if (wd <= 4) {
		int most = 5 - wd < 4 ? 5 - wd : 4;

		p->nights = rng_range(r, 1, most);
	} else if (wd == 5) {
		p->nights = rng_range(r, 1, 3);
	} else {
		p->nights = rng_range(r, 1, 4);
	}
	p->lead = rng_pct(r, 8) ? rng_range(r, 15, 30) : rng_weighted(r, lead_w, 15);
}

static void plan_leisure(struct rng *r, struct plan *p)
{
	static const int wd_w[7] = { 4, 3, 3, 25, 40, 20, 5 };
	int wd = rng_weighted(r, wd_w, 7) + 1;

	p->day = to_weekday(p->day, wd);
	if (rng_pct(r, 6) && wd >= 4 && wd <= 6) {
		p->nights = rng_range(r, nights_to_saturday(wd), 3);
		if (p->nights < nights_to_saturday(wd))
			p->nights = nights_to_saturday(wd);
	} else {
		p->nights = rng_range(r, 4, 10) + (rng_pct(r, 30) ? rng_range(r, 0, 4) : 0);
		if (p->nights < nights_to_saturday(wd))
			p->nights = nights_to_saturday(wd);
	}
	p->lead = rng_pct(r, 9) ? rng_range(r, 7, 29) :
		  30 + (rng_range(r, 0, 170) + rng_range(r, 0, 170)) / 2;
}

static void plan_vfr(struct rng *r, struct plan *p)
{
	static const int wd_w[7] = { 8, 7, 10, 25, 35, 10, 5 };
	int wd = rng_weighted(r, wd_w, 7) + 1, x;

	p->day = to_weekday(p->day, wd);
	if (rng_pct(r, 8)) {
		p->nights = 2;
	} else {
		p->nights = rng_range(r, 3, 7) + (rng_pct(r, 25) ? rng_range(r, 0, 3) : 0);
		if (p->nights < nights_to_saturday(wd))
			p->nights = nights_to_saturday(wd);
		if (p->nights > 10)
			p->nights = 10;
	}
	x = (int)rng_below(r, 100);
	if (x < 6)
		p->lead = rng_range(r, 0, 6);
	else if (x < 12)
		p->lead = rng_range(r, 61, 120);
	else
		p->lead = (rng_range(r, 7, 60) + rng_range(r, 7, 60)) / 2;
}

static bool plan_overlaps(const struct plan *pl, int n, const struct plan *p)
{
	for (int i = 0; i < n; i++)
		if (p->day <= pl[i].day + pl[i].nights + 3 && pl[i].day <= p->day + p->nights + 3)
			return true;
	return false;
}

static int make_plans(struct gen *g, const struct cust *cu, struct plan *pl)
{
	static const int horizon[INTENT_COUNT] = { 14, 180, 60 };
	struct rng *r = &g->r;
	int32_t start = g->today - PAST_DAYS;
	int n = 0;

	if (cu->member_since > start)
		start = cu->member_since;
	for (int i = 0; i < INTENT_COUNT; i++) {
		int span = g->today - start + horizon[i];
		long lambda = (long)trip_rate[cu->persona][i] * span * TRIP_SCALE / PAST_DAYS / 100;
		int k = (int)((lambda * rng_range(r, 50, 150) / 100 + rng_below(r, 10)) / 10);

		for (int j = 0; j < k && n < MAX_TRIPS; j++) {
			for (int tries = 0; tries < 4; tries++) {
				struct plan p = { start + (int32_t)rng_below(r, (uint32_t)span), 0, 0,
						  (enum intent)i };

				if (i == INTENT_BUSINESS)
					plan_business(r, &p);
				else if (i == INTENT_LEISURE)
					plan_leisure(r, &p);
				else
					plan_vfr(r, &p);
				if (p.day - p.lead > g->today || p.day > g->today + 180 ||
				    p.day - p.lead < cu->member_since)
					continue;
				if (plan_overlaps(pl, n, &p))
					continue;
				pl[n++] = p;
				break;
			}
		}
	}
	/* oldest first */
	for (int i = 1; i < n; i++) {
		struct plan p = pl[i];
		int j = i;

		while (j > 0 && (pl[j - 1].day > p.day ||
				 (pl[j - 1].day == p.day && pl[j - 1].intent > p.intent))) {
			pl[j] = pl[j - 1];
			j--;
		}
		pl[j] = p;
	}
	return n;
}

/* --- trips ---------------------------------------------------------------- */

/* The carrier and flight number of leg s from a to b (its miles set). */
static void carrier_of(struct gen *g, int a, int b, int dep_min, struct segment *s)
{
	struct rng *r = &g->r;
	const struct cgroup *ca = &g->cg[g->ap_cg[a]], *cb = &g->cg[g->ap_cg[b]];
	const char *carrier = "UA";
	uint64_t h;
	long num;

	if (ca->us && cb->us) {
		carrier = "UA";
	} else if (ca->us || cb->us) {
		const char *partner = ca->us ? cb->carrier : ca->carrier;

		if (partner && rng_pct(r, 25))
			carrier = partner;
	} else if (ca->carrier || cb->carrier) {
		/* abroad: the airline of the origin, else of the destination */
		carrier = ca->carrier ? ca->carrier : cb->carrier;
	}
	h = mix64(((uint64_t)a << 40) ^ ((uint64_t)b << 16) ^ (uint64_t)(dep_min / 180) ^
		  ((uint64_t)(unsigned char)carrier[0] << 56));
	if (carrier[0] == 'U' && carrier[1] == 'A') {
		bool regional = (g->ap[a]->size == 'M' || g->ap[b]->size == 'M') &&
				s->miles <= 1500;

		num = regional ? 3000 + (long)(h % 4000) : 100 + (long)(h % 2400);
	} else {
		num = 100 + (long)(h % 1900);
	}
	s->carrier = carrier;
	s->flight = pool_num(g, "", num);
}

/* Appends a leg a→b departing at dep; returns it. */
static struct segment *add_leg(struct gen *g, struct slot *s, int a, int b, struct irm_time dep,
			       enum cabin cabin, char fare)
{
	struct segment *seg = &s->seg[s->trip.n_segments++];
	int m = miles(g, a, b);

	memset(seg, 0, sizeof *seg);
	seg->id = pool_num(g, "S", g->next_seg++);
	memcpy(seg->origin, g->ap[a]->iata, 4);
	memcpy(seg->destination, g->ap[b]->iata, 4);
	seg->departure = dep;
	seg->arrival = at_airport(g, b, dep.utc + (int64_t)duration_min(m) * 60);
	seg->has_arrival = true;
	seg->cabin = cabin;
	seg->fare_class = fare;
	seg->status = SEG_BOOKED;
	seg->miles = m;
	return seg;
}

/* Legs from a to b (through via when ≥ 0), the first departing at dep. */
static void add_direction(struct gen *g, struct slot *s, int a, int via, int b,
			  struct irm_time dep, enum cabin cabin, char fare, bool seeded,
			  const char *f1, const char *f2)
{
	struct segment *seg;

	seg = add_leg(g, s, a, via >= 0 ? via : b, dep, cabin, fare);
	if (seeded)
		seg->carrier = "UA", seg->flight = f1;
	else
		carrier_of(g, a, via >= 0 ? via : b, date_local_minute(dep), seg);
	if (via >= 0) {
		int layover = seeded ? 75 : rng_range(&g->r, 11, 30) * 5;
		struct irm_time d2 = at_airport(g, via, seg->arrival.utc + (int64_t)layover * 60);

		seg = add_leg(g, s, via, b, d2, cabin, fare);
		if (seeded)
			seg->carrier = "UA", seg->flight = f2;
		else
			carrier_of(g, via, b, date_local_minute(d2), seg);
	}
}

static void seat_legs(struct gen *g, struct slot *s, size_t leg)
{
	struct segment *seg = &s->seg[leg];
	const char *letters;
	int lo, hi, len, row, col;
	size_t np = s->trip.n_passengers;

	switch (seg->cabin) {
	case CABIN_F: letters = "AF"; lo = 1; hi = 2; break;
	case CABIN_J: letters = "ACDF"; lo = 1; hi = 7; break;
	case CABIN_W: letters = "ABCDEF"; lo = 10; hi = 16; break;
	default: letters = "ABCDEF"; lo = 18; hi = 44; break;
	}
	len = (int)strlen(letters);
	row = rng_range(&g->r, lo, hi);
	col = (int)np <= len ? (int)rng_below(&g->r, (uint32_t)(len - (int)np + 1)) : 0;
	for (size_t i = 0; i < np; i++) {
		const struct passenger *p = &s->pax[i];

		s->seats[leg][i].passenger = p->customer_id ? p->customer_id : p->name;
		char seat[2] = { letters[col], '\0' };

		s->seats[leg][i].seat = pool_join(g, pool_num(g, "", row), seat, NULL);
		if (++col == len) {
			col = 0;
			row++;
		}
	}
	seg->seats = s->seats[leg];
	seg->n_seats = np;
}

/* The city of an airport as a hotel would be named after it. */
static void hotel_city(const struct airport *a, char *buf, size_t size)
{
	const char *c = a->city && *a->city ? a->city : a->name ? a->name : a->iata;
	size_t n;

	if (!strncmp(c, "Ciudad de ", 10))
		c += 10;
	n = strcspn(c, "(,/");
	while (n > 0 && c[n - 1] == ' ')
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(buf, c, n);
	buf[n] = '\0';
}

static const char *hotel_name(struct gen *g, int dest, int stars, bool resort)
{
	const struct hotel_name *list;
	size_t n;
	char city[96];
	const struct hotel_name *h;

	if (resort && stars >= 4) {
		list = resorts, n = LEN(resorts);
	} else {
		switch (stars) {
		case 5: list = hotels5, n = LEN(hotels5); break;
		case 4: list = hotels4, n = LEN(hotels4); break;
		case 3: list = hotels3, n = LEN(hotels3); break;
		case 2: list = motels2, n = LEN(motels2); break;
		default: list = motels1, n = LEN(motels1); break;
		}
	}
	/* Two hotels of each kind per city: customers meet at the same ones. */
	h = &list[(mix64((uint64_t)dest * 8 + (uint64_t)stars) + rng_below(&g->r, 2)) % n];
	hotel_city(g->ap[dest], city, sizeof city);
	return pool_join(g, h->pre, city, h->post);
}

static bool is_resort(const struct gen *g, int dest)
{
	for (int r = 0; r < R_COUNT; r++)
		for (int i = 0; i < g->resort[r].n; i++)
			if (g->resort[r].idx[i] == dest)
				return true;
	return false;
}

static const char *colleague_name(struct gen *g, const struct cust *cu)
{
	struct rng *r = &g->r;
	int culture = rng_pct(r, 60) ? cu->culture : DEMO_EN;
	bool native = culture == cu->culture ? cu->native : true;
	int sex = (int)rng_below(r, 2);
	int fam = (int)rng_below(r, (uint32_t)demo_cultures[culture].n_family);
	char family[160];

	family_text(family, sizeof family, culture, native, sex, fam, -1);
	return person(g, culture, native, given_name(culture, sex, pick_given(r, culture, sex)),
		      family);
}

static bool name_taken(const struct slot *s, const char *name)
{
	for (size_t i = 0; i < s->trip.n_passengers; i++)
		if (s->pax[i].name && !strcmp(s->pax[i].name, name))
			return true;
	return false;
}

static void add_pax(struct slot *s, const char *id, const char *name, enum age_band band)
{
	struct passenger *p = &s->pax[s->trip.n_passengers++];

	p->customer_id = id;
	p->name = name;
	p->age_band = band;
}

/* k colleagues (or a friend): some of them members seen before, on trips
 * short enough that their lifetime figures, which leave at least 50,000
 * miles beyond their own history, still cover them after three such trips. */
static void add_colleagues(struct gen *g, const struct cust *cu, struct slot *s, int k,
			   bool members)
{
	struct rng *r = &g->r;

	for (int i = 0; i < k && s->trip.n_passengers < MAX_PAX; i++) {
		if (members && g->ring_n > 0 && rng_pct(r, 25)) {
			int j = (int)rng_below(r, (uint32_t)g->ring_n);

			if (g->ring[j].uses < 3) {
				bool dup = false;

				for (size_t q = 0; q < s->trip.n_passengers; q++)
					dup |= s->pax[q].customer_id &&
					       !strcmp(s->pax[q].customer_id, g->ring[j].id);
				if (!dup) {
					g->ring[j].uses++;
					add_pax(s, pool_str(g, g->ring[j].id), NULL, AGE_ADULT);
					continue;
				}
			}
		}
		for (int tries = 0; tries < 4; tries++) {
			const char *name = colleague_name(g, cu);

			if (!name_taken(s, name)) {
				add_pax(s, NULL, name, AGE_ADULT);
				break;
			}
		}
	}
}

static void add_family(struct gen *g, const struct cust *cu, struct slot *s, int32_t day,
		       bool spouse, bool kids)
{
	struct rng *r = &g->r;
	int spouse_sex = !cu->sex;

	if (spouse) {
		char family[160];
		int fam2 = cu->fam2;

		family_text(family, sizeof family, cu->culture, cu->native, spouse_sex, cu->fam,
			    fam2);
		add_pax(s, NULL, person(g, cu->culture, cu->native,
					given_name(cu->culture, spouse_sex, cu->spouse_given), family),
			AGE_ADULT);
	}
	for (int i = 0; kids && i < cu->n_kids && s->trip.n_passengers < MAX_PAX; i++) {
		int32_t age_days = day - cu->kid_birth[i];
		enum age_band band;
		char family[160];
		const char *name;

		if (age_days < 30 || rng_pct(r, 8))
			continue;
		band = age_days < 2 * 365 ? AGE_INFANT : age_days < 12 * 365 ? AGE_CHILD : AGE_ADULT;
		family_text(family, sizeof family, cu->culture, cu->native, cu->kid_sex[i], cu->fam,
			    cu->fam2);
		name = person(g, cu->culture, cu->native,
			      given_name(cu->culture, cu->kid_sex[i], cu->kid_given[i]), family);
		if (!name_taken(s, name))
			add_pax(s, NULL, name, band);
	}
}

static char pick_fare(struct rng *r, const char *letters)
{
	return letters[rng_below(r, (uint32_t)strlen(letters))];
}

static int pick_minute(struct rng *r, int from, int to)
{
	return rng_range(r, from / 5, to / 5) * 5;
}

/* Builds one trip of a generated customer from its plan. */
static void build_trip(struct gen *g, const struct cust *cu, const struct plan *p, struct slot *s)
{
	struct rng *r = &g->r;
	int home = cu->home, dest, dm, via, out_min, back_min, stars = 0, hotel_nights;
	enum cabin cabin = CABIN_Y;
	char fare;
	struct irm_time dep, back;
	int32_t arr_day, ret_day;
	const struct segment *last_out;
	size_t n_out;

	memset(s, 0, sizeof *s);
	s->truth = p->intent;
	s->trip.passengers = s->pax;
	s->trip.segments = s->seg;
	s->trip.id = pool_num(g, "T", g->next_trip);
	s->trip.pnr = make_pnr(g, g->next_trip);
	g->next_trip++;
	add_pax(s, cu->id, NULL, AGE_ADULT);

	switch (p->intent) {
	case INTENT_BUSINESS: {
		static const int k_w[4] = { 65, 22, 9, 4 };
		static const int ch_w[CH_COUNT] = { [CH_WEB] = 10, [CH_APP] = 6, [CH_AGENCY] = 12,
						    [CH_CORPORATE] = 72 };

		dest = rng_pct(r, 65) ? cu->regular[rng_below(r, 3)] : pick_business(g, cu);
		dm = miles(g, home, dest);
		add_colleagues(g, cu, s, rng_weighted(r, k_w, 4), dm <= 2500);
		if (rng_pct(r, dm < 500 ? 10 : dm >= 3000 ? cu->j_pct + 20 : cu->j_pct))
			cabin = CABIN_J;
		fare = cabin == CABIN_J ? pick_fare(r, "JJJCCCDDZZ") :
		       rng_pct(r, 10) ? pick_fare(r, "HKL") : pick_fare(r, "YYYYBBBMMM");
		s->trip.channel = (enum channel)rng_weighted(r, ch_w, CH_COUNT);
		if (s->trip.channel == CH_CORPORATE && rng_pct(r, 85))
			s->trip.corporate_code = cu->company;
		if (p->nights == 0) {
			out_min = pick_minute(r, 6 * 60, 7 * 60 + 30);
			back_min = pick_minute(r, 17 * 60, 20 * 60);
		} else {
			out_min = rng_pct(r, 70) ? pick_minute(r, 6 * 60, 8 * 60 + 30) :
						   pick_minute(r, 16 * 60 + 30, 19 * 60 + 30);
			back_min = pick_minute(r, 15 * 60 + 30, 20 * 60);
		}
		if (p->nights > 0 && rng_pct(r, 90)) {
			static const int st_w[3] = { 25, 45, 30 };

			stars = 3 + rng_weighted(r, st_w, 3);
			if (cabin == CABIN_J && stars < 5 && rng_pct(r, 30))
				stars++;
		}
		break;
	}
	case INTENT_LEISURE: {
		static const int ch_w[CH_COUNT] = { [CH_WEB] = 45, [CH_APP] = 25,
						    [CH_CALL_CENTER] = 10, [CH_AGENCY] = 20 };
		int x = (int)rng_below(r, 100);

		dest = pick_leisure(g, cu);
		dm = miles(g, home, dest);
		if (x >= 10)
			add_family(g, cu, s, p->day, x >= 70 ? rng_pct(r, 90) : true, x >= 40);
		if (x >= 10 && s->trip.n_passengers == 1)
			add_colleagues(g, cu, s, 1, dm <= 2500);    /* a friend */
		if (rng_pct(r, 3))
			cabin = CABIN_J;
		else if (rng_pct(r, cu->w_pct))
			cabin = CABIN_W;
		fare = cabin == CABIN_J ? pick_fare(r, "DZ") : pick_fare(r, "KLQTV");
		s->trip.channel = (enum channel)rng_weighted(r, ch_w, CH_COUNT);
		out_min = pick_minute(r, 8 * 60, 15 * 60);
		back_min = pick_minute(r, 10 * 60, 18 * 60);
		if (rng_pct(r, 85)) {
			static const int st_w[3] = { 30, 45, 25 };

			stars = 3 + rng_weighted(r, st_w, 3);
		}
		break;
	}
	default: {
		static const int ch_w[CH_COUNT] = { [CH_WEB] = 50, [CH_APP] = 35,
						    [CH_CALL_CENTER] = 10, [CH_AGENCY] = 5 };
		int x = (int)rng_below(r, 100);

		dest = cu->family_place;
		if (x >= 65)
			add_family(g, cu, s, p->day, true, x >= 93);
		if (rng_pct(r, 3))
			cabin = CABIN_W;
		fare = rng_pct(r, 25) ? pick_fare(r, "YBMH") : pick_fare(r, "KLQTV");
		s->trip.channel = (enum channel)rng_weighted(r, ch_w, CH_COUNT);
		out_min = pick_minute(r, 7 * 60, 19 * 60);
		back_min = pick_minute(r, 9 * 60, 19 * 60);
		x = (int)rng_below(r, 100);
		if (x < 22)
			stars = rng_pct(r, 35) ? 1 : 2;
		else if (x < 30)
			stars = 3;
		break;
	}
	}

	via = route_via(g, home, dest);
	dep = local_time(g, home, p->day, out_min);
	add_direction(g, s, home, via, dest, dep, cabin, fare, false, NULL, NULL);
	n_out = s->trip.n_segments;
	last_out = &s->seg[n_out - 1];
	arr_day = date_local_day(last_out->arrival);
	ret_day = arr_day + p->nights;
	if (p->nights == 0) {
		int earliest = date_local_minute(last_out->arrival) + 240;

		if (back_min < earliest)
			back_min = (earliest + 4) / 5 * 5;
		if (back_min > 23 * 60 + 30) {
			ret_day++;
			back_min = pick_minute(r, 7 * 60, 12 * 60);
		}
	}
	back = local_time(g, dest, ret_day, back_min);
	if (back.utc < last_out->arrival.utc + 4 * 3600)
		back = local_time(g, dest, ++ret_day, back_min);
	add_direction(g, s, dest, via, home, back, cabin, fare, false, NULL, NULL);

	/* status: by the clock, and some past trips cancelled or not flown */
	{
		bool all_past = true;
		int x;

		for (size_t i = 0; i < s->trip.n_segments; i++) {
			s->seg[i].status = s->seg[i].departure.utc < g->now ? SEG_FLOWN : SEG_BOOKED;
			all_past &= s->seg[i].status == SEG_FLOWN;
		}
		x = (int)rng_below(r, 1000);
		if (all_past && x < 35)
			for (size_t i = 0; i < s->trip.n_segments; i++)
				s->seg[i].status = x < 20 || i > 0 ? SEG_CANCELLED : SEG_NO_SHOW;
	}
	for (size_t i = 0; i < s->trip.n_segments; i++)
		if (rng_pct(r, 50))
			seat_legs(g, s, i);

	hotel_nights = ret_day - arr_day;
	if (stars > 0 && hotel_nights > 0) {
		s->hotel.stars = stars;
		s->hotel.nights = p->intent == INTENT_VFR && rng_pct(r, 40) && hotel_nights > 1 ?
				  rng_range(r, 1, hotel_nights - 1) : hotel_nights;
		s->hotel.name = hotel_name(g, dest, stars,
					   p->intent == INTENT_LEISURE && is_resort(g, dest));
		s->trip.hotels = &s->hotel;
		s->trip.n_hotels = 1;
	}

	/* booked at home, lead days before departure, never after now */
	{
		int32_t bday = date_local_day(s->seg[0].departure) - p->lead;
		struct irm_time b = local_time(g, home, bday, pick_minute(r, 7 * 60, 23 * 60));
		int64_t latest = s->seg[0].departure.utc - 3600;

		if (latest > g->now - 300)
			latest = g->now - 300;
		if (b.utc > latest)
			b = at_airport(g, home, latest - (int64_t)rng_range(r, 0, 180) * 60);
		s->trip.booked_at = b;
		s->trip.has_booked_at = true;
	}
}

/* --- emitting ------------------------------------------------------------- */

static int emit(struct gen *g, const struct customer *c)
{
	int rc = 0;

	if (g->sink->customer)
		rc = g->sink->customer(g->sink->ctx, c);
	for (int i = 0; !rc && i < g->n_slots; i++)
		if (g->sink->trip)
			rc = g->sink->trip(g->sink->ctx, &g->slots[i].trip, g->slots[i].truth);
	return rc;
}

static void reset_customer(struct gen *g)
{
	g->pool_used = 0;
	g->n_slots = 0;
}

static int generate_customer(struct gen *g, long n)
{
	struct cust cu;
	struct customer c;
	struct plan plans[MAX_TRIPS];
	int n_plans;
	int64_t hist_miles = 0, ytd_miles = 0, life_extra, ytd_extra;
	int32_t hist_segs = 0, ytd_segs = 0;
	int avg_leg;
	double years, frac;
	int rc;

	reset_customer(g);
	rng_seed(&g->r, g->o->seed, (uint64_t)n);
	customer_make(g, n, &cu, &c);
	n_plans = make_plans(g, &cu, plans);
	for (int i = 0; i < n_plans; i++) {
		struct slot *s = &g->slots[g->n_slots];

		if (g->pool_used + TRIP_POOL_NEED > POOL_SIZE)
			break;
		build_trip(g, &cu, &plans[i], s);
		g->n_slots++;
		for (size_t j = 0; j < s->trip.n_segments; j++) {
			const struct segment *seg = &s->seg[j];

			if (seg->status != SEG_FLOWN)
				continue;
			hist_miles += seg->miles;
			hist_segs++;
			if (date_local_day(seg->departure) >= g->year_start) {
				ytd_miles += seg->miles;
				ytd_segs++;
			}
		}
	}

	/* the loyalty figures: the sampled history and what it did not sample */
	avg_leg = cu.persona <= P_BUSINESS_MIX ? 900 : 1200;
	years = (double)(g->today - cu.member_since) / 365.25;
	frac = (double)(g->today - g->year_start + 1) / 365.0;
	life_extra = (int64_t)(cu.annual * years * (0.5 + 0.5 * (double)rng_below(&g->r, 1000) / 1000));
	ytd_extra = (int64_t)(cu.annual * frac * (0.6 + 0.5 * (double)rng_below(&g->r, 1000) / 1000));
	if (life_extra < ytd_extra)
		life_extra = ytd_extra;
	c.lifetime_miles = hist_miles + life_extra;
	c.lifetime_flights = hist_segs + (int32_t)((life_extra + avg_leg - 1) / avg_leg);
	c.ytd_miles = ytd_miles + ytd_extra;
	c.ytd_segments = ytd_segs + (int32_t)((ytd_extra + avg_leg - 1) / avg_leg);
	c.tier = tier_earned(&tier_default_rules, c.ytd_miles, c.ytd_segments);

	rc = emit(g, &c);

	/* Business customers with miles to spare can be someone's colleague. */
	if (cu.persona <= P_BUSINESS_MIX && life_extra >= 50000) {
		snprintf(g->ring[g->ring_next].id, sizeof g->ring[0].id, "%s", cu.id);
		g->ring[g->ring_next].uses = 0;
		g->ring_next = (g->ring_next + 1) % RING;
		if (g->ring_n < RING)
			g->ring_n++;
	}
	return rc;
}

/* --- the seed stories ----------------------------------------------------- */

struct seed_leg {
	const char *from, *via, *to;
	int32_t day;
	int minute;
	const char *f1, *f2;
};

static struct slot *seed_trip(struct gen *g, const char *pnr, enum intent truth,
			      enum channel ch, const char *code)
{
	struct slot *s = &g->slots[g->n_slots++];

	memset(s, 0, sizeof *s);
	s->truth = truth;
	s->trip.id = pool_num(g, "T", g->next_trip++);
	s->trip.pnr = pnr;
	s->trip.channel = ch;
	s->trip.corporate_code = code;
	s->trip.passengers = s->pax;
	s->trip.segments = s->seg;
	return s;
}

static void seed_direction(struct gen *g, struct slot *s, const struct seed_leg *l,
			   enum cabin cabin, char fare)
{
	int a = ap_index(g, l->from), b = ap_index(g, l->to);
	int via = l->via ? ap_index(g, l->via) : -1;

	if (a < 0 || b < 0)
		return;
	add_direction(g, s, a, via, b, local_time(g, a, l->day, l->minute), cabin, fare, true,
		      l->f1, l->f2);
}

/* Booked lead days before the first departure, at minute of the day at home. */
static void seed_finish(struct gen *g, struct slot *s, int lead, int minute, const char *hotel,
			int stars, int nights)
{
	int home = s->trip.n_segments ? ap_index(g, s->seg[0].origin) : -1;

	if (home >= 0) {
		int32_t day = date_local_day(s->seg[0].departure) - lead;

		s->trip.booked_at = local_time(g, home, day, minute);
		s->trip.has_booked_at = true;
	}
	for (size_t i = 0; i < s->trip.n_segments; i++)
		s->seg[i].status = s->seg[i].departure.utc < g->now ? SEG_FLOWN : SEG_BOOKED;
	if (hotel) {
		s->hotel = (struct hotel_stay){ hotel, stars, nights };
		s->trip.hotels = &s->hotel;
		s->trip.n_hotels = 1;
	}
}

static void seed_seat(struct slot *s, size_t leg, size_t pax, const char *seat)
{
	struct segment *seg = &s->seg[leg];
	const struct passenger *p = &s->pax[pax];

	if (leg >= s->trip.n_segments)
		return;
	s->seats[leg][seg->n_seats].passenger = p->customer_id ? p->customer_id : p->name;
	s->seats[leg][seg->n_seats].seat = seat;
	seg->seats = s->seats[leg];
	seg->n_seats++;
}

/* Dale Brewer, C1: crosses 1,000,000 lifetime miles on UA1234 DEN→SEA today. */
static int seed_dale(struct gen *g)
{
	struct customer c = {
		.id = "C1", .member = "MP7000001", .name = "Dale Brewer",
		.email = "dale.brewer@example.com", .phone = seed_phones[0],
		.home_airport = "DEN", .tier = TIER_PLATINUM, .lifetime_miles = 998976,
		.lifetime_flights = 1650, .ytd_miles = 82000, .ytd_segments = 96,
		.recognition = REC_PUBLIC,
	};
	int32_t t = g->today;
	struct slot *s;
	static const struct {
		const char *pnr;
		int back, wd, nights, lead;
		enum channel ch;
		char fare;
		const char *hotel;
	} twf[5] = {
		{ "F4N8TB", 470, 5, 4, 24, CH_WEB, 'K', NULL },
		{ "J2W6QD", 358, 4, 5, 31, CH_APP, 'L', "Canyon Rim Motel" },
		{ "L9C3VR", 246, 5, 6, 19, CH_WEB, 'Q', NULL },
		{ "Q5H7MZ", 180, 4, 5, 27, CH_APP, 'M', NULL },
		{ "W3R9PL", 51, 5, 4, 22, CH_WEB, 'L', "Canyon Rim Motel" },
	};

	reset_customer(g);
	c.birth_date = date_from_ymd(1961, 11, 22);
	c.member_since = date_from_ymd(1987, 3, 1);
	c.tier = tier_earned(&tier_default_rules, c.ytd_miles, c.ytd_segments);

	/* T1: today's business trip to Seattle, the millionth mile */
	s = seed_trip(g, "K7Q2ZX", INTENT_BUSINESS, CH_CORPORATE, "ACME");
	add_pax(s, "C1", NULL, AGE_ADULT);
	seed_direction(g, s, &(struct seed_leg){ "DEN", NULL, "SEA", t, 8 * 60 + 15, "1234", NULL },
		       CABIN_J, 'Z');
	seed_direction(g, s, &(struct seed_leg){ "SEA", NULL, "DEN", t + 2, 16 * 60 + 45, "1235",
						 NULL }, CABIN_J, 'Z');
	seed_finish(g, s, 23, 15 * 60 + 2, "Four Seasons Seattle", 5, 2);
	for (size_t i = 0; i < s->trip.n_segments; i++)
		s->seg[i].status = SEG_BOOKED;     /* even after 08:15: it is the story */
	seed_seat(s, 0, 0, "2A");
	seed_seat(s, 1, 0, "3A");

	/* T2…T8, oldest first: five visits to Twin Falls, a meeting in Chicago
	 * with colleagues, and the family in Honolulu */
	for (int i = 0; i < 5; i++) {
		int32_t day = on_or_before(t - twf[i].back, twf[i].wd);

		if (i == 4) {
			/* the Honolulu holiday and the Chicago meeting come before the 5th visit */
			int32_t hnl = on_or_before(t - 142, 5), ord = on_or_before(t - 69, 1);

			s = seed_trip(g, "Y6D4GN", INTENT_LEISURE, CH_WEB, NULL);
			add_pax(s, "C1", NULL, AGE_ADULT);
			add_pax(s, NULL, "Ana Brewer", AGE_ADULT);
			add_pax(s, NULL, "Lily Brewer", AGE_CHILD);
			add_pax(s, NULL, "Sam Brewer", AGE_CHILD);
			seed_direction(g, s, &(struct seed_leg){ "DEN", NULL, "HNL", hnl, 10 * 60 + 5,
								 "1724", NULL }, CABIN_W, 'Q');
			seed_direction(g, s, &(struct seed_leg){ "HNL", NULL, "DEN", hnl + 9,
								 14 * 60 + 30, "1725", NULL },
				       CABIN_W, 'Q');
			seed_finish(g, s, 140, 20 * 60 + 41, "Waikiki Beach Resort", 4, 9);
			for (size_t leg = 0; leg < 2; leg++)
				for (size_t p = 0; p < 4; p++)
					seed_seat(s, leg, p, (const char *[]){ "11A", "11B", "11C",
									      "11D" }[p]);

			s = seed_trip(g, "T8B2KX", INTENT_BUSINESS, CH_CORPORATE, "ACME");
			add_pax(s, "C1", NULL, AGE_ADULT);
			add_pax(s, NULL, "Tom Becker", AGE_ADULT);
			add_pax(s, NULL, "Lisa Moreno", AGE_ADULT);
			seed_direction(g, s, &(struct seed_leg){ "DEN", NULL, "ORD", ord, 6 * 60 + 30,
								 "1790", NULL }, CABIN_Y, 'Y');
			seed_direction(g, s, &(struct seed_leg){ "ORD", NULL, "DEN", ord + 2,
								 17 * 60 + 55, "1791", NULL },
				       CABIN_Y, 'Y');
			seed_finish(g, s, 6, 9 * 60 + 30, "Lakeshore Grand Chicago", 4, 2);
			seed_seat(s, 0, 0, "21C");
			seed_seat(s, 0, 1, "21D");
			seed_seat(s, 0, 2, "21E");
		}
		s = seed_trip(g, twf[i].pnr, INTENT_VFR, twf[i].ch, NULL);
		add_pax(s, "C1", NULL, AGE_ADULT);
		seed_direction(g, s, &(struct seed_leg){ "DEN", NULL, "TWF", day, 9 * 60 + 40, "5471",
							 NULL }, CABIN_Y, twf[i].fare);
		seed_direction(g, s, &(struct seed_leg){ "TWF", NULL, "DEN", day + twf[i].nights,
							 13 * 60 + 5, "5472", NULL }, CABIN_Y,
			       twf[i].fare);
		seed_finish(g, s, twf[i].lead, 19 * 60 + 10, twf[i].hotel, 2, twf[i].nights);
		if (i % 2 == 0)
			seed_seat(s, 0, 0, "9F");
	}
	return emit(g, &c);
}

/* Priya Raman, C2: a client meeting (5★), a training course (3★), visits to
 * her parents near Heyburn, Idaho through Twin Falls (motel), and a trip to
 * Delhi booked, on which she will cross 500,000 miles. */
static int seed_priya(struct gen *g)
{
	struct customer c = {
		.id = "C2", .member = "MP7000002", .name = "Priya Raman",
		.email = "priya.raman@example.com", .phone = seed_phones[1],
		.home_airport = "ORD", .lifetime_miles = 494600, .lifetime_flights = 512,
		.ytd_miles = 58400, .ytd_segments = 61, .recognition = REC_QUIET,
	};
	int32_t t = g->today;
	struct slot *s;
	int32_t day;
	static const struct {
		const char *pnr;
		int back, wd, nights, lead;
		enum channel ch;
		char fare;
		const char *hotel;
		int hotel_nights;
		bool husband;
	} vfr[4] = {
		{ "B7K3QT", 400, 5, 5, 35, CH_WEB, 'L', NULL, 0, false },
		{ "G2P8RJ", 240, 4, 6, 28, CH_APP, 'Q', "Snake River Motel", 6, true },
		{ "N3V7DB", 100, 5, 4, 40, CH_WEB, 'K', "Snake River Motel", 4, false },
		{ "R8Z2FK", 30, 5, 5, 21, CH_APP, 'L', NULL, 0, false },
	};

	reset_customer(g);
	c.birth_date = date_from_ymd(1979, 4, 9);
	c.member_since = date_from_ymd(2004, 6, 15);
	c.tier = tier_earned(&tier_default_rules, c.ytd_miles, c.ytd_segments);

	for (int i = 0; i < 4; i++) {
		if (i == 1) {
			/* the client meeting in San Francisco */
			day = on_or_before(t - 300, 2);
			s = seed_trip(g, "C9M5WX", INTENT_BUSINESS, CH_CORPORATE, "BLUEPEAK");
			add_pax(s, "C2", NULL, AGE_ADULT);
			seed_direction(g, s, &(struct seed_leg){ "ORD", NULL, "SFO", day, 7 * 60,
								 "545", NULL }, CABIN_J, 'J');
			seed_direction(g, s, &(struct seed_leg){ "SFO", NULL, "ORD", day + 1,
								 18 * 60 + 15, "546", NULL },
				       CABIN_J, 'J');
			seed_finish(g, s, 5, 11 * 60 + 20, "Nob Hill Grand Hotel", 5, 1);
			seed_seat(s, 0, 0, "3A");
		}
		if (i == 2) {
			/* the training course in Houston */
			day = on_or_before(t - 180, 1);
			s = seed_trip(g, "H6T4LZ", INTENT_BUSINESS, CH_CORPORATE, "BLUEPEAK");
			add_pax(s, "C2", NULL, AGE_ADULT);
			seed_direction(g, s, &(struct seed_leg){ "ORD", NULL, "IAH", day, 7 * 60 + 45,
								 "1420", NULL }, CABIN_Y, 'M');
			seed_direction(g, s, &(struct seed_leg){ "IAH", NULL, "ORD", day + 4,
								 17 * 60 + 20, "1421", NULL },
				       CABIN_Y, 'M');
			seed_finish(g, s, 12, 14 * 60 + 45, "Energy Corridor Inn", 3, 4);
		}
		day = on_or_before(t - vfr[i].back, vfr[i].wd);
		s = seed_trip(g, vfr[i].pnr, INTENT_VFR, vfr[i].ch, NULL);
		add_pax(s, "C2", NULL, AGE_ADULT);
		if (vfr[i].husband)
			add_pax(s, NULL, "Arun Raman", AGE_ADULT);
		seed_direction(g, s, &(struct seed_leg){ "ORD", "DEN", "TWF", day, 7 * 60 + 10,
							 "1484", "5471" }, CABIN_Y, vfr[i].fare);
		seed_direction(g, s, &(struct seed_leg){ "TWF", "DEN", "ORD", day + vfr[i].nights,
							 13 * 60 + 5, "5472", "1485" }, CABIN_Y,
			       vfr[i].fare);
		seed_finish(g, s, vfr[i].lead, 21 * 60 + 15, vfr[i].hotel, 2, vfr[i].hotel_nights);
	}

	/* upcoming: Delhi for a client, via Newark (UA88 crosses 500,000) */
	day = to_weekday(t + 3, 1);
	s = seed_trip(g, "S5X9QM", INTENT_BUSINESS, CH_CORPORATE, "BLUEPEAK");
	add_pax(s, "C2", NULL, AGE_ADULT);
	seed_direction(g, s, &(struct seed_leg){ "ORD", "EWR", "DEL", day, 16 * 60 + 30, "1190",
						 "88" }, CABIN_J, 'J');
	seed_direction(g, s, &(struct seed_leg){ "DEL", "EWR", "ORD", day + 4, 2 * 60 + 15, "89",
						 "1191" }, CABIN_J, 'J');
	seed_finish(g, s, 10, 10 * 60 + 5, "Aerocity Palace Hotel", 5, 3);
	seed_seat(s, 1, 0, "2A");
	seed_seat(s, 2, 0, "2A");
	return emit(g, &c);
}

int demo_generate(const struct demo_opts *o, const struct demo_sink *sink)
{
	struct gen *g;
	int rc = 0;

	if (!o || !sink || o->customers <= 0)
		return 0;
	g = xcalloc(1, sizeof *g);
	if (!gen_init(g, o, sink)) {
		gen_free(g);
		free(g);
		return -1;
	}
	if (o->customers >= 1)
		rc = seed_dale(g);
	if (!rc && o->customers >= 2)
		rc = seed_priya(g);
	for (long n = 3; !rc && n <= o->customers; n++)
		rc = generate_customer(g, n);
	gen_free(g);
	free(g);
	return rc;
}

/* --- per-customer batches --------------------------------------------------- */

int demo_batch_flush(struct demo_batch *b)
{
	int rc = 0;
	if (b->have_current)
		rc = b->done(b->ctx, &b->current, b->trips, b->n);
	arena_free(&b->arena);
	b->have_current = false;
	b->n = 0;
	return rc;
}

int demo_batch_customer(struct demo_batch *b, const struct customer *cu)
{
	int rc = demo_batch_flush(b);
	model_customer_copy(&b->arena, &b->current, cu);
	b->have_current = true;
	return rc;
}

void demo_batch_trip(struct demo_batch *b, const struct trip *t)
{
	bool on = false;
	if (!b->have_current)
		return;
	for (size_t i = 0; i < t->n_passengers && !on; i++)
		on = t->passengers[i].customer_id && strcmp(t->passengers[i].customer_id, b->current.id) == 0;
	if (!on)
		return;
	if (b->n == b->cap) {
		b->cap = b->cap ? b->cap * 2 : 16;
		b->trips = xrealloc(b->trips, b->cap * sizeof *b->trips);
	}
	model_trip_copy(&b->arena, &b->trips[b->n++], t);
}

void demo_batch_free(struct demo_batch *b)
{
	arena_free(&b->arena);
	free(b->trips);
	memset(b, 0, sizeof *b);
}
