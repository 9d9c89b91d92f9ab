import Foundation
import PESCore
import PESTestSupport
import Testing

@Suite("Z-matrices: parsing, Cartesian coordinates, Jacobians and refusals")
struct ZMatrixTests {
    static let water = """
        O
        H 1 r
        H 1 r 2 theta

        r = 0.96
        theta = 104.5
        """

    @Test("water's O-H distances and H-O-H angle come out as given, to 1e-10")
    func waterGeometry() throws {
        let parsed = try ZMatrix.parse(Self.water)
        #expect(parsed.zmatrix.symbols == ["O", "H", "H"])
        #expect(parsed.zmatrix.variableNames == ["r", "theta"])
        #expect(parsed.values == ["r": 0.96, "theta": 104.5])
        #expect(parsed.zmatrix.kind(of: "r") == .length)
        #expect(parsed.zmatrix.kind(of: "theta") == .angle)
        #expect(parsed.zmatrix.kind(of: "d") == nil)
        #expect(parsed.zmatrix.rows[2].angle == ZMatrix.Entry(atomIndex: 1, value: .variable("theta")))
        let xyz = try parsed.zmatrix.cartesianAngstrom(values: parsed.values)
        #expect(xyz.count == 3)
        #expect(xyz[0] == [0, 0, 0])
        #expect(xyz[1][0] == 0 && xyz[1][1] == 0 && xyz[1][2] > 0)
        #expect(xyz[2][1] == 0 && xyz[2][0] > 0, "atom 3 in the xz plane on +x")
        #expect(abs(CartesianGeometry.distanceAngstrom(xyz[0], xyz[1]) - 0.96) < 1e-10)
        #expect(abs(CartesianGeometry.distanceAngstrom(xyz[0], xyz[2]) - 0.96) < 1e-10)
        #expect(abs(CartesianGeometry.angleDegree(xyz[1], xyz[0], xyz[2]) - 104.5) < 1e-10)
        #expect(!CartesianGeometry.isLinear(cartesianAngstrom: xyz))
    }

    @Test("Gaussian style values after a blank line, commas and comments read the same")
    func gaussianStyle() throws {
        let text = """
            # water
            O
            H,1,r
            H,1,r,2,theta   ! bend

            Variables:
            r 0.96
            theta=104.5
            """
        let parsed = try ZMatrix.parse(text)
        #expect(parsed == (try ZMatrix.parse(Self.water)))
    }

