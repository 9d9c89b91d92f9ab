import CLAPACK

/// The LAPACK routines pesscan uses, wrapped with checked `info` codes; the only file that calls LAPACK (through ``LAPACKLibrary``).
enum LinearAlgebra {
    /// The solution of a linear least-squares problem with what LAPACK learnt about its conditioning.
    struct LeastSquaresSolution {
        /// Minimiser x of ‖A x − b‖₂.
        var solution: [Double]
        /// Effective rank of A at the cut-off used.
        var rank: Int
        /// Singular values of A, largest first.
        var singularValues: [Double]
    }

    /// Solves min ‖A x − b‖₂ for A (rows × columns, column-major) through an SVD.
    ///
    /// The corresponding LAPACK routine is `dgelsd`; singular values below
    /// `rcond` × the largest count as zero.
    static func leastSquares(
        matrixColumnMajor: [Double], rows: Int, columns: Int, rightHandSide: [Double], rcond: Double = -1
    ) throws(FitError) -> LeastSquaresSolution {
        var a = matrixColumnMajor
        return try leastSquares(overwriting: &a, rows: rows, columns: columns, rightHandSide: rightHandSide, rcond: rcond)
    }

    /// ``leastSquares(matrixColumnMajor:rows:columns:rightHandSide:rcond:)`` in A's own storage, which LAPACK overwrites: no copy of a large A.
    static func leastSquares(
        overwriting a: inout [Double], rows: Int, columns: Int, rightHandSide: [Double], rcond: Double = -1
    ) throws(FitError) -> LeastSquaresSolution {
        guard rows >= 1, columns >= 1, a.count == rows * columns, rightHandSide.count == rows else {
            throw .lapack(routine: "dgelsd", info: -1)
        }
        let ldb = max(rows, columns)
        var b = [Double](repeating: 0, count: ldb)
        for i in 0..<rows { b[i] = rightHandSide[i] }
        var singularValues = [Double](repeating: 0, count: min(rows, columns))
        var rank: pesscan_lapack_int = 0
        let info = try LAPACKLibrary.loaded().dgelsd(
            LAPACK_COL_MAJOR, pesscan_lapack_int(rows), pesscan_lapack_int(columns), 1,
            &a, pesscan_lapack_int(rows), &b, pesscan_lapack_int(ldb), &singularValues, rcond, &rank)
        guard info == 0 else { throw .lapack(routine: "dgelsd", info: Int(info)) }
        return LeastSquaresSolution(solution: Array(b[0..<columns]), rank: Int(rank), singularValues: singularValues)
    }

    /// AᵀA (columns × columns, both triangles filled) of A (rows × columns, column-major).
    static func gram(matrixColumnMajor: [Double], rows: Int, columns: Int) -> [Double] {
        var gram = [Double](repeating: 0, count: columns * columns)
        matrixColumnMajor.withUnsafeBufferPointer { x in
            for i in 0..<columns {
                for j in 0...i {
                    var sum = 0.0
                    for row in 0..<rows { sum += x[i * rows + row] * x[j * rows + row] }
                    gram[j * columns + i] = sum
                    gram[i * columns + j] = sum
                }
            }
        }
        return gram
    }

    /// Eigenvalues of a general real square matrix (column-major) as (real, imaginary) pairs.
    ///
    /// The corresponding LAPACK routine is `dgeev`, without eigenvectors.
    static func eigenvalues(matrixColumnMajor: [Double], order: Int) throws(FitError) -> [(real: Double, imaginary: Double)] {
        guard order >= 1, matrixColumnMajor.count == order * order else { throw .lapack(routine: "dgeev", info: -1) }
        var a = matrixColumnMajor
        var real = [Double](repeating: 0, count: order)
        var imaginary = [Double](repeating: 0, count: order)
        var unusedLeft = [Double](repeating: 0, count: 1)
        var unusedRight = [Double](repeating: 0, count: 1)
        let info = try LAPACKLibrary.loaded().dgeev(
            LAPACK_COL_MAJOR, Int8(UInt8(ascii: "N")), Int8(UInt8(ascii: "N")), pesscan_lapack_int(order),
            &a, pesscan_lapack_int(order), &real, &imaginary, &unusedLeft, 1, &unusedRight, 1)
        guard info == 0 else { throw .lapack(routine: "dgeev", info: Int(info)) }
        return (0..<order).map { (real[$0], imaginary[$0]) }
    }

