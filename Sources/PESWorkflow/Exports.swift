import PESCore

/// The one JSON convention, defined in PESCore so that exports share it; named here for the use cases' callers.
public typealias JSONConvention = PESCore.JSONConvention
