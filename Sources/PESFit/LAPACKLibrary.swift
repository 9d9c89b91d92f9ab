import CLAPACK

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The LAPACKE functions pesscan calls, looked up in the shared library when the first one is needed.
///
/// pesscan does not link LAPACK: a command that never fits, above all the
/// `model-energy` child started once per point, then starts without loading
/// and relocating LAPACKE and OpenBLAS (most of its dynamic loading). The
/// library is opened once per process, by name as the dynamic loader finds
/// it, and stays open. The function types come from lapacke.h (`shim.h`).
struct LAPACKLibrary: Sendable {
    // The functions by their LAPACKE names without `LAPACKE_`: least squares through an SVD, eigenvalues of a general
    // matrix, Cholesky factor and the inverse from it, symmetric and generalized symmetric-definite eigenproblems, LU solve.
    let dgelsd: pesscan_dgelsd, dgeev: pesscan_dgeev, dpotrf: pesscan_dpotrf, dpotri: pesscan_dpotri
    let dsyev: pesscan_dsyev, dsygv: pesscan_dsygv, dgesv: pesscan_dgesv

    /// The names tried in turn, the versioned one first (`scripts/shared-libraries` looks for the same ones).
    static let names = ["liblapacke.so.3", "liblapacke.so"]

    /// The packages that provide the library on Debian and Ubuntu.
    static let installCommand = "apt-get install liblapacke libopenblas0"

    /// The process's library, opened at its first use: Swift runs a global's initialiser once, safely across threads.
    static let shared: Result<LAPACKLibrary, FitError> = open(names: names)

    /// The library of this process, or `.lapackUnavailable` saying what is missing.
    static func loaded() throws(FitError) -> LAPACKLibrary {
        try shared.get()
    }

    /// Opens the first of `names` the dynamic loader finds and looks up every function pesscan calls.
    static func open(names: [String]) -> Result<LAPACKLibrary, FitError> {
        var reasons: [String] = []
        for name in names {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
                reasons.append(dlerror().map { String(cString: $0) } ?? "\(name) cannot be opened")
                continue
            }
            return Result { () throws(FitError) in try LAPACKLibrary(handle: handle, name: name) }
        }
        return .failure(.lapackUnavailable(library: names.joined(separator: " or "), reason: reasons.joined(separator: "; ")))
    }

    private init(handle: UnsafeMutableRawPointer, name: String) throws(FitError) {
        func function<Function>(_ symbol: String, _ type: Function.Type) throws(FitError) -> Function {
            guard let address = dlsym(handle, symbol) else {
                throw .lapackUnavailable(library: name, reason: "\(name) has no function \(symbol)")
            }
            return unsafeBitCast(address, to: type)
        }
        dgelsd = try function("LAPACKE_dgelsd", pesscan_dgelsd.self)
        dgeev = try function("LAPACKE_dgeev", pesscan_dgeev.self)
        dpotrf = try function("LAPACKE_dpotrf", pesscan_dpotrf.self)
        dpotri = try function("LAPACKE_dpotri", pesscan_dpotri.self)
        dsyev = try function("LAPACKE_dsyev", pesscan_dsyev.self)
        dsygv = try function("LAPACKE_dsygv", pesscan_dsygv.self)
        dgesv = try function("LAPACKE_dgesv", pesscan_dgesv.self)
    }
}
