import Foundation

/// Whole reads and writes on a file descriptor with `read(2)`/`write(2)`, retrying short transfers and EINTR.
enum DescriptorIO {
    /// Writes every byte of `data`; false when a write fails (the reason is in `errno`) or writes nothing.
    static func writeAll(_ data: Data, to descriptor: Int32) -> Bool {
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let count = Foundation.write(descriptor, bytes.baseAddress.map { $0 + offset }, bytes.count - offset)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { return false }
                offset += count
            }
            return true
        }
    }

    /// The bytes before the next zero byte (which is read too), or nil when the input ends, fails or exceeds `limit` bytes first.
    static func readUntilZero(from descriptor: Int32, atMost limit: Int) -> Data? {
        var data = Data()
        var byte: UInt8 = 0
        while data.count <= limit {
            let got = Foundation.read(descriptor, &byte, 1)
            if got < 0, errno == EINTR { continue }
            guard got == 1 else { return nil }
            if byte == 0 { return data }
            data.append(byte)
        }
        return nil
    }

    /// Exactly `count` bytes from `descriptor`, or nil when it ends or fails first.
    static func readExactly(_ count: Int, from descriptor: Int32) -> Data? {
        var data = Data(count: count)
        var filled = 0
        while filled < count {
            let got = data.withUnsafeMutableBytes { bytes in
                Foundation.read(descriptor, bytes.baseAddress.map { $0 + filled }, count - filled)
            }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { return nil }
            filled += got
        }
        return data
    }
}
