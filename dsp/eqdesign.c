/* The fitted EQ sections.
 *
 * The EQ design (bq_design_eq) follows the idea of Vicanek, "Matched
 * Second Order Digital Filters" (2016): the poles come from the matched
 * z-transform (p -> exp(pT)), which keeps a resonance's frequency and
 * bandwidth right up to Nyquist, and the numerator is then chosen so that
 * the digital magnitude follows the analog one.  Vicanek matches three
 * frequencies; we fit the numerator over the whole band instead, which
 * stays within a few hundredths of a dB where a three-point match leaves
 * tenths near Nyquist.
 *
 * Why this works: with phi1 = sin^2(w/2), phi0 = 1 - phi1, phi2 = 4 phi0 phi1
 * the squared magnitude of any numerator is linear in three numbers,
 *   |b(e^jw)|^2 = B0 phi0 + B1 phi1 + B2 phi2,
 *   B0 = (b0+b1+b2)^2, B1 = (b0-b1+b2)^2, B2 = -4 b0 b2,
 * so matching |H_analog|^2 |a(e^jw)|^2 is a linear least-squares problem
 * in (B0, B1, B2).  Lawson's reweighting turns it into a near-minimax fit
 * of the relative error, and the minimum-phase b is recovered from B.
 *
 * The sharp part of a response is kept in the poles, where the matched
 * z-transform is exact, and a cut is the exact reciprocal of the boost of
 * the same size for all three RBJ prototypes.  So a bell or low shelf is
 * designed as a boost and inverted for a cut, a high shelf as a cut and
 * inverted for a boost: the poles then always sit at or below f0, never
 * above Nyquist. */
#include "biquad.h"
#include "eqjoint.h"

#include <math.h>

#define FIT_LOG 36
#define FIT_DENSE 18
#define FIT_POINTS (1 + FIT_LOG + 2 * FIT_DENSE)
/* The two-section fit's grid: more points over the band, and a few above
 * it that keep the response between 20 kHz and Nyquist sensible. */
#define TWO_LOG 48
#define TWO_ABOVE 6
#define FIT_MAX (1 + TWO_LOG + 2 * FIT_DENSE + TWO_ABOVE)
_Static_assert(FIT_MAX <= BQ_FIT_MAX, "the grid fits struct bq_fit");
#define LAWSON_ITER 12
#define SEARCH_ROUNDS 12
#define SEARCH_BELOW 0.0115 /* 0.05 dB in ln of |H|^2 */
#define TOP_OF_BAND (20000.0 / 44100.0)
/* 0.1 dB, less what a 1 % grid can miss between its points */
#define TOP_TOL_DB 0.09

/* Upper edge of the fitted band: 0.4 fs (the in-band fit), or 20 kHz at
 * 44.1 kHz (to the top of the audio band: as close to Nyquist as one
 * section can follow a prototype, and not always within 0.1 dB). */
static double fit_hi(double rate, int top)
{
	double hi = (top ? TOP_OF_BAND : 0.4) * rate;

	return hi < 24000.0 ? hi : 24000.0;
}

/* Minimum-phase numerator with the squared magnitude B0 phi0 + B1 phi1 +
 * B2 phi2.  A fit that is not quite realisable (the quadratic dips below
 * zero) gets the nearest double zero. */
static void factor_num(const double B[3], struct bq *c)
{
	double s0 = sqrt(fmax(B[0], 0.0)), s1 = sqrt(fmax(B[1], 0.0));
	double W = 0.5 * (s0 + s1), b1 = 0.5 * (s0 - s1);
	double D = W * W + B[2];

	if (D < 0) {
		/* Zeros on the other side of the real axis: flip the sign of
		 * the Nyquist gain, which B1 cannot see. */
		double W2 = 0.5 * (s0 - s1);
		if (W2 * W2 + B[2] >= 0 && W2 > 0) {
			W = W2;
			b1 = 0.5 * (s0 + s1);
			D = W * W + B[2];
		} else {
			D = 0;
		}
	}
	c->b0 = 0.5 * (W + sqrt(D));
	c->b1 = b1;
	c->b2 = c->b0 > 0 ? -B[2] / (4.0 * c->b0) : 0;
	if (D == 0)
		c->b2 = W - c->b0;
}

