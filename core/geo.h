/* geo.h — distances between points on the Earth.
 *
 * Airline mileage is the shortest path over the WGS-84 ellipsoid (the
 * geodesic, here by Vincenty's inverse formula), in statute miles: DEN–SEA
 * is 1,024 miles where a spherical formula would say 1,022. */
#ifndef IRM_GEO_H
#define IRM_GEO_H

/* Statute miles between two points given in degrees. */
double geo_distance_miles(double lat1, double lon1, double lat2, double lon2);

#endif
