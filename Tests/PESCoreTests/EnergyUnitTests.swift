import PESCore
import PESTestSupport
import Testing

@Suite("Energy units")
struct EnergyUnitTests {
    @Test(
        "one hartree in each unit is the CODATA 2018 value",
        arguments: [
            (EnergyUnit.hartree, 1.0), (.kilocaloriePerMole, 627.5094740631), (.kilojoulePerMole, 2625.4996394799),
            (.electronvolt, 27.211386245988), (.wavenumber, 219474.6313632),
        ])
    func oneHartree(_ unit: EnergyUnit, _ expected: Double) {
        #expect(TestSupport.isClose(unit.fromHartree(1), expected, relative: 1e-15))
        #expect(TestSupport.isClose(unit.toHartree(unit.fromHartree(-0.0328056105)), -0.0328056105, relative: 1e-15))
    }

    @Test("names on the command line, symbols in print and key suffixes are distinct", arguments: EnergyUnit.allCases)
    func names(_ unit: EnergyUnit) {
        #expect(EnergyUnit(rawValue: unit.rawValue) == unit)
        #expect(!unit.symbol.isEmpty)
        #expect(unit.keySuffix.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" })
        #expect(Set(EnergyUnit.allCases.map(\.keySuffix)).count == EnergyUnit.allCases.count)
    }
}