/* Poles of the analog denominator mapped by z = exp(sT). */
static void matched_poles(const struct bq_analog *p, double w0, double T, struct bq *c)
{
	double d2 = p->d2, d1 = p->d1, d0 = p->d0;
	double disc = d1 * d1 - 4.0 * d2 * d0;

	if (disc < 0) {
		double sigma = -d1 / (2.0 * d2) * w0 * T;
		double omega = sqrt(-disc) / (2.0 * d2) * w0 * T;
		double r = exp(sigma);
		c->a1 = -2.0 * r * cos(omega);
		c->a2 = r * r;
	} else {
		double sq = sqrt(disc);
		/* Both roots without cancellation: q = -(d1 + sq)/2. */
		double qq = -0.5 * (d1 + sq);
		double p1 = qq / d2 * w0 * T, p2 = d0 / qq * w0 * T;
		c->a1 = -(exp(p1) + exp(p2));
		c->a2 = exp(p1 + p2);
	}
}

/* Frequencies to fit at: DC, a log sweep over the band, and denser
 * sweeps around the pole and the zero resonances, scaled by their
 * bandwidths, where the response moves fastest. */
static int dense(const double *f, int n, double fr, double qr, double hi, int count)
{
	double span = fmin(2.0, fmax(0.1, 1.5 / qr));
	double *out = (double *)f + n;
	int k = 0;

	for (int i = 0; i < count; i++) {
		double x = fr * pow(2.0, span * (2.0 * i / (count - 1) - 1.0));
		if (x > 10.0 && x < hi)
			out[k++] = x;
	}
	return k;
}

static int fit_grid(double rate, double f0, const struct bq_analog *p, int top, double *f)
{
	double hi = fit_hi(rate, top);
	int n = 0;

	if (f0 > hi * 0.9)
		hi = fmin(f0 * 1.08, 0.47 * rate);
	f[n++] = 0;
	for (int i = 0; i < FIT_LOG; i++)
		f[n++] = 10.0 * pow(hi / 10.0, (double)i / (FIT_LOG - 1));
	n += dense(f, n, f0 * sqrt(p->d0 / p->d2), sqrt(p->d0 * p->d2) / p->d1, hi, FIT_DENSE);
	n += dense(f, n, f0 * sqrt(p->n0 / p->n2), sqrt(p->n0 * p->n2) / p->n1, hi, FIT_DENSE);
	return n;
}


/* The numerator of c (whose poles are given) fitted to F; returns the
 * largest |ln| error of the squared magnitude on the grid, INFINITY when
 * it failed. */
static double fit_num_poles(const struct bq_fit *F, int iters, struct bq *c)
{
	double tgt[FIT_MAX], w[FIT_MAX], M[FIT_MAX][BQ_LSQ_MAX], y[FIT_MAX];
	double B[3], best[3] = { 0, 0, 0 }, best_err = INFINITY;
	int n = F->n;
	double A0 = 1.0 + c->a1 + c->a2, A1 = 1.0 - c->a1 + c->a2;
	A0 *= A0;
	A1 *= A1;
	double A2 = -4.0 * c->a2;

	for (int i = 0; i < n; i++) {
		const double *ph = F->ph[i];
		tgt[i] = F->mag2[i] * (A0 * ph[0] + A1 * ph[1] + A2 * ph[2]);
		w[i] = 1.0;
	}
	for (int it = 0; it < iters; it++) {
		for (int i = 0; i < n; i++) {
			double s = w[i] / tgt[i];
			for (int j = 0; j < 3; j++)
				M[i][j] = F->ph[i][j] * s;
			y[i] = w[i];
		}
		if (bq_lsq(M, y, n, 3, B) < 0)
			break;
		/* Lawson: weights grow where the error is large, which drives
		 * the least-squares solution towards the minimax one. */
		double emax = 0, wsum = 0;
		for (int i = 0; i < n; i++) {
			const double *ph = F->ph[i];
			double r = (B[0] * ph[0] + B[1] * ph[1] + B[2] * ph[2]) / tgt[i];
			/* |r - 1| / min(r, 1) tracks |ln r| closely and needs no log. */
			double e = r > 0 ? F->imp[i] * fabs(r - 1.0) / fmin(r, 1.0) : INFINITY;
			if (e > emax)
				emax = e;
			w[i] *= sqrt(fmin(e, 1.0) + 1e-12);
			wsum += w[i];
		}
		if (emax < best_err) {
			best_err = emax;
			best[0] = B[0];
			best[1] = B[1];
			best[2] = B[2];
		}
		if (!(wsum > 0))
			break;
		for (int i = 0; i < n; i++)
			w[i] *= n / wsum;
	}
	if (!(best_err < INFINITY))
		return INFINITY;
	factor_num(best, c);
	return best_err;
}

