#include "tui/platforms.h"

#include <math.h>
#include <stdio.h>

const struct platform platforms[PLATFORM_COUNT] = {
	{ "Spotify/YT/Tidal", "Spotify", -14 },
	{ "Apple Music", "Apple", -16 },
	{ "Deezer", "Deezer", -15 },
};

double platform_turn_down(const struct platform *p, double I)
{
	return isfinite(I) && I > p->target ? I - p->target : 0;
}

double sweep_curve_at(const float *x, const float *y, int n, double d)
{
	if (n <= 0)
		return NAN;
	if (d <= x[0])
		return y[0];
	for (int i = 1; i < n; i++)
		if (d <= x[i])
			return y[i - 1] + (y[i] - y[i - 1]) * (d - x[i - 1]) / (x[i] - x[i - 1]);
	return y[n - 1];
}

double sweep_drive_for(const float *x, const float *y, int n, double level)
{
	if (n <= 0)
		return NAN;
	if (y[0] >= level)
		return -INFINITY;
	for (int i = 1; i < n; i++)
		if (y[i] >= level)
			return x[i - 1] + (x[i] - x[i - 1]) * (level - y[i - 1]) / (y[i] - y[i - 1]);
	return INFINITY;
}

void codec_tp_line(char *buf, int size, int valid, int measuring, const double tp[2])
{
	if (!valid)
		snprintf(buf, (size_t)size, " codec TP mp3  -  opus  - %s", measuring ? "~" : "");
	else
		snprintf(buf, (size_t)size, " codec TP mp3%5.1f opus%5.1f%s", tp[0], tp[1], measuring ? "~" : "");
}
