import Foundation

extension ZMatrix {
    /// Finite-difference step for length variables in ``jacobianAngstrom(values:with:)``: 10⁻⁵ Å.
    ///
    /// The central difference's truncation error is about h²/6 times the third
    /// derivative and its rounding error about ε·|x|/h; at 10⁻⁵ Å both are near
    /// 10⁻¹⁰ Å per Å for molecules a few ångström across (relative accuracy ~10⁻¹⁰).
    public static let finiteDifferenceStepAngstrom = 1e-5
    /// Finite-difference step for angle and dihedral variables: 10⁻³ degree (1.7 × 10⁻⁵ rad).
    ///
    /// A coordinate moves by about r·π/180 Å per degree; at this step truncation
    /// (~10⁻¹² Å per degree) and rounding (~2 × 10⁻¹³ Å per degree) stay below
    /// 10⁻¹⁰ of that derivative.
    public static let finiteDifferenceStepDegree = 1e-3

    /// Cartesian coordinates in Å, one [x, y, z] row per atom, for the given variable values (Å and degrees).
    ///
    /// Atom 1 sits at the origin, atom 2 on the +z axis, atom 3 in the xz plane
    /// (on the +x side for angles between 0° and 180°), every later atom by the
    /// natural extension reference frame (NeRF) construction from its bond,
    /// angle and dihedral; dihedrals follow the IUPAC sign convention.
    ///
    /// Angles are used as given, not folded into [0°, 180°]: an angle of 190°
    /// puts the atom where 170° would, mirrored to the other side of its bond
    /// (sin θ changes sign), so an angle scanned through 180° is a signed in-plane
    /// bend and a linear molecule's energy is smooth and even about 180°.
    ///
    /// Values for names that are not variables are ignored. Throws for a missing
    /// or non-finite value, a length that is not positive, or a dihedral whose
    /// three reference atoms lie on one line.
    public func cartesianAngstrom(values: [String: Double]) throws(ZMatrixError) -> [[Double]] {
        try positions(values: values).map { [$0.x, $0.y, $0.z] }
    }

    /// ∂x/∂q: how each Cartesian coordinate (Å) moves per unit of each named variable (Å or degree).
    ///
    /// The result is row-major, 3N rows (x, y, z of atom 1, then atom 2, …) by
    /// `names.count` columns, so element [(3·atom + axis)·n + column]. Computed
    /// by central differences with ``finiteDifferenceStepAngstrom`` for lengths and
    /// ``finiteDifferenceStepDegree`` for angles and dihedrals. A variable that ties
    /// several coordinates moves all of them; a negated use moves the opposite way.
    public func jacobianAngstrom(values: [String: Double], with names: [String]) throws(ZMatrixError) -> [Double] {
        for name in names where kind(of: name) == nil {
            throw .unknownVariable(name: name, known: variableNames)
        }
        let coordinateCount = 3 * atomCount
        var jacobian = [Double](repeating: 0, count: coordinateCount * names.count)
        for (column, name) in names.enumerated() {
            guard let value = values[name] else { throw .missingValues([name]) }
            guard value.isFinite else { throw .nonFiniteValue(name: name, value: value) }
            let step = kind(of: name) == .length ? Self.finiteDifferenceStepAngstrom : Self.finiteDifferenceStepDegree
            let up = value + step, down = value - step
            var shifted = values
            shifted[name] = up
            let plus = try positions(values: shifted)
            shifted[name] = down
            let minus = try positions(values: shifted)
            // The difference of the two shifted values, not 2 × step: it is what the positions saw.
            let width = up - down
            for atom in 0..<atomCount {
                let derivative = (plus[atom] - minus[atom]) / width
                for axis in 0..<3 {
                    jacobian[(3 * atom + axis) * names.count + column] = derivative[axis]
                }
            }
        }
        return jacobian
    }

    /// The atoms' positions in Å.
    private func positions(values: [String: Double]) throws(ZMatrixError) -> [SIMD3<Double>] {
        let missing = variableNames.filter { values[$0] == nil }
        guard missing.isEmpty else { throw .missingValues(missing) }
        for name in variableNames {
            if let value = values[name], !value.isFinite { throw .nonFiniteValue(name: name, value: value) }
        }
        func number(_ value: Value) -> Double {
            switch value {
            case .literal(let number): return number
            case .variable(let name): return values[name] ?? .nan
            case .negatedVariable(let name): return -(values[name] ?? .nan)
            }
        }
        var placed: [SIMD3<Double>] = []
        for (index, row) in rows.enumerated() {
            guard let bond = row.bond else {
                placed.append(.zero)
                continue
            }
            let length = number(bond.value)
            guard length > 0 else {
                throw .nonPositiveLength(atomNumber: index + 1, name: bond.value.variableName, valueAngstrom: length)
            }
            let origin = placed[bond.atomIndex]
            guard let angle = row.angle else {
                placed.append(origin + SIMD3(0, 0, length))
                continue
            }
            let theta = number(angle.value) * .pi / 180
            let toAngleAtom = CartesianGeometry.unit(placed[angle.atomIndex] - origin)
            guard let dihedral = row.dihedral else {
                // The first two atoms lie on z, so +x is perpendicular to the bond and spans the xz plane with it.
                placed.append(origin + length * (cos(theta) * toAngleAtom + sin(theta) * SIMD3(1, 0, 0)))
                continue
            }
            // NeRF (Parsons et al., J. Comput. Chem. 26, 1063 (2005)): a frame on the chain dihedral–angle–bond atom.
            let phi = number(dihedral.value) * .pi / 180
            let chainStart = placed[dihedral.atomIndex]
            let fromAngleAtom = -toAngleAtom
            let normal = CartesianGeometry.cross(placed[angle.atomIndex] - chainStart, fromAngleAtom)
            let normalLength = CartesianGeometry.length(normal)
            let chainLength = CartesianGeometry.length(placed[angle.atomIndex] - chainStart)
            // The normal's length is the sine of the chain's angle times the first link's length.
            guard normalLength > CartesianGeometry.collinearSine * chainLength else {
                throw .collinearReference(
                    atomNumber: index + 1, references: [bond.atomIndex + 1, angle.atomIndex + 1, dihedral.atomIndex + 1])
            }
            let n = normal / normalLength
            let inPlane = CartesianGeometry.cross(n, fromAngleAtom)
            let local = SIMD3(-cos(theta), sin(theta) * cos(phi), sin(theta) * sin(phi))
            placed.append(origin + length * (local.x * fromAngleAtom + local.y * inPlane + local.z * n))
        }
        return placed
    }
}