/* Poles of p (damping scaled by kd, frequency by kf) by the matched
 * z-transform, numerator fitted. */
static double fit_num(const struct bq_fit *F, const struct bq_analog *p, double w0T,
                      double kf, double kd, int iters, struct bq *c)
{
	struct bq_analog pp = *p;

	pp.d1 *= kd;
	matched_poles(&pp, w0T * kf, 1.0, c);
	return fit_num_poles(F, iters, c);
}

static int stable(const struct bq *c)
{
	/* With a margin: a pole within 1e-7 of the unit circle rings for
	 * minutes and is no filter anyone asked for. */
	return fabs(c->a2) < 1.0 - 1e-7 && fabs(c->a1) < 1.0 + c->a2 - 1e-7 &&
	       isfinite(c->b0) && isfinite(c->b1) && isfinite(c->b2);
}

static void invert(struct bq *c)
{
	double b0 = c->b0, b1 = c->b1, b2 = c->b2, a1 = c->a1, a2 = c->a2;

	c->b0 = 1.0 / b0;
	c->b1 = a1 / b0;
	c->b2 = a2 / b0;
	c->a1 = b1 / b0;
	c->a2 = b2 / b0;
}

/* The fit problem of one orientation: the prototype of gain g sampled on
 * the grid. */
static void fit_setup(struct bq_fit *F, double rate, enum bq_eq_kind kind, double f0,
                      const struct bq_analog *p, int top)
{
	double fg[FIT_POINTS];

	F->n = fit_grid(rate, f0, p, top, fg);
	for (int i = 0; i < F->n; i++) {
		bq_phis(rate, fg[i], F->ph[i]);
		F->mag2[i] = bq_analog_mag2(p, fg[i] / f0);
		/* Where no biquad can follow the prototype (a resonant shelf
		 * at the very top), the error goes where it is least heard. */
		F->imp[i] = fg[i] <= (top ? TOP_OF_BAND : 0.375) * rate ? 1.0 : 0.25;
	}
}

/* Poles past Nyquist cannot be matched; usually the other orientation
 * has them below, and if not (a resonant shelf right at the top) they
 * are pulled down and the numerator makes the best of it. */
static double pole_pull(const struct bq_analog *p, double rate, double f0)
{
	double fp = f0 * sqrt(p->d0 / p->d2);

	return fp > 0.47 * rate ? 0.47 * rate / fp : 1.0;
}

