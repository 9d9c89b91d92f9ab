import Foundation
import PESWorkflow
import Testing

@Suite("One JSON convention")
struct JSONConventionTests {
    struct Sample: Codable, Equatable {
        var rEquilibriumAngstrom: Double
        var finishedAt: Date
    }

    @Test("keys are snake_case and times ISO 8601, and the decoder reads them back")
    func convention() throws {
        let sample = Sample(rEquilibriumAngstrom: 2.862, finishedAt: Date(timeIntervalSince1970: 1_700_000_000))
        let text = try JSONConvention.text(sample, pretty: false)
        #expect(text == #"{"finished_at":"2023-11-14T22:13:20Z","r_equilibrium_angstrom":2.862}"#)
        #expect(try JSONConvention.decoder().decode(Sample.self, from: Data(text.utf8)) == sample)
    }
}
