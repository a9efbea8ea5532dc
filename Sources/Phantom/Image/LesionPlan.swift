/// One lesion, fully parameterised in patient coordinates before drawing.
enum LesionPlan: Sendable {
    case cardiomegaly(ratio: Double)
    case effusion(sides: [Double], height: Double, meniscus: Double)
    case pneumothorax(side: Double, gap: Double, extent: Double)
    case opacity(side: Double, center: (Double, Double), radius: Double, lobes: [(Double, Double, Double)], amplitude: Double, softness: Double)
    case atelectasis(side: Double, center: (Double, Double), length: Double, thickness: Double, angle: Double, amplitude: Double)
    case edema(amplitude: Double, radius: Double)
    case nodule(center: (Double, Double), radius: Double, amplitude: Double)
    case mass(center: (Double, Double), lobes: [(Double, Double, Double)], amplitude: Double)
    case emphysema(level: Double)
    case fracture(side: Double, rib: Int, d: Double, offset: Double)
    case device(kind: String)
}

/// A finding to report plus how to draw it.
struct PlannedFinding: Sendable {
    var finding: PhantomFinding
    var plan: LesionPlan
}
