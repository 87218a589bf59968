/* The chain's EQ curve: see eqcurve.h. */
#include "eqcurve.h"

#include <math.h>
#include <stdlib.h>

#include "eq.h"
#include "hpf.h"

struct eqcurve {
	struct hpf *hpf;
	struct eq *eq;
	double last[P_COUNT];
	int have, hpf_on, eq_on;
};

struct eqcurve *eqcurve_new(double rate)
{
	struct eqcurve *c = calloc(1, sizeof *c);

	if (!c)
		return NULL;
	c->hpf = hpf_new(rate);
	c->eq = eq_new(rate);
	if (!c->hpf || !c->eq) {
		eqcurve_free(c);
		return NULL;
	}
	return c;
}

void eqcurve_free(struct eqcurve *c)
{
	if (!c)
		return;
	hpf_free(c->hpf);
	eq_free(c->eq);
	free(c);
}

int eqcurve_set(struct eqcurve *c, const double p[P_COUNT])
{
	int changed = !c->have;

	for (int i = 0; i < P_COUNT && !changed; i++)
		changed = p[i] != c->last[i];
	if (!changed)
		return 0;
	for (int i = 0; i < P_COUNT; i++)
		c->last[i] = p[i];
	c->have = 1;
	c->hpf_on = p[P_HPF_BYPASS] < 0.5;
	c->eq_on = p[P_EQ_BYPASS] < 0.5;
	hpf_set(c->hpf, p);
	eq_set(c->eq, p);
	return 1;
}

double eqcurve_db(const struct eqcurve *c, double f)
{
	double g = 1;

	if (c->hpf_on)
		g *= hpf_mag2(c->hpf, f);
	if (c->eq_on)
		g *= eq_mag2(c->eq, f);
	return g > 1e-30 ? 10 * log10(g) : -300;
}
