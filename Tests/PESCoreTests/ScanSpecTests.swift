import Foundation
import PESCore
import Testing

@Suite("Bond-length ranges and scan names")
struct ScanSpecTests {
    @Test("points are evenly spaced with both ends exact")
    func evenlySpaced() throws {
        let r = try BondLengthRange.evenlySpaced(2.762...2.962, count: 11)
        #expect(r.count == 11)
        #expect(r.first == 2.762)
        #expect(r.last == 2.962)
        for (a, b) in zip(r, r.dropFirst()) { #expect(abs((b - a) - 0.02) < 1e-12) }
    }

    @Test("centre and width give the same range as from and to")
    func centred() throws {
        let range = try BondLengthRange.centred(at: 2.862, width: 0.2)
        #expect(abs(range.lowerBound - 2.762) < 1e-12)
        #expect(abs(range.upperBound - 2.962) < 1e-12)
    }

    @Test("bad ranges and counts are refused with their reason")
    func badValues() {
        #expect(throws: ScanSpecError.tooFewPoints(1)) { try BondLengthRange.evenlySpaced(1...2, count: 1) }
        #expect(throws: ScanSpecError.reversedRange(3, 2)) { try BondLengthRange.validated(from: 3, to: 2) }
        #expect(throws: ScanSpecError.reversedRange(2, 2)) { try BondLengthRange.validated(from: 2, to: 2) }
        #expect(throws: ScanSpecError.nonPositiveRange(-1, 2)) { try BondLengthRange.validated(from: -1, to: 2) }
        #expect(throws: ScanSpecError.self) { try BondLengthRange.validated(from: .nan, to: 2) }
        #expect(throws: ScanSpecError.nonPositiveWidth(0)) { try BondLengthRange.centred(at: 1, width: 0) }
        #expect(throws: ScanSpecError.self) { try BondLengthRange.centred(at: 0.1, width: 0.4) }
    }

    @Test("hostile scan names are refused", arguments: [
        "", "../etc", "a/b", "a;rm -rf", "$(touch x)", "`id`", "a\"b", "a'b", "a\nb", ".hidden", "-flag",
        String(repeating: "a", count: 65), "ä",
    ])
    func hostileNames(_ name: String) {
        #expect(throws: ScanSpecError.invalidScanName(name)) { try ScanName(name) }
    }

    @Test("ordinary scan names are kept", arguments: ["AuOg+", "h2-wide", "N2_ccpvdz.2", "scan1"])
    func goodNames(_ name: String) throws {
        #expect(try ScanName(name).rawValue == name)
    }

    @Test("names derived from molecules are valid")
    func derivedNames() throws {
        #expect(ScanName.derived(fromMolecule: "AuOg+").rawValue == "AuOg+")
        #expect(ScanName.derived(fromMolecule: "Au/Og;x").rawValue == "Au-Og-x")
        #expect(try ScanName(ScanName.derived(fromMolecule: "../../x").rawValue).rawValue.hasPrefix("scan"))
    }
}