    /// Inverse of a symmetric positive-definite matrix (column-major), both triangles filled.
    ///
    /// The corresponding LAPACK routines are `dpotrf` (Cholesky factor) and
    /// `dpotri` (inverse from the factor).
    static func inverseOfPositiveDefinite(matrixColumnMajor: [Double], order: Int) throws(FitError) -> [Double] {
        guard order >= 1, matrixColumnMajor.count == order * order else { throw .lapack(routine: "dpotrf", info: -1) }
        var a = matrixColumnMajor
        let uplo = Int8(UInt8(ascii: "U"))
        let factored = try LAPACKLibrary.loaded().dpotrf(LAPACK_COL_MAJOR, uplo, pesscan_lapack_int(order), &a, pesscan_lapack_int(order))
        guard factored == 0 else {
            if factored > 0 { throw .illConditioned(conditionNumber: .infinity) }
            throw .lapack(routine: "dpotrf", info: Int(factored))
        }
        let inverted = try LAPACKLibrary.loaded().dpotri(LAPACK_COL_MAJOR, uplo, pesscan_lapack_int(order), &a, pesscan_lapack_int(order))
        guard inverted == 0 else { throw .lapack(routine: "dpotri", info: Int(inverted)) }
        for column in 0..<order {
            for row in (column + 1)..<order where row < order {
                a[column * order + row] = a[row * order + column]
            }
        }
        return a
    }

    /// Eigenvalues (ascending) and orthonormal eigenvectors of a real symmetric matrix.
    ///
    /// The corresponding LAPACK routine is `dsyev`; only the upper triangle of
    /// `matrixColumnMajor` is read. Eigenvector k is column k of
    /// `vectorsColumnMajor` (entries `k * order ..< (k + 1) * order`).
    static func symmetricEigen(
        matrixColumnMajor: [Double], order: Int
    ) throws(FitError) -> (values: [Double], vectorsColumnMajor: [Double]) {
        guard order >= 1, matrixColumnMajor.count == order * order else { throw .lapack(routine: "dsyev", info: -1) }
        var a = matrixColumnMajor
        var values = [Double](repeating: 0, count: order)
        let info = try LAPACKLibrary.loaded().dsyev(
            LAPACK_COL_MAJOR, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")), pesscan_lapack_int(order),
            &a, pesscan_lapack_int(order), &values)
        guard info == 0 else { throw .lapack(routine: "dsyev", info: Int(info)) }
        return (values, a)
    }

    /// Eigenvalues (ascending) and eigenvectors of A c = λ B c, A symmetric and B symmetric positive definite.
    ///
    /// The corresponding LAPACK routine is `dsygv` with `itype` 1; only the
    /// upper triangles are read. The eigenvectors (columns, as for
    /// ``symmetricEigen(matrixColumnMajor:order:)``) are B-orthonormal:
    /// Cᵀ B C = I. A B that is not positive definite throws
    /// `.lapack(routine: "dsygv", info:)` with info > order.
    static func generalizedSymmetricEigen(
        matrixColumnMajor: [Double], metricColumnMajor: [Double], order: Int
    ) throws(FitError) -> (values: [Double], vectorsColumnMajor: [Double]) {
        guard order >= 1, matrixColumnMajor.count == order * order, metricColumnMajor.count == order * order else {
            throw .lapack(routine: "dsygv", info: -1)
        }
        var a = matrixColumnMajor
        var b = metricColumnMajor
        var values = [Double](repeating: 0, count: order)
        let info = try LAPACKLibrary.loaded().dsygv(
            LAPACK_COL_MAJOR, 1, Int8(UInt8(ascii: "V")), Int8(UInt8(ascii: "U")), pesscan_lapack_int(order),
            &a, pesscan_lapack_int(order), &b, pesscan_lapack_int(order), &values)
        guard info == 0 else { throw .lapack(routine: "dsygv", info: Int(info)) }
        return (values, a)
    }

    /// Solves A X = B for a general square A (column-major) and `rightHandSideCount` columns of B (column-major).
    ///
    /// The corresponding LAPACK routine is `dgesv` (LU with partial
    /// pivoting). An exactly singular A throws `.illConditioned` with an
    /// infinite condition number.
    static func solve(
        matrixColumnMajor: [Double], order: Int, rightHandSidesColumnMajor: [Double], rightHandSideCount: Int
    ) throws(FitError) -> [Double] {
        guard order >= 1, rightHandSideCount >= 1, matrixColumnMajor.count == order * order,
            rightHandSidesColumnMajor.count == order * rightHandSideCount
        else { throw .lapack(routine: "dgesv", info: -1) }
        var a = matrixColumnMajor
        var b = rightHandSidesColumnMajor
        var pivots = [pesscan_lapack_int](repeating: 0, count: order)
        let info = try LAPACKLibrary.loaded().dgesv(
            LAPACK_COL_MAJOR, pesscan_lapack_int(order), pesscan_lapack_int(rightHandSideCount),
            &a, pesscan_lapack_int(order), &pivots, &b, pesscan_lapack_int(order))
        guard info == 0 else {
            if info > 0 { throw .illConditioned(conditionNumber: .infinity) }
            throw .lapack(routine: "dgesv", info: Int(info))
        }
        return b
    }
}
