import PESCore
import Testing

@Suite("Did you mean: suggestions for mistyped names, and counted nouns")
struct SuggestionTests {
    @Test("a typo is matched, a neighbour swap is one edit, a far name is not", arguments: [
        ("HFF", ["H2", "HF", "HCl"], ["HF"]),
        ("b3lpy", ["B3LYP", "BLYP", "PBE"], ["B3LYP"]),
        ("pyscff", ["model", "pyscf", "xtb"], ["pyscf"]),
        ("bsis", ["basis", "method", "xc"], ["basis"]),
        ("Unobtainium", ["H2", "HF"], []),
        ("ccpvxz", ["ccpvdz", "ccpvtz", "sto3g"], ["ccpvdz", "ccpvtz"]),
    ])
    func closest(_ given: String, _ known: [String], _ expected: [String]) {
        #expect(Suggestion.closest(to: given, among: known) == expected)
    }

    @Test("the sentence lists ties with or, and is empty without a match")
    func sentence() {
        #expect(Suggestion.didYouMean("HFF", among: ["HF", "H2"]) == " Did you mean HF?")
        #expect(Suggestion.didYouMean("ccpvxz", among: ["ccpvdz", "ccpvtz"]) == " Did you mean ccpvdz or ccpvtz?")
        #expect(Suggestion.didYouMean("zzzzzz", among: ["HF"]).isEmpty)
        #expect(Suggestion.editDistance(Array("ab"), Array("ba")) == 1)
        #expect(Suggestion.editDistance(Array(""), Array("abc")) == 3)
    }

    @Test("one is singular, every other count plural")
    func plural() {
        #expect(Plural.count(1, "slot") == "1 slot")
        #expect(Plural.count(2, "slot") == "2 slots")
        #expect(Plural.count(0, "attempt") == "0 attempts")
        #expect(Plural.count(1, "energy", plural: "energies") == "1 energy")
        #expect(Plural.count(3, "energy", plural: "energies") == "3 energies")
    }
}