    @Test("text(values:) writes the notation back and it reads back to the same matrix and values")
    func roundTrip() throws {
        let text = """
            C
            O 1 1.2
            H 1 rch 2 hco
            H 1 rch 2 hco 3 180.0
            X_ignored = 1
            """
        // A value for a name no row uses is refused, with the variables listed.
        #expect(throws: ZMatrixError.valueForUnknownVariable(name: "X_ignored", known: ["rch", "hco"])) {
            try ZMatrix.parse(text)
        }
        let mirror = try ZMatrix.parse(
            "C\nH 1 r\nH 1 r 2 a\nH 1 r 2 a 3 d\nH 1 r 2 a 3 -d\nr = 1.09\na = 109.4712206\nd = 120.000000001")
        let values = mirror.values.merging(["unused": 3]) { a, _ in a }
        let written = try mirror.zmatrix.text(values: values)
        #expect(written.contains("H 1 r 2 a 3 -d"))
        #expect(!written.contains("unused"))
        let reread = try ZMatrix.parse(written)
        #expect(reread.zmatrix == mirror.zmatrix)
        #expect(reread.values == mirror.values)
        #expect(try reread.zmatrix.text(values: reread.values) == written)
        let fixed = try ZMatrix.parse("O\nH 1 0.1\nH 1 1e-05 2 1.0000000000000002e2")
        #expect(try ZMatrix.parse(fixed.zmatrix.text(values: [:])) == fixed)
        #expect(throws: ZMatrixError.missingValues(["d"])) { try mirror.zmatrix.text(values: ["r": 1, "a": 2]) }
    }

    @Test("a negated dihedral mirrors the atom through the plane of its references")
    func negatedDihedral() throws {
        let parsed = try ZMatrix.parse(
            "C\nH 1 r\nH 1 r 2 a\nH 1 r 2 a 3 d\nH 1 r 2 a 3 -d\nr = 1.09\na = 109.5\nd = 120")
        let xyz = try parsed.zmatrix.cartesianAngstrom(values: parsed.values)
        #expect(abs(CartesianGeometry.dihedralDegree(xyz[3], xyz[0], xyz[1], xyz[2]) - 120) < 1e-10)
        #expect(abs(CartesianGeometry.dihedralDegree(xyz[4], xyz[0], xyz[1], xyz[2]) + 120) < 1e-10)
        // Atoms 1-3 lie in the xz plane, so the mirror image flips y only.
        #expect(abs(xyz[3][1] + xyz[4][1]) < 1e-12 && abs(xyz[3][0] - xyz[4][0]) < 1e-12)
    }

    @Test("the dihedral follows the IUPAC sign: +90° turns clockwise looking along the central bond")
    func dihedralSign() throws {
        // H2O2-like chain with right angles: atom 4 at +90° about the 2-3 bond.
        let parsed = try ZMatrix.parse("O\nO 1 1\nH 2 1 1 90\nH 1 1 2 90 3 90")
        let xyz = try parsed.zmatrix.cartesianAngstrom(values: [:])
        #expect(abs(CartesianGeometry.dihedralDegree(xyz[3], xyz[0], xyz[1], xyz[2]) - 90) < 1e-12)
        #expect(abs(CartesianGeometry.dihedralDegree([1, 0, 0], [0, 0, 0], [0, 0, 1], [0, 1, 1]) - 90) < 1e-12)
    }

    @Test("an angle of 190° mirrors 170°: x changes sign, every distance stays")
    func angleBeyond180() throws {
        let zmatrix = try ZMatrix.parse("O\nC 1 r\nO 2 r 1 a").zmatrix
        let bent = try zmatrix.cartesianAngstrom(values: ["r": 1.16, "a": 170])
        let beyond = try zmatrix.cartesianAngstrom(values: ["r": 1.16, "a": 190])
        #expect(bent[2][0] > 0)
        #expect(abs(beyond[2][0] + bent[2][0]) < 1e-12)
        #expect(abs(beyond[2][2] - bent[2][2]) < 1e-12)
        for i in 0..<3 {
            for j in 0..<3 {
                let d1 = CartesianGeometry.distanceAngstrom(bent[i], bent[j])
                let d2 = CartesianGeometry.distanceAngstrom(beyond[i], beyond[j])
                #expect(abs(d1 - d2) < 1e-12)
            }
        }
        let linear = try zmatrix.cartesianAngstrom(values: ["r": 1.16, "a": 180])
        #expect(CartesianGeometry.isLinear(cartesianAngstrom: linear))
        #expect(abs(CartesianGeometry.angleDegree(linear[0], linear[1], linear[2]) - 180) < 1e-12)
    }

    @Test("the Jacobian matches water's analytic derivatives; the tied r moves both hydrogens")
    func waterJacobian() throws {
        let zmatrix = try ZMatrix.parse(Self.water).zmatrix
        let r = 0.96, theta = 104.5 * Double.pi / 180
        let jacobian = try zmatrix.jacobianAngstrom(values: ["r": 0.96, "theta": 104.5], with: ["r", "theta"])
        #expect(jacobian.count == 9 * 2)
        let perDegree = Double.pi / 180
        // Rows x, y, z of O, H1, H2; columns r (Å/Å), theta (Å/degree).
        let analytic: [[Double]] = [
            [0, 0], [0, 0], [0, 0],
            [0, 0], [0, 0], [1, 0],
            [sin(theta), r * cos(theta) * perDegree], [0, 0], [cos(theta), -r * sin(theta) * perDegree],
        ]
        for (row, expected) in analytic.enumerated() {
            for column in 0..<2 {
                let value = jacobian[row * 2 + column]
                #expect(abs(value - expected[column]) <= 1e-10 * max(1, abs(expected[column])), "row \(row) column \(column)")
            }
        }
        // Columns in the order asked for.
        let swapped = try zmatrix.jacobianAngstrom(values: ["r": 0.96, "theta": 104.5], with: ["theta"])
        #expect(swapped.count == 9)
        #expect(abs(swapped[6] - jacobian[13]) < 1e-15)
        #expect(throws: ZMatrixError.unknownVariable(name: "thetta", known: ["r", "theta"])) {
            try zmatrix.jacobianAngstrom(values: ["r": 0.96, "theta": 104.5], with: ["thetta"])
        }
    }

    @Test("the Jacobian of a four-atom chain agrees with a Richardson-extrapolated difference to 1e-9")
    func chainJacobian() throws {
        let parsed = try ZMatrix.parse(
            "C\nC 1 rcc\nH 1 rch 2 a\nH 2 rch 1 a 3 d\nrcc = 1.54\nrch = 1.09\na = 111\nd = 60")
        let names = ["rcc", "rch", "a", "d"]
        let jacobian = try parsed.zmatrix.jacobianAngstrom(values: parsed.values, with: names)
        for (column, name) in names.enumerated() {
            let h = parsed.zmatrix.kind(of: name) == .length ? 1e-3 : 0.1
            func difference(_ h: Double) throws -> [Double] {
                var plus = parsed.values, minus = parsed.values
                plus[name, default: 0] += h
                minus[name, default: 0] -= h
                let up = try parsed.zmatrix.cartesianAngstrom(values: plus).flatMap { $0 }
                let down = try parsed.zmatrix.cartesianAngstrom(values: minus).flatMap { $0 }
                return zip(up, down).map { ($0 - $1) / (2 * h) }
            }
            let coarse = try difference(h), fine = try difference(h / 2)
            for row in 0..<12 {
                let reference = (4 * fine[row] - coarse[row]) / 3
                let value = jacobian[row * names.count + column]
                #expect(abs(value - reference) <= 1e-9 * max(1, abs(reference)), "\(name) row \(row)")
            }
        }
        // rch ties the bonds of atoms 3 and 4: both move along their bonds.
        let rch = 1
        #expect(abs(jacobian[(3 * 2 + 0) * 4 + rch]) + abs(jacobian[(3 * 2 + 2) * 4 + rch]) > 0.5)
        #expect(abs(jacobian[(3 * 3 + 0) * 4 + rch]) + abs(jacobian[(3 * 3 + 2) * 4 + rch]) > 0.5)
    }

    @Test("a dihedral over three collinear atoms is refused, naming them")
    func collinearDihedral() throws {
        let zmatrix = try ZMatrix.parse("H\nC 1 rch\nC 2 rcc 1 a\nH 3 rch 2 a 1 d").zmatrix
        let values = ["rch": 1.06, "rcc": 1.20, "a": 180.0, "d": 0.0]
        #expect(throws: ZMatrixError.collinearReference(atomNumber: 4, references: [3, 2, 1])) {
            try zmatrix.cartesianAngstrom(values: values)
        }
        do {
            _ = try zmatrix.cartesianAngstrom(values: values)
        } catch {
            #expect(error.description.contains("atoms 3, 2 and 1"))
            #expect(error.description.contains("Cartesian"))
        }
        // Bent off the line, the same matrix builds.
        var bent = values
        bent["a"] = 170
        #expect(try zmatrix.cartesianAngstrom(values: bent).count == 4)
    }

    @Test("malformed Z-matrices are refused with the reason", arguments: [
        ("", ZMatrixError.empty),
        ("O\nH 1", .wrongEntryCount(atomNumber: 2, symbol: "H", count: 1)),
        ("O\nH 1 r 2 a", .wrongEntryCount(atomNumber: 2, symbol: "H", count: 4)),
        ("Xx\nH 1 r", .unknownElement(atomNumber: 1, symbol: "Xx")),
        ("O\nH one r", .badReference(atomNumber: 2, token: "one")),
        ("O\nH 2 r", .referenceNotEarlier(atomNumber: 2, reference: 2)),
        ("O\nH 1 r\nH 3 r 1 a", .referenceNotEarlier(atomNumber: 3, reference: 3)),
        ("O\nH 1 r\nH 1 r 1 a", .duplicateReference(atomNumber: 3, reference: 1)),
        ("O\nH 1 r%", .badValue(atomNumber: 2, token: "r%")),
        ("O\nH 1 -0.5", .nonPositiveLength(atomNumber: 2, name: nil, valueAngstrom: -0.5)),
        ("O\nH 1 r\nH 1 r 2 r", .mixedKinds(name: "r", first: .length, second: .angle, atomNumber: 3)),
        ("O\nH 1 r\nr = 1\nr = 2", .duplicateValue(name: "r", line: 4)),
        ("O\nH 1 r\n\nr = one", .malformedLine(line: 4, text: "r = one")),
        ("r = 1\nO", .malformedLine(line: 1, text: "r = 1")),
        ("O\nH 1 r\nr = nan", .nonFiniteValue(name: "r", value: .nan)),
        ("O\nH 1 r\n\nH 1 r 2 a", .malformedLine(line: 4, text: "H 1 r 2 a")),
    ])
    func refusals(_ text: String, _ expected: ZMatrixError) {
        do {
            _ = try ZMatrix.parse(text)
            Issue.record("expected \(expected)")
        } catch {
            if case .nonFiniteValue(let name, let value) = error {
                #expect(name == "r" && value.isNaN)
            } else {
                #expect(error == expected)
            }
        }
    }

    @Test("missing, non-finite and non-positive values are refused when building coordinates")
    func badValues() throws {
        let zmatrix = try ZMatrix.parse("O\nH 1 r\nH 1 r 2 theta").zmatrix
        #expect(throws: ZMatrixError.missingValues(["r", "theta"])) { try zmatrix.cartesianAngstrom(values: [:]) }
        #expect(throws: ZMatrixError.missingValues(["theta"])) { try zmatrix.cartesianAngstrom(values: ["r": 1]) }
        #expect(throws: ZMatrixError.nonPositiveLength(atomNumber: 2, name: "r", valueAngstrom: 0)) {
            try zmatrix.cartesianAngstrom(values: ["r": 0, "theta": 104])
        }
        #expect(throws: ZMatrixError.nonFiniteValue(name: "theta", value: .infinity)) {
            try zmatrix.cartesianAngstrom(values: ["r": 1, "theta": .infinity])
        }
        let negated = try ZMatrix.parse("O\nH 1 -r").zmatrix
        #expect(throws: ZMatrixError.nonPositiveLength(atomNumber: 2, name: "r", valueAngstrom: -1)) {
            try negated.cartesianAngstrom(values: ["r": 1])
        }
    }

    @Test("error messages say what is wrong and what to do")
    func messages() {
        let cases: [(ZMatrixError, [String])] = [
            (.empty, ["no atoms", "H 1 r"]),
            (.unknownElement(atomNumber: 2, symbol: "X"), ["Atom 2", "\"X\"", "dummy atoms"]),
            (.wrongEntryCount(atomNumber: 3, symbol: "H", count: 2), ["Atom 3 (H)", "2 entries", "bond and an angle"]),
            (.wrongEntryCount(atomNumber: 5, symbol: "H", count: 1), ["1 entry", "dihedral"]),
            (.referenceNotEarlier(atomNumber: 3, reference: 4), ["atom 4", "1 to 2"]),
            (.duplicateReference(atomNumber: 4, reference: 1), ["atom 1 twice", "three different atoms"]),
            (.nonPositiveLength(atomNumber: 2, name: "r", valueAngstrom: -1), ["atom 2", "variable r", "-1.0"]),
            (.mixedKinds(name: "x", first: .length, second: .angle, atomNumber: 3), ["x", "a length", "an angle", "own name"]),
            (.missingValues(["r", "a"]), ["r, a", "name = value"]),
            (.valueForUnknownVariable(name: "thta", known: ["r", "theta"]), ["thta", "Did you mean theta?"]),
            (.unknownVariable(name: "rr", known: ["r"]), ["rr", "Did you mean r?"]),
            (.malformedLine(line: 5, text: "foo"), ["Line 5", "r = 0.96"]),
        ]
        for (error, fragments) in cases {
            for fragment in fragments {
                #expect(error.description.contains(fragment), "\(error.description) lacks \(fragment)")
            }
        }
    }

    @Test("rows built in code are checked like parsed ones, and a matrix decodes only if valid")
    func codable() throws {
        #expect(throws: ZMatrixError.wrongEntryCount(atomNumber: 1, symbol: "O", count: 2)) {
            try ZMatrix(rows: [.init(symbol: "O", bond: .init(atomIndex: 0, value: .literal(1)))])
        }
        let zmatrix = try ZMatrix.parse(Self.water).zmatrix
        let data = try JSONEncoder().encode(zmatrix)
        #expect(try JSONDecoder().decode(ZMatrix.self, from: data) == zmatrix)
        let broken = Data(#"{"rows":[{"symbol":"O"},{"symbol":"H"}]}"#.utf8)
        #expect(throws: ZMatrixError.self) { try JSONDecoder().decode(ZMatrix.self, from: broken) }
    }

    @Test("linear: atoms on one line within the tolerance; one or two atoms always")
    func linearity() {
        #expect(CartesianGeometry.isLinear(cartesianAngstrom: []))
        #expect(CartesianGeometry.isLinear(cartesianAngstrom: [[0, 0, 0], [1, 2, 3]]))
        #expect(CartesianGeometry.isLinear(cartesianAngstrom: [[0, 0, 0], [1, 1, 1], [-2, -2, -2], [0.5, 0.5, 0.5]]))
        #expect(!CartesianGeometry.isLinear(cartesianAngstrom: [[0, 0, 0], [1, 1, 1], [2, 2, 2.01]]))
        #expect(CartesianGeometry.isLinear(cartesianAngstrom: [[0, 0, 0], [1, 1, 1], [2, 2, 2.01]], toleranceAngstrom: 0.01))
        #expect(!CartesianGeometry.isLinear(cartesianAngstrom: [[0, 0], [1, 1]]))
    }
}
