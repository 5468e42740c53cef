/* geo.c — geodesic distance on the WGS-84 ellipsoid by Vincenty's inverse
 * formula (1975), with a spherical great circle where it does not converge
 * (nearly antipodal points). */
#include "geo.h"

#include <math.h>

#define WGS84_A 6378137.0
#define WGS84_F (1.0 / 298.257223563)
#define METRES_PER_MILE 1609.344
#define MEAN_RADIUS_MILES 3958.7613
#define MAX_ITER 200
#define EPSILON 1e-12

static const double pi = 3.14159265358979323846;

static double rad(double deg)
{
	return deg * pi / 180.0;
}

/* Haversine distance on a sphere of the Earth's mean radius. */
static double great_circle_miles(double phi1, double phi2, double dlon)
{
	double sp = sin((phi2 - phi1) / 2), sl = sin(dlon / 2);
	double h = sp * sp + cos(phi1) * cos(phi2) * sl * sl;

	if (h > 1)
		h = 1;
	return 2 * MEAN_RADIUS_MILES * asin(sqrt(h));
}

double geo_distance_miles(double lat1, double lon1, double lat2, double lon2)
{
	const double a = WGS84_A, f = WGS84_F, b = (1 - f) * WGS84_A;
	double phi1 = rad(lat1), phi2 = rad(lat2);
	double L = remainder(rad(lon2 - lon1), 2 * pi);
	/* Reduced latitudes on the auxiliary sphere. */
	double U1 = atan((1 - f) * tan(phi1)), U2 = atan((1 - f) * tan(phi2));
	double sinU1 = sin(U1), cosU1 = cos(U1), sinU2 = sin(U2), cosU2 = cos(U2);
	double lambda = L, prev;
	double sin_sigma = 0, cos_sigma = 1, sigma = 0, sin_alpha, cos2_alpha = 1, cos_2sm = 0, C;
	double u2, A, B, d_sigma;
	int i;

	if (lat1 == lat2 && L == 0)
		return 0;
	for (i = 0; i < MAX_ITER; i++) {
		double sin_l = sin(lambda), cos_l = cos(lambda);
		double t1 = cosU2 * sin_l, t2 = cosU1 * sinU2 - sinU1 * cosU2 * cos_l;

		sin_sigma = sqrt(t1 * t1 + t2 * t2);
		if (sin_sigma == 0)
			return 0;   /* coincident points */
		cos_sigma = sinU1 * sinU2 + cosU1 * cosU2 * cos_l;
		sigma = atan2(sin_sigma, cos_sigma);
		sin_alpha = cosU1 * cosU2 * sin_l / sin_sigma;
		cos2_alpha = 1 - sin_alpha * sin_alpha;
		/* On the equator cos²α is 0 and the term drops out. */
		cos_2sm = cos2_alpha != 0 ? cos_sigma - 2 * sinU1 * sinU2 / cos2_alpha : 0;
		C = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha));
		prev = lambda;
		lambda = L + (1 - C) * f * sin_alpha *
			(sigma + C * sin_sigma * (cos_2sm + C * cos_sigma * (-1 + 2 * cos_2sm * cos_2sm)));
		if (fabs(lambda) > pi)
			break;
		if (fabs(lambda - prev) < EPSILON)
			break;
	}
	if (i == MAX_ITER || fabs(lambda) > pi || !isfinite(lambda))
		return great_circle_miles(phi1, phi2, L);

	u2 = cos2_alpha * (a * a - b * b) / (b * b);
	A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)));
	B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)));
	d_sigma = B * sin_sigma * (cos_2sm + B / 4 * (cos_sigma * (-1 + 2 * cos_2sm * cos_2sm) -
		B / 6 * cos_2sm * (-3 + 4 * sin_sigma * sin_sigma) * (-3 + 4 * cos_2sm * cos_2sm)));
	return b * A * (sigma - d_sigma) / METRES_PER_MILE;
}
