/* Checks a rendered file sample by sample: no NaN, no infinity, and no
 * sample above CEILING dBFS (a true-peak ceiling is also a sample-peak
 * ceiling).  usage: hx_check FILE CEILING_DB
 * Prints "frames N nonfinite N peak_dbfs X"; exit 0 when clean, 1 when
 * not, 2 when the file cannot be read. */
#include <math.h>
#include <sndfile.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	SF_INFO info = { 0 };
	SNDFILE *sf;
	static float buf[4096 * 8];
	long long frames = 0, bad = 0;
	double peak = 0, ceiling;
	sf_count_t got;

	if (argc != 3) {
		fprintf(stderr, "usage: hx_check FILE CEILING_DB\n");
		return 2;
	}
	ceiling = pow(10, atof(argv[2]) / 20);
	sf = sf_open(argv[1], SFM_READ, &info);
	if (!sf || info.channels < 1 || info.channels > 8) {
		fprintf(stderr, "hx_check: %s: %s\n", argv[1], sf_strerror(sf));
		return 2;
	}
	/* Raw values: no normalisation or clipping on the way in. */
	sf_command(sf, SFC_SET_NORM_FLOAT, NULL, SF_TRUE);
	sf_command(sf, SFC_SET_CLIPPING, NULL, SF_FALSE);
	while ((got = sf_readf_float(sf, buf, 4096)) > 0) {
		for (long i = 0; i < got * info.channels; i++) {
			if (!isfinite(buf[i]))
				bad++;
			else if (fabs(buf[i]) > peak)
				peak = fabs(buf[i]);
		}
		frames += got;
	}
	sf_close(sf);
	printf("frames %lld nonfinite %lld peak_dbfs %.3f\n", frames, bad,
	       peak > 0 ? 20 * log10(peak) : -999.0);
	/* Half an LSB of 24-bit of slack for the dither's rounding. */
	return bad == 0 && peak <= ceiling + 1.0 / 16777216 ? 0 : 1;
}
