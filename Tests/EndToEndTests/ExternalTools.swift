import Foundation
import PESTestSupport

/// The real consumers of pesscan's files, run from argv arrays: the venv's Python (pypng, ASE, qcelemental) and headless Chromium.
enum ExternalTools {
    /// The Python of `.venv` made by scripts/install-python-venv (`$PESSCAN_PYTHON` when set).
    static var python: URL {
        if let path = ProcessInfo.processInfo.environment["PESSCAN_PYTHON"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return TestSupport.packageRoot.appendingPathComponent(".venv/bin/python")
    }

    /// Runs `executable arguments…` in `folder` and returns its status and output.
    static func run(_ executable: URL, _ arguments: [String], in folder: URL) throws -> BinaryRunner.Result {
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = folder.path
        let (process, out, err) = try BinaryRunner.launch(executable, arguments, in: folder, environment: environment)
        return BinaryRunner.wait(process, out, err)
    }

    /// Runs a Python program with the venv's Python; its stdout is parsed as one JSON object.
    static func pythonJSON(_ program: String, _ arguments: [String], in folder: URL) throws -> [String: Any] {
        let result = try run(python, ["-c", program] + arguments, in: folder)
        guard result.status == 0,
            let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        else {
            throw ToolError(message: "python exited \(result.status): \(result.stderr)\(result.stdout)")
        }
        return object
    }

    /// Renders `svg` with headless Chromium into a PNG screenshot of `width` × `height` pixels.
    static func chromiumScreenshot(svg: URL, png: URL, width: Int, height: Int, in folder: URL) throws {
        let result = try run(
            URL(fileURLWithPath: "/usr/bin/chromium"),
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", "--force-device-scale-factor=1",
                "--user-data-dir=\(folder.appendingPathComponent("chromium-profile").path)",
                "--window-size=\(width),\(height)", "--screenshot=\(png.path)", svg.absoluteURL.absoluteString,
            ],
            in: folder)
        guard FileManager.default.fileExists(atPath: png.path) else {
            throw ToolError(message: "chromium made no screenshot (status \(result.status)): \(result.stderr.suffix(2000))")
        }
    }

    /// Decodes a PNG with pypng and returns its size, the fraction of non-white pixels and the RGB at each `(x, y)`.
    static func probePNG(_ png: URL, at points: [(x: Double, y: Double)], in folder: URL) throws -> PNGProbe {
        let program = """
            import json, sys, png
            width, height, rows, info = png.Reader(filename=sys.argv[1]).asRGBA8()
            pixels = [list(row) for row in rows]
            nonwhite = sum(1 for row in pixels for i in range(0, len(row), 4) if min(row[i:i+3]) < 235)
            samples = [pixels[y][4*x:4*x+3] for x, y in json.loads(sys.argv[2])]
            print(json.dumps({"width": width, "height": height, "nonwhite": nonwhite / (width * height), "samples": samples}))
            """
        let coordinates = points.map { "[\(Int($0.x.rounded())),\(Int($0.y.rounded()))]" }.joined(separator: ",")
        let object = try pythonJSON(program, [png.path, "[\(coordinates)]"], in: folder)
        return PNGProbe(
            width: object["width"] as? Int ?? 0, height: object["height"] as? Int ?? 0,
            nonwhiteFraction: object["nonwhite"] as? Double ?? 0,
            samples: (object["samples"] as? [[Int]]) ?? [])
    }

    struct PNGProbe {
        var width: Int
        var height: Int
        var nonwhiteFraction: Double
        var samples: [[Int]]
    }

    struct ToolError: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }
}
