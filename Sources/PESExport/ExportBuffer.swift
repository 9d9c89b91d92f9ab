import Foundation

/// An export's bytes on their way out: appended to a buffer that goes to an open file in large blocks, or kept whole for a string.
///
/// Writing a file, the buffer holds at most about ``blockBytes`` bytes, so an
/// export of any size runs in bounded memory; without a file it keeps every
/// byte, for ``text``. Numbers are written as the exports always wrote them
/// (shortest round-trip decimals, or C `printf` formats) without making a
/// `String` for each.
public struct ExportBuffer {
    /// Bytes gathered before they are written to the file.
    public static let blockBytes = 1 << 20
    private var bytes: [UInt8] = []
    private let descriptor: Int32?
    /// Bytes written to the file so far.
    public private(set) var writtenBytes = 0

    /// A buffer that keeps every byte, read back with ``text``.
    public init() {
        descriptor = nil
    }

    /// A buffer writing to the open file `descriptor` (which it does not close) whenever a block is full.
    public init(fileDescriptor descriptor: Int32) {
        self.descriptor = descriptor
        bytes.reserveCapacity(Self.blockBytes + 4096)
    }

    /// Everything appended, as text (for a buffer without a file).
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends the UTF-8 bytes of `text`.
    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends the UTF-8 bytes of a literal.
    public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Appends one byte.
    public mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    /// Appends bytes.
    public mutating func append(bytes more: [UInt8]) {
        bytes.append(contentsOf: more)
    }

    /// Appends the bytes `more` points at.
    public mutating func append(bytes more: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: more)
    }

    /// Appends an integer in decimal, as `"\(value)"` writes it.
    public mutating func append(_ value: Int) {
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var magnitude = value.magnitude
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                buffer[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            if value < 0 { bytes.append(UInt8(ascii: "-")) }
            bytes.append(contentsOf: buffer[(20 - count)...])
        }
    }

    /// Appends the shortest decimal that reads back to the same double, as `"\(value)"` writes it (`0.697`, `1e-05`, `nan`).
    ///
    /// The standard library writes it into this buffer as ASCII bytes
    /// (``_writeASCII(_:)``), without the `String` that `description` makes:
    /// half the time for the three numbers of each row of a CSV export. Its
    /// `write(to:)` spells out a NaN's sign and payload (`-nan(0x…)`), so a
    /// NaN is written as `description` writes every NaN.
    public mutating func append(_ value: Double) {
        guard !value.isNaN else { return append("nan" as StaticString) }
        value.write(to: &self)
    }

    /// Appends `value` formatted by C's `printf` with `format` (one double conversion, such as `%.3f` or `%.17g`).
    public mutating func append(_ value: Double, format: StaticString) {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { scratch in
            let count = withVaList([value]) { arguments in
                format.withUTF8Buffer { formatBytes in
                    formatBytes.withMemoryRebound(to: CChar.self) { vsnprintf(scratch.baseAddress, 64, $0.baseAddress, arguments) }
                }
            }
            guard count > 0 else { return }
            UnsafeRawBufferPointer(scratch).withMemoryRebound(to: UInt8.self) { bytes.append(contentsOf: $0.prefix(min(Int(count), 63))) }
        }
    }

    /// Appends `value` with `decimals` (at most 3) digits after the point, exactly as `printf`'s `%.<decimals>f` writes it.
    ///
    /// A non-negative normal double below 2⁵³ is M·2⁻ˢ with an integer M
    /// below 2⁵³, so M·10ᵈ fits in 64 bits and the decimal is found with
    /// integers: rounded to nearest, ties to even, as the C library rounds.
    /// Other values go through `printf` itself (``append(_:format:)`` is ten
    /// times slower, a tenth of a million-row CSV export).
    public mutating func append(_ value: Double, decimals: Int) {
        precondition((0...3).contains(decimals), "append(_:decimals:) takes 0 to 3 decimals")
        guard value.isNormal || value == 0, value.sign == .plus, value < 0x1p53 else {
            switch decimals {
            case 0: return append(value, format: "%.0f")
            case 1: return append(value, format: "%.1f")
            case 2: return append(value, format: "%.2f")
            default: return append(value, format: "%.3f")
            }
        }
        var scale: UInt64 = 1
        for _ in 0..<decimals { scale *= 10 }
        var scaled: UInt64 = 0
        if value != 0 {
            let mantissa = (1 << 52) | value.significandBitPattern
            let shift = 52 - Int(value.exponent)
            let product = mantissa * scale
            if shift <= 0 {
                scaled = product << UInt64(-shift)
            } else if shift < 64 {
                scaled = product >> UInt64(shift)
                let remainder = product - (scaled << UInt64(shift))
                let half: UInt64 = 1 << UInt64(shift - 1)
                if remainder > half || (remainder == half && scaled & 1 == 1) { scaled += 1 }
            }
        }
        append(Int(scaled / scale))
        guard decimals > 0 else { return }
        append(byte: UInt8(ascii: "."))
        let fraction = scaled % scale
        var divisor = scale / 10
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(fraction / divisor % 10))
            divisor /= 10
        }
    }

    /// Writes a full block to the file; call after appending a row or so.
    public mutating func flushIfFull() throws(ExportWriteError) {
        if descriptor != nil, bytes.count >= Self.blockBytes { try flush() }
    }

    /// Writes everything buffered to the file.
    public mutating func flush() throws(ExportWriteError) {
        guard let descriptor, !bytes.isEmpty else { return }
        var failure: Int32 = 0
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                offset += written
            }
        }
        if failure != 0 { throw ExportWriteError(code: failure) }
        writtenBytes += bytes.count
        bytes.removeAll(keepingCapacity: true)
    }

    /// How many bytes were appended so far, written or still buffered: a mark to ``rewind(to:)``.
    public var position: Int { writtenBytes + bytes.count }

    /// Drops every byte appended after `mark` (an earlier ``position``), for a part of an export that starts over.
    ///
    /// Bytes already in the file are cut off there (the file truncated).
    public mutating func rewind(to mark: Int) throws(ExportWriteError) {
        if mark >= writtenBytes {
            bytes.removeSubrange(min(mark - writtenBytes, bytes.count)...)
            return
        }
        bytes.removeAll(keepingCapacity: true)
        writtenBytes = mark
        guard let descriptor else { return }
        if ftruncate(descriptor, off_t(mark)) != 0 || lseek(descriptor, off_t(mark), SEEK_SET) < 0 { throw ExportWriteError(code: errno) }
    }
}

extension ExportBuffer: TextOutputStream {
    /// Appends the UTF-8 bytes of `string`, for what the standard library writes as text.
    public mutating func write(_ string: String) {
        append(string)
    }

    /// Appends bytes the standard library hands over as ASCII (a number it formatted), without making a `String` of them.
    public mutating func _writeASCII(_ buffer: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: buffer)
    }
}

/// Why an export's bytes could not be written: the system's error number and its text.
public struct ExportWriteError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The `errno` of the failed write.
    public var code: Int32

    public init(code: Int32) {
        self.code = code
    }

    public var description: String { String(cString: strerror(code)) }
}
