#ifndef PESSCAN_CLAPACK_SHIM_H
#define PESSCAN_CLAPACK_SHIM_H
#include <lapacke.h>
/// LAPACKE's integer type, which is a macro and so invisible to Swift.
typedef lapack_int pesscan_lapack_int;
/// The types of the LAPACKE functions pesscan calls, taken from their declarations in lapacke.h: PESFit looks the
/// functions up with dlsym at the first fit instead of linking the library, so that commands that never fit (a
/// `model-energy` child per point) start without loading and relocating LAPACK and OpenBLAS.
typedef __typeof__(&LAPACKE_dgelsd) pesscan_dgelsd;
typedef __typeof__(&LAPACKE_dgeev) pesscan_dgeev;
typedef __typeof__(&LAPACKE_dpotrf) pesscan_dpotrf;
typedef __typeof__(&LAPACKE_dpotri) pesscan_dpotri;
typedef __typeof__(&LAPACKE_dsyev) pesscan_dsyev;
typedef __typeof__(&LAPACKE_dsygv) pesscan_dsygv;
typedef __typeof__(&LAPACKE_dgesv) pesscan_dgesv;
#endif
