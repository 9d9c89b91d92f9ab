#ifndef PESSCAN_CLAPACK_SHIM_H
#define PESSCAN_CLAPACK_SHIM_H
#include <lapacke.h>
/// LAPACKE's integer type, which is a macro and so invisible to Swift.
typedef lapack_int pesscan_lapack_int;
#endif
