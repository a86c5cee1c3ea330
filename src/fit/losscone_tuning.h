/* The loss-cone fit's tuning (docs/physics.md §4.2-§4.4): parameter bounds,
 * the Latin-hypercube start, the loss-cone DE's size, the Lillis objective's
 * cuts and the U_surface width. Defaults of losscone_settings (losscone_fit.h);
 * header-only, so the CPU fitter and the CUDA kernels read the same values. */
#ifndef LPMAP_FIT_LOSSCONE_TUNING_H
#define LPMAP_FIT_LOSSCONE_TUNING_H

/* Bounds (docs/physics.md §4.2) */
#define LC_U_MIN -2000.0
#define LC_U_MAX 20.0
#define LC_R_MIN 0.3
#define LC_R_MAX 1.1
#define LC_A_MIN 0.0
#define LC_A_MAX 5.0
#define LC_LHS_U_MIN -1000.0 /* LHS phase clips U to [max(U_min,-1000), min(U_max,0)] */
#define LC_LHS_U_MAX 0.0

/* Lillis objective (docs/physics.md §4.3) */
#define LILLIS_RATIO_LO 0.07
#define LILLIS_RATIO_HI 0.79
#define LILLIS_MIN_BINS 5
#define LILLIS_CHI2_MAX 2.0

/* Optimizer (docs/physics.md §4.4; DE_* shared with the kappa fit are in
 * core/constants.h for now) */
#define LC_LHS_SAMPLES 400
#define LC_DE_POPULATION 50
#define LC_DE_MAX_GENERATIONS 500
#define U_WIDTH_DCHI2 0.001
#define U_WIDTH_IDENTIFIABLE_MAX_V 200.0

#endif
