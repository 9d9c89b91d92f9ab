import CLAPACK
import Foundation
import Testing

@testable import PESFit

@Suite("LinearAlgebra: LAPACK opened at the first fit, a missing library a typed error")
struct LinearAlgebraLoadingTests {
    @Test("a library that is nowhere is .lapackUnavailable naming it, the loader's reason and the apt-get line")
    func missingLibrary() throws {
        let name = "libpesscan-no-such-lapacke.so.3"
        let result = LAPACKLibrary.open(names: [name])
        guard case .failure(let error) = result, case .lapackUnavailable(let library, let reason) = error else {
            Issue.record("expected .lapackUnavailable, got \(result)")
            return
        }
        #expect(library == name)
        #expect(reason.contains(name) && reason.contains("cannot open shared object file"))
        #expect(error.remedy == .installLAPACK)
        #expect(error.description.contains("could not be loaded"))
        #expect(error.description.contains("apt-get install liblapacke libopenblas0"))
    }

    @Test("a library without the LAPACKE functions is refused, naming the function it lacks")
    func libraryWithoutFunctions() throws {
        let result = LAPACKLibrary.open(names: ["libm.so.6"])
        guard case .failure(.lapackUnavailable(let library, let reason)) = result else {
            Issue.record("expected .lapackUnavailable, got \(result)")
            return
        }
        #expect(library == "libm.so.6")
        #expect(reason == "libm.so.6 has no function LAPACKE_dgelsd")
    }

    @Test("the first name that loads is used, and its functions compute: a 2 × 2 solve through dgesv")
    func fallbackName() throws {
        let library = try LAPACKLibrary.open(names: ["libpesscan-no-such-lapacke.so.3", "liblapacke.so"]).get()
        // [[2, 1], [1, 3]] x = [3, 5] has x = (0.8, 1.4); column-major storage.
        var a = [2.0, 1, 1, 3]
        var b = [3.0, 5]
        var pivots: [pesscan_lapack_int] = [0, 0]
        let info = library.dgesv(LAPACK_COL_MAJOR, 2, 1, &a, 2, &pivots, &b, 2)
        #expect(info == 0)
        #expect(abs(b[0] - 0.8) < 1e-15 && abs(b[1] - 1.4) < 1e-15)
    }
}