/* One orientation: the prototype of gain g, inverted when inv. */
static double design_orient(struct bq *c, double rate, enum bq_eq_kind kind,
                            double f0, double g, double q, int inv, int top)
{
	struct bq_analog p = bq_proto(kind, g, q);
	double w0T = 2.0 * M_PI * f0 / rate;
	struct bq_fit F;
	double err, kf = pole_pull(&p, rate, f0), kd = 1, step = 0.04;

	fit_setup(&F, rate, kind, f0, &p, top);
	err = fit_num(&F, &p, w0T, kf, kd, LAWSON_ITER, c);
	/* Near Nyquist the matched poles are not quite the best ones for a
	 * second-order fit: a short pattern search on their frequency and
	 * damping, only where the plain fit misses 0.05 dB. */
	for (int round = 0; round < SEARCH_ROUNDS && err > SEARCH_BELOW; round++) {
		static const double dir[4][2] = { { 1, 0 }, { -1, 0 }, { 0, 1 }, { 0, -1 } };
		int moved = 0;
		for (int d = 0; d < 4; d++) {
			struct bq t;
			double tf = kf * (1 + step * dir[d][0]), td = kd * (1 + step * dir[d][1]);
			double e = fit_num(&F, &p, w0T, tf, td, LAWSON_ITER / 2, &t);
			if (e < err && stable(&t)) {
				err = e;
				kf = tf;
				kd = td;
				*c = t;
				moved = 1;
				break;
			}
		}
		if (!moved)
			step *= 0.5;
	}
	if (inv)
		invert(c);
	return stable(c) ? err : INFINITY;
}

/* The better orientation fitted up to the top of the band (top) or to
 * 0.4 fs. */
static double design_best(struct bq *c, double rate, enum bq_eq_kind kind,
                          double f0, double gain_db, double q, int top)
{
	struct bq alt;

	/* A cut is the exact reciprocal of the boost of the same size, so
	 * either can be designed.  Whichever keeps the sharper resonance in
	 * the poles fits better; try both. */
	double e1 = design_orient(c, rate, kind, f0, gain_db, q, 0, top);
	double e2 = design_orient(&alt, rate, kind, f0, -gain_db, q, 1, top);
	if (e2 < e1) {
		*c = alt;
		e1 = e2;
	}
	return e1;
}

/* Largest |dB| error against the prototype from 20 Hz to hi, on a
 * 1 % grid and at hi. */
static double err_db(const struct bq *c, double rate, const struct bq_analog *p,
                     double f0, double hi)
{
	double e = 0;

	for (double f = 20.0; f < hi * 1.01; f *= 1.01) {
		double fe = f < hi ? f : hi; /* and the top itself */
		double d = fabs(10.0 * log10(bq_mag2(c, rate, fe) / bq_analog_mag2(p, fe / f0)));
		e = d > e ? d : e;
	}
	return e == e ? e : INFINITY;
}

void bq_design_eq(struct bq *c, double rate, enum bq_eq_kind kind,
                  double f0, double gain_db, double q)
{
	struct bq in;

	if (gain_db == 0 || !(f0 > 0) || !(q > 0) || !(f0 < 0.5 * rate)) {
		bq_identity(c);
		return;
	}
	/* To the top of the band where one section manages it within
	 * 0.1 dB; where it cannot (bells of 9 dB and more, very wide ones,
	 * resonant high shelves), the fit to 0.4 fs, which keeps within
	 * 0.1 dB below 16 kHz, where most of what is heard lies. */
	struct bq_analog p = bq_proto(kind, gain_db, q);
	double e_top = design_best(c, rate, kind, f0, gain_db, q, 1);
	if (!(e_top < INFINITY) || err_db(c, rate, &p, f0, fit_hi(rate, 1)) > TOP_TOL_DB) {
		double e_in = design_best(&in, rate, kind, f0, gain_db, q, 0);
		if (e_in < INFINITY) {
			*c = in;
			e_top = e_in;
		}
	}
	if (!(e_top < INFINITY))
		bq_identity(c); /* cannot happen for f0 < 0.49 rate; never unstable */
}

