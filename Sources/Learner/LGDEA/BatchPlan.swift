/// How many paired seeds, unpaired images and unpaired reports one LGDEA step draws.
///
/// With `unpairedBesideSeeds` the seeds fill the whole `batchSize` and the unpaired rows come on
/// top, so an arm with unpaired pools sees exactly the seed rows of the arm without them (the
/// benchmark's "same steps" comparison); otherwise the shares split one batch.
struct BatchPlan: Equatable {
    var seeds: Int
    var unpairedImages: Int
    var unpairedReports: Int
}

extension BatchPlan {
    init(batchSize: Int, training: LGDEATrainingConfiguration, pairedCount: Int, unpairedImageCount: Int, unpairedReportCount: Int) {
        let b = max(2, batchSize)
        let useUnpaired = training.useUnpaired
        let nI = useUnpaired && unpairedImageCount > 0 ? Int((training.unpairedImageShare * Float(b)).rounded()) : 0
        let minPaired = Int((0.25 * Float(b)).rounded(.up))
        let pairedWanted = max(minPaired, Int((training.pairedShare * Float(b)).rounded()))
        let nR = useUnpaired && unpairedReportCount > 0 ? max(0, b - pairedWanted - nI) : 0
        seeds = pairedCount == 0 ? 0 : (training.unpairedBesideSeeds ? b : b - nI - nR)
        unpairedImages = nI
        unpairedReports = nR
    }
}
