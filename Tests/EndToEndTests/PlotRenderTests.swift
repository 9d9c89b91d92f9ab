import Foundation
import PESTestSupport
import Testing

/// Colour tests on a pixel's [r, g, b].
private func isRed(_ rgb: [Int]) -> Bool { rgb.count == 3 && rgb[0] > 170 && rgb[1] < 90 && rgb[2] < 90 }
private func isBlue(_ rgb: [Int]) -> Bool { rgb.count == 3 && rgb[2] > 170 && rgb[0] < 90 && rgb[1] < 120 }
private func isOrange(_ rgb: [Int]) -> Bool { rgb.count == 3 && rgb[0] > 200 && (100...200).contains(rgb[1]) && rgb[0] - rgb[2] > 120 }
private func isGrey(_ rgb: [Int]) -> Bool { rgb.count == 3 && (90...170).contains(rgb[0]) && abs(rgb[0] - rgb[1]) < 12 && abs(rgb[1] - rgb[2]) < 12 }

@Suite("End to end: the plot as a browser shows it")
struct PlotRenderTests {
    @Test("headless Chromium draws red dots, the blue minimum, the orange unconverged and grey failed markers where the SVG puts them")
    func chromiumRender() throws {
        let pesscan = try BinaryRunner()
        try pesscan.run(["plan", "--molecule", "AuOg+", "--points", "11"])
        try pesscan.run(["collect", "--quiet"])
        _ = try pesscan.sql("UPDATE point SET state = 'failed', energy_hartree = NULL, error = 'SCF failed' WHERE idx = 3;")
        _ = try pesscan.sql("UPDATE point SET converged = 0 WHERE idx = 8;")
        let plot = try pesscan.run(["plot", "--residuals", "--json"])
        #expect(plot.status == 0, "\(plot.stderr)")
        let written = try #require(try JSONSerialization.jsonObject(with: Data(plot.stdout.utf8)) as? [String: Any])
        #expect(written["svg"] as? String == "Results/plots/AuOg+.svg")
        #expect(abs((written["r_e_angstrom"] as? Double ?? 0) - 2.862) < 1e-3)
        let svgURL = pesscan.folder.appendingPathComponent("Results/plots/AuOg+.svg")
        let svg = try #require(SVGElements(try String(contentsOf: svgURL, encoding: .utf8)))
        let root = try #require(svg.elements.first)
        let width = Int(try #require(root.number("width"))), height = Int(try #require(root.number("height")))

        let dots = svg.named("circle", class: "computed").compactMap { dot in dot.number("cx").flatMap { x in dot.number("cy").map { (x: x, y: $0) } } }
        #expect(dots.count == 9)
        let minimum = try #require(svg.withID("minimum").first)
        // A lower corner of the triangle, outside any dot drawn over its centre.
        let triangle = (x: try #require(minimum.number("data-cx")) - 6, y: try #require(minimum.number("data-cy")) + 4.5)
        let ring = try #require(svg.named("circle", class: "unconverged").first)
        let orange = (x: try #require(ring.number("cx")) + 5, y: try #require(ring.number("cy")))
        let crossLine = try #require(svg.elements.drop { $0.classes != ["failed"] }.dropFirst().first)
        let grey = (x: ((crossLine.number("x1") ?? 0) + (crossLine.number("x2") ?? 0)) / 2 + 3, y: ((crossLine.number("y1") ?? 0) + (crossLine.number("y2") ?? 0)) / 2 + 3)

        let screenshot = pesscan.folder.appendingPathComponent("chromium.png")
        try ExternalTools.chromiumScreenshot(svg: svgURL, png: screenshot, width: width, height: height, in: pesscan.folder)
        var renders = [screenshot]
        if let png = written["png"] as? String { renders.append(pesscan.folder.appendingPathComponent(png)) }
        for render in renders {
            let probe = try ExternalTools.probePNG(render, at: dots + [triangle, orange, grey], in: pesscan.folder)
            #expect(probe.width == width && probe.height == height, "\(render.lastPathComponent)")
            #expect(probe.nonwhiteFraction > 0.02 && probe.nonwhiteFraction < 0.6, "\(render.lastPathComponent): \(probe.nonwhiteFraction)")
            let samples = probe.samples
            #expect(samples.count == dots.count + 3)
            for (index, rgb) in samples.prefix(dots.count).enumerated() { #expect(isRed(rgb), "\(render.lastPathComponent) dot \(index): \(rgb)") }
            #expect(isBlue(samples[dots.count]), "\(render.lastPathComponent) minimum: \(samples[dots.count])")
            #expect(isOrange(samples[dots.count + 1]), "\(render.lastPathComponent) unconverged: \(samples[dots.count + 1])")
            #expect(isGrey(samples[dots.count + 2]), "\(render.lastPathComponent) failed: \(samples[dots.count + 2])")
        }
    }
}