/* ---- Two sections, where one cannot follow the prototype to the top ----
 *
 * A big or very wide bell, or a resonant high shelf near the top, has
 * more shape between f0 and 20 kHz than one section can give: its
 * numerator's three numbers run out while its poles hold the resonance.
 * Two sections (four poles, four zeros) are then fitted jointly, from
 * the one-section design and an identity, by a few Levenberg-Marquardt
 * steps on the error in ln |H|^2 over a grid to the top of the band (and
 * loosely above it, so nothing odd happens between 20 kHz and Nyquist).
 * Over the parameter table's whole range at 44.1 and 48 kHz this stays
 * within 0.09 dB to 20 kHz (tests/unit/test_eq.c), about 5 % of the
 * settings need it, and it takes a millisecond or so: it runs on the
 * designer thread or in a render, never on the audio thread. */
#define ABOVE_IMP 0.05 /* above the band: kept sensible, not followed */

/* The two-section problem: the prototype on a grid to the top of the band
 * and a little above it. */
static void two_setup(struct bq_fit *F, double rate, double f0, const struct bq_analog *p)
{
	double fg[FIT_MAX], hi = fit_hi(rate, 1);
	int n = 0;

	fg[n++] = 0;
	for (int i = 0; i < TWO_LOG; i++)
		fg[n++] = 10.0 * pow(hi / 10.0, (double)i / (TWO_LOG - 1));
	n += dense(fg, n, f0 * sqrt(p->d0 / p->d2), sqrt(p->d0 * p->d2) / p->d1, hi, FIT_DENSE);
	n += dense(fg, n, f0 * sqrt(p->n0 / p->n2), sqrt(p->n0 * p->n2) / p->n1, hi, FIT_DENSE);
	for (int i = 1; i <= TWO_ABOVE && hi < 0.49 * rate; i++)
		fg[n++] = hi + (0.49 * rate - hi) * i / TWO_ABOVE;
	F->n = n;
	for (int i = 0; i < n; i++) {
		bq_phis(rate, fg[i], F->ph[i]);
		F->mag2[i] = bq_analog_mag2(p, fg[i] / f0);
		F->imp[i] = fg[i] <= hi * 1.0001 ? 1.0 : ABOVE_IMP;
	}
}

static double design_two(struct bq c[2], double rate, enum bq_eq_kind kind,
                         double f0, double g, double q, int outers)
{
	struct bq_analog p = bq_proto(kind, g, q);
	struct bq_fit F;
	double best = INFINITY;

	two_setup(&F, rate, f0, &p);
	/* From either orientation's one-section design (a boost, or a cut
	 * inverted), whichever ends better. */
	for (int inv = 0; inv < 2; inv++) {
		struct bq a, t[2];
		if (!(design_orient(&a, rate, kind, f0, inv ? -g : g, q, inv, 1) < INFINITY))
			continue;
		double e = bq_joint_fit(&F, &a, outers, t);
		if (e < best) {
			best = e;
			c[0] = t[0];
			c[1] = t[1];
		}
	}
	return best;
}

/* Largest |dB| error of two sections, as err_db. */
static double err2_db(const struct bq c[2], double rate, const struct bq_analog *p,
                      double f0, double hi)
{
	double e = 0;

	for (double f = 20.0; f < hi * 1.01; f *= 1.01) {
		double fe = f < hi ? f : hi;
		double m = bq_mag2(&c[0], rate, fe) * bq_mag2(&c[1], rate, fe);
		double d = fabs(10.0 * log10(m / bq_analog_mag2(p, fe / f0)));
		e = d > e ? d : e;
	}
	return e == e ? e : INFINITY;
}

