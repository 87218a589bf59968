#include "tui/platforms.h"

#include <math.h>

const struct platform platforms[PLATFORM_COUNT] = {
	{ "Spotify/YT/Tidal", "Spotify", -14 },
	{ "Apple Music", "Apple", -16 },
	{ "Deezer", "Deezer", -15 },
};

double platform_turn_down(const struct platform *p, double I)
{
	return isfinite(I) && I > p->target ? I - p->target : 0;
}
