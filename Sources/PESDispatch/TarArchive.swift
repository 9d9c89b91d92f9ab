import Foundation

/// A tar stream of plain files and folders: what a point's work folder travels to and from a site in.
///
/// Written in the POSIX ustar format, which GNU tar and busybox tar read;
/// read back from ustar, GNU and pax streams. Only regular files and folders
/// are taken in: a link, a device or a name that is absolute or climbs with
/// `..` is refused, so a site cannot write outside the folder it fills.
struct TarArchive: Sendable, Equatable {
    /// One member: a relative path (components joined by `/`) and, for a file, its bytes.
    struct Member: Sendable, Equatable {
        /// Path relative to the archive's root, without a leading `./`.
        var path: String
        /// The file's bytes; nil for a folder.
        var contents: Data?
        /// Permission bits (0o644 for a file, 0o755 for a folder unless the file was executable).
        var mode: Int
    }

    /// Members in stream order.
    var members: [Member] = []

    /// Why a stream could not be read or its members written.
    struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Size of a tar block in bytes.
    static let blockBytes = 512

    /// Adds a file of `contents` at `path`.
    mutating func addFile(_ path: String, contents: Data, mode: Int = 0o644) {
        members.append(Member(path: path, contents: contents, mode: mode))
    }

    /// Adds every regular file and folder under `folder`, names relative to it (after `prefix/` when given); links are left out.
    mutating func addFolder(_ folder: URL, prefix: String? = nil, excluding excluded: Set<String> = []) throws(Failure) {
        if let prefix { members.append(Member(path: prefix, contents: nil, mode: 0o755)) }
        let lead = prefix.map { $0 + "/" } ?? ""
        let keys: [URLResourceKey] = [.isRegularFileKey, .isDirectoryKey, .isSymbolicLinkKey]
        guard let walker = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: keys) else {
            throw Failure(message: "cannot list \(folder.path)")
        }
        let base = folder.standardizedFileURL.path
        while let item = walker.nextObject() as? URL {
            let path = item.standardizedFileURL.path
            guard path.hasPrefix(base + "/") else { continue }
            let relative = String(path.dropFirst(base.count + 1))
            if excluded.contains(relative) || excluded.contains(where: { relative.hasPrefix($0 + "/") }) { continue }
            let values = try? item.resourceValues(forKeys: Set(keys))
            if values?.isSymbolicLink == true { continue }
            if values?.isDirectory == true {
                members.append(Member(path: lead + relative, contents: nil, mode: 0o755))
            } else if values?.isRegularFile == true {
                let data: Data
                do {
                    data = try Data(contentsOf: item)
                } catch {
                    throw Failure(message: "cannot read \(item.path): \(error.localizedDescription)")
                }
                let executable = FileManager.default.isExecutableFile(atPath: item.path)
                members.append(Member(path: lead + relative, contents: data, mode: executable ? 0o755 : 0o644))
            }
        }
    }

    /// The archive as a ustar stream, ended by two zero blocks.
    func encoded() throws(Failure) -> Data {
        var stream = Data()
        for member in members {
            stream.append(try Self.header(for: member))
            if let contents = member.contents {
                stream.append(contents)
                stream.append(Data(count: Self.padding(contents.count)))
            }
        }
        stream.append(Data(count: 2 * Self.blockBytes))
        return stream
    }

    /// Reads a tar stream; members that are neither files nor folders are refused.
    static func decode(_ stream: Data) throws(Failure) -> TarArchive {
        var archive = TarArchive()
        let bytes = [UInt8](stream)
        var offset = 0
        var longName: String?
        var paxPath: String?
        while offset + blockBytes <= bytes.count {
            let block = bytes[offset..<(offset + blockBytes)]
            if block.allSatisfy({ $0 == 0 }) { return archive }
            guard checksumMatches(block) else { throw Failure(message: "the archive is damaged at byte \(offset) (bad header checksum)") }
            let size = try number(block, at: 124, length: 12)
            let type = block[block.startIndex + 156]
            let dataStart = offset + blockBytes
            guard size >= 0, dataStart + size <= bytes.count else {
                throw Failure(message: "the archive ends inside a member (\(size) bytes announced at byte \(offset))")
            }
            let data = Data(bytes[dataStart..<(dataStart + size)])
            offset = dataStart + size + padding(size)
            switch type {
            case UInt8(ascii: "L"):
                longName = String(decoding: data.prefix { $0 != 0 }, as: UTF8.self)
                continue
            case UInt8(ascii: "x"):
                paxPath = paxValue("path", in: data)
                continue
            case UInt8(ascii: "g"):
                continue
            default: break
            }
            let path = try cleanPath(longName ?? paxPath ?? headerName(block))
            longName = nil
            paxPath = nil
            let mode = (try? number(block, at: 100, length: 8)) ?? 0o644
            switch type {
            case 0, UInt8(ascii: "0"), UInt8(ascii: "7"):
                guard let path else { throw Failure(message: "the archive holds a file with no name") }
                archive.members.append(Member(path: path, contents: data, mode: mode & 0o777))
            case UInt8(ascii: "5"):
                if let path { archive.members.append(Member(path: path, contents: nil, mode: mode & 0o777)) }
            default:
                throw Failure(
                    message: "the archive holds \(path ?? "a member") of type \(Character(UnicodeScalar(type))), which is not a plain file or folder; pesscan takes only those")
            }
        }
        throw Failure(message: "the archive ends without its closing blocks (\(bytes.count) bytes)")
    }

    /// Bytes of data (padding included) that follow a member's header block in a stream; a damaged header is refused.
    static func dataBytes(afterHeader header: Data) throws(Failure) -> Int {
        let block = ArraySlice([UInt8](header.prefix(blockBytes)))
        guard block.count == blockBytes, checksumMatches(block) else {
            throw Failure(message: "the archive is damaged (bad header checksum)")
        }
        let size = try number(block, at: 124, length: 12)
        guard size >= 0 else { throw Failure(message: "the archive announces a negative size") }
        return size + padding(size)
    }

    /// Writes every member under `folder`, creating folders one component at a time without following links.
    func write(into folder: URL) throws(Failure) {
        for member in members {
            let components = member.path.split(separator: "/").map(String.init)
            let parents = member.contents == nil ? components : Array(components.dropLast())
            let parent: URL
            do {
                parent = try WorkFolder.create(parents, under: folder)
            } catch {
                throw Failure(message: "cannot create \(member.path) in \(folder.path): \(error)")
            }
            guard let contents = member.contents, let name = components.last else { continue }
            let descriptor = open(
                parent.appendingPathComponent(name).path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
                mode_t(member.mode & 0o755 | 0o600))
            guard descriptor >= 0 else {
                throw Failure(message: "cannot write \(member.path) in \(folder.path): \(String(cString: strerror(errno)))")
            }
            defer { close(descriptor) }
            guard DescriptorIO.writeAll(contents, to: descriptor) else {
                throw Failure(message: "cannot write \(member.path) in \(folder.path): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The members under the folder `name`, named relative to it.
    func folder(named name: String) -> TarArchive {
        var folder = TarArchive()
        folder.members = members.compactMap { member in
            guard member.path.hasPrefix(name + "/") else { return nil }
            var relative = member
            relative.path = String(member.path.dropFirst(name.count + 1))
            return relative
        }
        return folder
    }

    /// The member at `path`, if any.
    func member(_ path: String) -> Member? { members.last { $0.path == path } }

    // MARK: - ustar fields

    /// Zero bytes after `size` bytes of data up to the next block.
    static func padding(_ size: Int) -> Int { (blockBytes - size % blockBytes) % blockBytes }

    /// One ustar header block for `member`, its name split into prefix and name when longer than 100 bytes.
    private static func header(for member: Member) throws(Failure) -> Data {
        var block = [UInt8](repeating: 0, count: blockBytes)
        let isFolder = member.contents == nil
        let fullName = Array((member.path + (isFolder ? "/" : "")).utf8)
        var name = fullName
        var prefix: [UInt8] = []
        if fullName.count > 100 {
            guard let cut = fullName.indices.last(where: { fullName[$0] == UInt8(ascii: "/") && $0 <= 155 && fullName.count - $0 - 1 <= 100 }),
                cut > 0
            else { throw Failure(message: "the file name \(member.path) is too long to send (\(fullName.count) bytes)") }
            prefix = Array(fullName[..<cut])
            name = Array(fullName[(cut + 1)...])
        }
        func put(_ bytes: [UInt8], at start: Int) { for (index, byte) in bytes.enumerated() { block[start + index] = byte } }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            Array(String(String(value, radix: 8).suffix(width - 1)).leftPadded(to: width - 1).utf8) + [0]
        }
        put(name, at: 0)
        put(octal(member.mode, width: 8), at: 100)
        put(octal(0, width: 8), at: 108)
        put(octal(0, width: 8), at: 116)
        guard (member.contents?.count ?? 0) < 0o77777777777 else { throw Failure(message: "\(member.path) is too large to send") }
        put(octal(member.contents?.count ?? 0, width: 12), at: 124)
        put(octal(Int(Date().timeIntervalSince1970), width: 12), at: 136)
        block[156] = isFolder ? UInt8(ascii: "5") : UInt8(ascii: "0")
        put(Array("ustar".utf8) + [0], at: 257)
        put(Array("00".utf8), at: 263)
        put(prefix, at: 345)
        put(Array(repeating: UInt8(ascii: " "), count: 8), at: 148)
        let sum = block.reduce(0) { $0 + Int($1) }
        put(Array(String(String(sum, radix: 8)).leftPadded(to: 6).utf8) + [0, UInt8(ascii: " ")], at: 148)
        return Data(block)
    }

    /// Whether a header's checksum (its bytes summed with the checksum field as spaces) matches.
    private static func checksumMatches(_ block: ArraySlice<UInt8>) -> Bool {
        let start = block.startIndex
        var sum = 0
        for index in block.indices { sum += (148..<156).contains(index - start) ? 32 : Int(block[index]) }
        guard let stored = try? number(block, at: 148, length: 8) else { return false }
        return stored == sum
    }

    /// An octal (or GNU base-256) number field.
    private static func number(_ block: ArraySlice<UInt8>, at start: Int, length: Int) throws(Failure) -> Int {
        let field = block[(block.startIndex + start)..<(block.startIndex + start + length)]
        if let first = field.first, first & 0x80 != 0 {
            return field.dropFirst().reduce(Int(first & 0x7f)) { $0 << 8 | Int($1) }
        }
        let text = String(decoding: field.prefix { $0 != 0 }, as: UTF8.self).trimmingCharacters(in: .whitespaces)
        if text.isEmpty { return 0 }
        guard let value = Int(text, radix: 8) else { throw Failure(message: "the archive has a bad number field (\(text))") }
        return value
    }

    /// The name of a header: its ustar prefix and name joined.
    private static func headerName(_ block: ArraySlice<UInt8>) -> String {
        let start = block.startIndex
        let name = String(decoding: block[start..<(start + 100)].prefix { $0 != 0 }, as: UTF8.self)
        let isUstar = block[(start + 257)..<(start + 262)].elementsEqual("ustar".utf8)
        let prefix = isUstar ? String(decoding: block[(start + 345)..<(start + 500)].prefix { $0 != 0 }, as: UTF8.self) : ""
        return prefix.isEmpty ? name : prefix + "/" + name
    }

    /// The value of `key` in a pax extended header.
    private static func paxValue(_ key: String, in data: Data) -> String? {
        for record in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            guard let space = record.firstIndex(of: " ") else { continue }
            let pair = record[record.index(after: space)...]
            if pair.hasPrefix(key + "=") { return String(pair.dropFirst(key.count + 1)) }
        }
        return nil
    }

    /// A member name made relative (`./` and trailing `/` dropped); nil for the root itself; refused when absolute or climbing.
    private static func cleanPath(_ raw: String) throws(Failure) -> String? {
        guard !raw.hasPrefix("/") else { throw Failure(message: "the archive holds an absolute path (\(raw)); pesscan refuses it") }
        let components = raw.split(separator: "/").filter { $0 != "." }
        guard !components.contains("..") else { throw Failure(message: "the archive holds a path that climbs out (\(raw)); pesscan refuses it") }
        return components.isEmpty ? nil : components.joined(separator: "/")
    }
}

extension String {
    /// The string with zeros in front up to `width` characters.
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
