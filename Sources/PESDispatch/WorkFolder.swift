import Foundation

/// Work folders under the results folder, made one component at a time without following symbolic links.
///
/// Each component is created with `mkdirat` and opened with `openat` and
/// `O_NOFOLLOW | O_DIRECTORY` relative to the folder before it, so a symbolic
/// link planted anywhere below the results folder (at `runs/<database>/<scan>`,
/// say) stops the run with an error instead of leading its writes elsewhere.
/// The results folder itself is the user's choice and may be a link.
enum WorkFolder {
    /// Creates `root/components[0]/components[1]/…` (each component a plain name) and returns its URL.
    static func create(_ components: [String], under root: URL) throws(DispatchError) -> URL {
        let target = components.reduce(root) { $0.appendingPathComponent($1, isDirectory: true) }
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw .workDirectory(root.path, error.localizedDescription)
        }
        var folder = open(root.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard folder >= 0 else { throw .workDirectory(root.path, String(cString: strerror(errno))) }
        defer { close(folder) }
        var reached = root
        for name in components {
            reached.appendPathComponent(name, isDirectory: true)
            guard !name.isEmpty, name != ".", name != "..", !name.contains("/") else {
                throw .workDirectory(reached.path, "\"\(name)\" is not a plain folder name")
            }
            if mkdirat(folder, name, 0o755) != 0, errno != EEXIST {
                throw .workDirectory(reached.path, String(cString: strerror(errno)))
            }
            let next = openat(folder, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard next >= 0 else {
                let code = errno
                if code == ELOOP || code == ENOTDIR {
                    throw .workDirectory(
                        reached.path,
                        "it is a symbolic link or not a folder, and pesscan follows no links under the results folder; remove it and run collect again")
                }
                throw .workDirectory(reached.path, String(cString: strerror(code)))
            }
            close(folder)
            folder = next
        }
        return target
    }
}
