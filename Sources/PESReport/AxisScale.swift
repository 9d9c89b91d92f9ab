import Foundation

/// A linear map from data values to pixels along one axis, with round-numbered ticks.
public struct AxisScale: Sendable, Hashable {
    /// Data value at the start of the axis (left or bottom), in the axis's unit.
    public var lower: Double
    /// Data value at the end of the axis (right or top), in the axis's unit.
    public var upper: Double
    /// Pixel coordinate of `lower`.
    public var pixelLower: Double
    /// Pixel coordinate of `upper`.
    public var pixelUpper: Double

    public init(lower: Double, upper: Double, pixelLower: Double, pixelUpper: Double) {
        self.lower = lower
        self.upper = upper > lower ? upper : lower + 1
        self.pixelLower = pixelLower
        self.pixelUpper = pixelUpper
    }

    /// Builds a scale covering `values` with `padding` (a fraction of their span) on both sides.
    public static func covering(_ values: [Double], padding: Double, pixels: ClosedRange<Double>, flipped: Bool) -> AxisScale {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0, high = finite.max() ?? 1
        if high - low < 1e-300 {
            let half = max(abs(low) * 1e-3, 1e-12)
            low -= half
            high += half
        }
        let pad = (high - low) * padding
        return AxisScale(
            lower: low - pad, upper: high + pad,
            pixelLower: flipped ? pixels.upperBound : pixels.lowerBound,
            pixelUpper: flipped ? pixels.lowerBound : pixels.upperBound)
    }

    /// Pixel coordinate of a data value.
    public func pixel(_ value: Double) -> Double {
        pixelLower + (value - lower) / (upper - lower) * (pixelUpper - pixelLower)
    }

    /// Data value at a pixel coordinate, the inverse of ``pixel(_:)``.
    public func value(atPixel pixel: Double) -> Double {
        lower + (pixel - pixelLower) / (pixelUpper - pixelLower) * (upper - lower)
    }

    /// Spacing of about `count` ticks: 1, 2 or 5 times a power of ten.
    public func tickStep(count: Int = 6) -> Double {
        let raw = (upper - lower) / Double(max(count, 1))
        let power = pow(10, floor(log10(raw)))
        let fraction = raw / power
        let nice: Double = fraction < 1.5 ? 1 : fraction < 3.5 ? 2 : fraction < 7.5 ? 5 : 10
        return nice * power
    }

    /// Tick values inside the axis, multiples of ``tickStep(count:)``.
    public func ticks(count: Int = 6) -> [Double] {
        let step = tickStep(count: count)
        var value = ceil(lower / step - 1e-9) * step
        var values: [Double] = []
        while value <= upper + step * 1e-9, values.count < 100 {
            values.append(abs(value) < step * 1e-9 ? 0 : value)
            value += step
        }
        return values
    }

    /// A tick label with as many decimals as the step needs, in exponent form for very small steps.
    public func label(_ value: Double, count: Int = 6) -> String {
        let step = tickStep(count: count)
        if value == 0 { return "0" }
        let decimals = max(0, Int(-floor(log10(step) + 1e-9)))
        if decimals > 4 || abs(value) >= 1e6 { return String(format: "%.1e", value) }
        return String(format: "%.\(decimals)f", value)
    }
}
