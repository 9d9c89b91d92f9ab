import PESFit

/// The surface a contour plot draws: the polynomial of the total degree asked, or of the highest lower one the points support.
///
/// Degrees are tried from the one asked down to 2; the first that fits is
/// drawn, and why the asked one could not be is kept for the figure and the
/// command. When none fits, the failure is that of degree 2, the fewest
/// terms: what even the simplest surface lacks.
struct ContourSurface {
    /// The surface fitted, or why none could be.
    var fit: Result<SurfaceFit, FitError>
    /// Why the asked degree could not be fitted, when it could not.
    var requestedDegreeProblem: FitError?

    /// Fits the usable points of `selection` that have coordinates, one value per name in `coordinateNames`.
    init(selection: FitSelection, coordinateNames: [String], degree: Int) {
        let (points, energies) = selection.surfaceData
        var problem: FitError?
        var last: FitError = .degreeTooLow(degree)
        for trial in stride(from: degree, through: 2, by: -1) {
            do {
                fit = .success(
                    try SurfaceFit.fit(coordinateNames: coordinateNames, points: points, energyHartree: energies, totalDegree: trial))
                requestedDegreeProblem = problem
                return
            } catch {
                if trial == degree { problem = error }
                last = error
            }
        }
        fit = .failure(last)
        requestedDegreeProblem = problem
    }
}