int bq_design_eq2(struct bq c[2], double rate, enum bq_eq_kind kind,
                  double f0, double gain_db, double q)
{
	struct bq t[2], in;
	double hi = fit_hi(rate, 1);

	bq_identity(&c[1]);
	if (gain_db == 0 || !(f0 > 0) || !(q > 0) || !(f0 < 0.5 * rate)) {
		bq_identity(&c[0]);
		return 1;
	}
	struct bq_analog p = bq_proto(kind, gain_db, q);
	double e1 = design_best(&c[0], rate, kind, f0, gain_db, q, 1);
	if (e1 < INFINITY && (e1 = err_db(&c[0], rate, &p, f0, hi)) <= TOP_TOL_DB)
		return 1;
	/* The joint fit, longer where the short one ends just outside */
	double e2 = INFINITY;
	for (int outers = BQ_JOINT_OUTER; outers <= 4 * BQ_JOINT_OUTER && !(e2 <= TOP_TOL_DB); outers *= 4)
		if (design_two(t, rate, kind, f0, gain_db, q, outers) < INFINITY)
			e2 = err2_db(t, rate, &p, f0, hi);
	if (e2 <= TOP_TOL_DB || (e2 < e1 && e2 < INFINITY)) {
		c[0] = t[0];
		c[1] = t[1];
		e1 = e2;
	}
	/* Never worse to the top than the fit to 0.4 fs (which holds 0.1 dB
	 * below 16 kHz); not reached over the parameter table's ranges at
	 * 44.1 and 48 kHz. */
	if (e1 > TOP_TOL_DB && design_best(&in, rate, kind, f0, gain_db, q, 0) < INFINITY &&
	    err_db(&in, rate, &p, f0, hi) < e1) {
		c[0] = in;
		bq_identity(&c[1]);
		return 1;
	}
	return e1 == e2 ? 2 : 1;
}

/* Matched poles of one orientation and the numerator matched to the
 * analog magnitude at DC, at f0 and at Nyquist (Vicanek's three points). */
static void three_point(struct bq *t, double rate, enum bq_eq_kind kind,
                        double f0, double g, double q, int inv)
{
	struct bq_analog p = bq_proto(kind, g, q);
	double ph[3], B[3];

	matched_poles(&p, 2.0 * M_PI * f0 / rate * pole_pull(&p, rate, f0), 1.0, t);
	double A0 = 1.0 + t->a1 + t->a2, A1 = 1.0 - t->a1 + t->a2;
	bq_phis(rate, f0, ph);
	B[0] = bq_analog_mag2(&p, 0.0) * A0 * A0;
	B[1] = bq_analog_mag2(&p, 0.5 * rate / f0) * A1 * A1;
	double am = A0 * A0 * ph[0] + A1 * A1 * ph[1] - 4.0 * t->a2 * ph[2];
	B[2] = (bq_analog_mag2(&p, 1.0) * am - B[0] * ph[0] - B[1] * ph[1]) / ph[2];
	factor_num(B, t);
	if (inv)
		invert(t);
}

/* Largest |dB| error on a few octave-spaced points: enough to choose. */
static double spot_err(const struct bq *t, double rate, const struct bq_analog *p, double f0)
{
	double e = 0;

	if (!stable(t))
		return INFINITY;
	for (double f = 0.35 * rate; f > 20.0; f *= 0.5) {
		double r = bq_mag2(t, rate, f) / bq_analog_mag2(p, f / f0);
		double d = fabs(log(r));
		e = d > e ? d : e;
	}
	return e == e ? e : INFINITY;
}

/* For the audio thread while a value glides: both orientations in closed
 * form, the better one on a few spot frequencies.  Bounded, about half a
 * microsecond where the fit is 30 to 570 us; it strays by tenths of a dB
 * near Nyquist (more for resonant shelves at the very top), which is why
 * the fit replaces it once the value lands. */
void bq_design_eq_fast(struct bq *c, double rate, enum bq_eq_kind kind,
                       double f0, double gain_db, double q)
{
	struct bq t1, t2;

	if (gain_db == 0 || !(f0 > 0) || !(q > 0) || !(f0 < 0.5 * rate)) {
		bq_identity(c);
		return;
	}
	struct bq_analog p = bq_proto(kind, gain_db, q);
	three_point(&t1, rate, kind, f0, gain_db, q, 0);
	three_point(&t2, rate, kind, f0, -gain_db, q, 1);
	double e1 = spot_err(&t1, rate, &p, f0), e2 = spot_err(&t2, rate, &p, f0);
	/* Neither stable (zeros on the circle): the section keeps its old
	 * coefficients for this step. */
	if (e1 < INFINITY || e2 < INFINITY)
		*c = e2 < e1 ? t2 : t1;
}
