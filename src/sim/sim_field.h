/* Simulated magnetic field (docs/simulate.md): a uniform draped
 * solar-wind / lobe field plus a few buried crustal dipoles (Reiner Gamma,
 * the basin antipodes ...), in IAU_MOON, nT. */
#ifndef LPMAP_SIM_SIM_FIELD_H
#define LPMAP_SIM_SIM_FIELD_H

#define SIM_N_ANOMALIES 6

typedef struct {
    double lat_deg, lon_deg;
    double surface_nt; /* field strength right above the source */
    double depth_km;
    double tilt_deg; /* dipole axis tilt from the local vertical */
} sim_anomaly;

/* The fixed anomaly list. */
const sim_anomaly *sim_anomalies(void);

/* Total field at pos (IAU_MOON, km): the uniform part b_uniform plus every
 * crustal dipole. */
void sim_field_eval(const double b_uniform[3], const double pos[3], double b_out[3]);

/* Angular distance (deg) from (lat, lon) to the nearest anomaly; its index in *which. */
double sim_anomaly_distance_deg(double lat_deg, double lon_deg, int *which);

#endif
