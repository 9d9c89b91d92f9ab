import Foundation
import PESExport
import Testing

@Suite("ExportBuffer numbers")
struct ExportBufferTests {
    @Test("an error with a CRLF line break is quoted in the CSV, as RFC 4180 asks")
    func crlfIsQuoted() throws {
        #expect(CSVText.field("a\r\nb") == "\"a\r\nb\"")
        #expect(CSVText.field("say \"hi\", twice") == "\"say \"\"hi\"\", twice\"")
        #expect(CSVText.field("plain") == "plain")
    }

    @Test("three decimals are printf's %.3f, ties to even, for wall times of every size")
    func fixedDecimals() {
        var values: [Double] = [0, 0.0005, 0.0625, 0.1875, 1.0625, 2.5, 0.00049999999999999999, 1e-300, .leastNonzeroMagnitude, 123456.7895, 9007199254740991, 1e17, 3.0e-5]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            values.append(Double.random(in: 0..<10, using: &generator))
            values.append(Double(Int.random(in: 0..<100_000, using: &generator)) / 16_000)
            values.append(pow(10, Double.random(in: -8..<9, using: &generator)))
        }
        for decimals in 0...3 {
            for value in values {
                var buffer = ExportBuffer()
                buffer.append(value, decimals: decimals)
                #expect(buffer.text == String(format: "%.\(decimals)f", value), "\(value) with \(decimals)")
            }
        }
    }

    @Test("a double is written as its description, the shortest decimal that reads back to it, special values included")
    func shortestDoubles() {
        var values: [Double] = [0, -0.0, 0.697, 1e-5, 2.762, -0.0314174395895581, 5.2193966, 1e16, 1e300, -1e-300, .leastNonzeroMagnitude,
                                .greatestFiniteMagnitude, .infinity, -.infinity, .nan, 123456789012345680]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<20_000 {
            values.append(Double(bitPattern: UInt64.random(in: 0...UInt64.max, using: &generator)))
            values.append(Double.random(in: -1..<1, using: &generator))
        }
        for value in values {
            var buffer = ExportBuffer()
            buffer.append(value)
            #expect(buffer.text == value.description, "\(value)")
            #expect(value.isNaN || Double(buffer.text) == value, "\(value) reads back")
        }
    }

    @Test("integers and doubles are written as Swift writes them; rewind drops what came after a mark")
    func integersAndRewind() throws {
        var buffer = ExportBuffer()
        for value in [0, 7, -7, 1234567890, Int.max, Int.min] { buffer.append(value); buffer.append(byte: UInt8(ascii: " ")) }
        let mark = buffer.position
        buffer.append(0.697)
        buffer.append(" ")
        buffer.append(1e-5)
        #expect(buffer.text == "0 7 -7 1234567890 \(Int.max) \(Int.min) 0.697 1e-05")
        try buffer.rewind(to: mark)
        #expect(buffer.text == "0 7 -7 1234567890 \(Int.max) \(Int.min) ")
    }
}
