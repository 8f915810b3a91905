/* Deterministic demo data: a splitmix64 generator seeded per stream, and names that look
 * like a real customer base (a few percent with accents, CJK or emoji; with --hostile,
 * some are built to attack a terminal). */
#include "sim/sim.h"

#include <ctype.h>
#include <string.h>

void sim_rng_seed(struct sim_rng *r, uint64_t seed, const char *stream)
{
	uint64_t h = 1469598103934665603ULL;
	for (const char *p = stream; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	r->state = seed ^ h;
}

uint64_t sim_rng_next(struct sim_rng *r)
{
	uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

long sim_rng_range(struct sim_rng *r, long lo, long hi)
{
	if (hi <= lo)
		return lo;
	return lo + (long)(sim_rng_next(r) % (uint64_t)(hi - lo + 1));
}

const char *sim_rng_pick(struct sim_rng *r, const char *const *list)
{
	size_t n = 0;
	while (list[n])
		n++;
	return list[sim_rng_next(r) % n];
}

static const char *const first_words[] = {
    "Northwind", "Bluefield", "Ironbridge", "Silverline", "Brightwater", "Oakridge",  "Redstone",
    "Clearpath", "Summit",    "Harbor",	    "Granite",	  "Evergreen",	 "Westbrook", "Lakeshore",
    "Pioneer",	 "Cobalt",    "Meridian",   "Falcon",	  "Juniper",	 "Keystone",  "Lighthouse",
    "Maple",	 "Nimbus",    "Orchard",    "Pinnacle",	  "Quarry",	 "Riverside", "Sterling",
    "Tidewater", "Union",     "Vantage",    "Willow",	  "Apex",	 "Beacon",    "Cedar",
    "Delta",	 "Ember",     "Foundry",    "Glacier",	  "Horizon",	 NULL};
static const char *const second_words[] = {
    "Analytics", "Logistics", "Health",	    "Partners", "Capital",  "Energy",	"Foods",
    "Labs",	 "Systems",   "Consulting", "Media",	"Robotics", "Textiles", "Pharma",
    "Legal",	 "Insurance", "Software",   "Freight",	"Studios",  "Holdings", "Dynamics",
    "Networks",	 "Biotech",   "Retail",	    NULL};
static const char *const suffixes[] = {"Inc", "Ltd", "LLC", "GmbH", "Group", "Co",
				       "PLC", "AG",  "SA",  "BV",   NULL};
static const char *const intl_names[] = {"Café Müller GmbH",
					 "Société Générale d'Études",
					 "Łódź Żelazo Sp. z o.o.",
					 "Ærø Fiskeri ApS",
					 "São Paulo Importação Ltda",
					 "Ñandú Diseño SL",
					 "Øresund Shipping A/S",
					 "Crème Brûlée SARL",
					 "株式会社山田商事",
					 "北京科技有限公司",
					 "서울 데이터 주식회사",
					 "Ελληνική Ναυτιλία ΑΕ",
					 "Российские Системы ООО",
					 "🚀 Rocket Labs",
					 "Green Leaf 🌿 Organics",
					 "שלום טכנולוגיות בע\"מ",
					 "مؤسسة النور للتجارة",
					 "Tōkyō Kōgyō KK",
					 NULL};
static const char *const hostile_names[] = {"Evil\x1b[2J\x1b[HCorp", /* clear screen + home */
					    "Clip\x1b]52;c;cm0gLXJmIH4=\x07"
					    "board Ltd", /* OSC 52 clipboard write */
					    "Title\x1b]0;pwned\x07 Inc", /* set window title */
					    "Bidi \xe2\x80\xae"
					    "evil.exe\xe2\x80\xac Co", /* RIGHT-TO-LEFT OVERRIDE */
					    "Bad \xff\xfe UTF-8 \xc3 Ltd", /* invalid UTF-8 */
					    "C1\xc2\x9b"
					    "31m Red Co", /* C1 CSI */
					    "Tab\tand\nnewline\rCo",
					    "超長い名前の会社超長い名前の会社超長い名前の会社超長い"
					    "名前の会社超長い名前の会社超長い名前の会社超"
					    "長い名前の会社超長い名前の会社超長い名前の会社超長い名"
					    "前の会社超長い名前の会社超長い名前の会社超"
					    "長い名前の会社超長い名前の会社超長",
					    NULL};
const char *const sim_industries[] = {
    "Technology", "Healthcare", "Finance", "Manufacturing", "Retail",	  "Education", "Legal",
    "Energy",	  "Logistics",	"Media",   "Government",    "Non-profit", NULL};
const char *const sim_cities[] = {"London",  "New York",  "Berlin", "Paris",	 "Toronto",
				  "Sydney",  "Singapore", "Dubai",  "São Paulo", "Tokyo",
				  "Chicago", "Madrid",	  NULL};
static const char *const firsts[] = {
    "Alice", "Bob",    "Chen",	"Dana", "Emeka", "Fatima", "Gustav", "Hana", "Ivan", "Julia",
    "Kofi",  "Lena",   "Mateo", "Nora", "Omar",	 "Priya",  "Quinn",  "Rosa", "Sven", "Tariq",
    "Uma",   "Viktor", "Wei",	"Yara", "Zoë",	 "José",   "Ingrid", NULL};
static const char *const lasts[] = {"Smith",  "Garcia", "Müller", "Okafor", "Tanaka", "Novak",
				    "Rossi",  "Dubois", "Khan",	  "Larsen", "Silva",  "Kowalski",
				    "Nguyen", "Brown",	"Haddad", "Jensen", "O'Neil", "Petrov",
				    "Sato",   "Walker", NULL};

void sim_gen_org_name(struct sim *s, struct sim_rng *r, long index, char *out, size_t cap)
{
	if (s->hostile && index < 8) {
		snprintf(out, cap, "%s", hostile_names[index]);
		return;
	}
	uint64_t roll = sim_rng_next(r) % 100;
	if (roll < 4) {
		snprintf(out, cap, "%s", sim_rng_pick(r, intl_names));
		return;
	}
	snprintf(out, cap, "%s %s %s", sim_rng_pick(r, first_words), sim_rng_pick(r, second_words),
		 sim_rng_pick(r, suffixes));
}

void sim_gen_person(struct sim_rng *r, char *first, char *last, size_t cap)
{
	snprintf(first, cap, "%s", sim_rng_pick(r, firsts));
	snprintf(last, cap, "%s", sim_rng_pick(r, lasts));
}

void sim_gen_domain(const char *org_name, char *out, size_t cap)
{
	size_t n = 0;
	for (const char *p = org_name; *p && n + 5 < cap && n < 24; p++)
		if (isalnum((unsigned char)*p))
			out[n++] = (char)tolower((unsigned char)*p);
	if (n == 0)
		out[n++] = 'x';
	snprintf(out + n, cap - n, ".com");
}

void sim_gen_hex_id(struct sim_rng *r, char *out)
{
	static const char hex[] = "0123456789abcdef";
	uint64_t a = sim_rng_next(r), b = sim_rng_next(r);
	for (int i = 0; i < 12; i++) {
		out[i] = hex[(a >> (i * 4)) & 15];
		out[12 + i] = hex[(b >> (i * 4)) & 15];
	}
	out[24] = '\0';
}
